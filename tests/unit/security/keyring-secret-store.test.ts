import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyringSecretStore, SecretStoreUnavailableError } from '../../../main/security/keyring-secret-store.js';
import { createKeyFile, unlockWithSecretStore } from '../../../main/security/key-slots.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { tempDir } from '../../helpers/temp.js';
import { fixturePath, transpileSecurityModules } from './transpiled-security-modules.js';

interface Finished { code: number | null; stdout: string; stderr: string }

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => reject(new Error(`cannot run ${command} (CI installs it with: apt-get install gnome-keyring dbus dbus-x11): ${error.message}`)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function resultLine(output: string): Record<string, unknown> {
  const line = output.split('\n').find((candidate) => candidate.startsWith('RESULT '));
  if (line === undefined) throw new Error(`the fixture printed no RESULT line:\n${output}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}

describe('KeyringSecretStore against a real Secret Service (gnome-keyring in a private D-Bus session)', () => {
  it('stores, reads and deletes secrets, and a keychain slot unlocks a library and is cleaned up on removal', async () => {
    const dir = await tempDir();
    const modules = await transpileSecurityModules(path.join(dir, 'modules'));
    const home = path.join(dir, 'home');
    await fs.mkdir(path.join(home, 'run'), { recursive: true, mode: 0o700 });
    await fs.mkdir(path.join(dir, 'work'));
    // A HOME of its own: the test never touches the keyrings of whoever runs it.
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache'), XDG_RUNTIME_DIR: path.join(home, 'run') };
    delete env.DBUS_SESSION_BUS_ADDRESS;

    const finished = await run('dbus-run-session', ['--', process.execPath, fixturePath('keychain-session.mjs'), modules, path.join(dir, 'work')], env);
    const result = resultLine(finished.stdout);

    expect(result, finished.stderr).toEqual({
      storeName: 'keyring',
      missing: null,
      roundTrip: 'second',
      deleted: true,
      deletedAgain: false,
      afterDelete: null,
      unlockedSameKey: true,
      slot: { method: 'keychain', label: 'OS keychain (keyring)' },
      rawSecretBytes: 32,
      keyFileHoldsSecret: false,
      keyFileHoldsKey: false,
      rawSecretAfterRemove: null,
      unlockAfterRemove: 'NoUnlockMethodError',
    });
    expect(finished.code).toBe(0);
  });
});

describe('KeyringSecretStore with no Secret Service reachable', () => {
  const savedAddress = process.env.DBUS_SESSION_BUS_ADDRESS;
  afterEach(() => {
    if (savedAddress === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedAddress;
  });

  it('fails every call with SecretStoreUnavailableError in plain words, and creates no key file', async () => {
    const dir = await tempDir();
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(dir, 'no-such-bus')}`;
    const store = new KeyringSecretStore();

    const failures = await Promise.all([store.get('a'), store.set('a', 'b'), store.delete('a')].map((call) => call.then(() => null, (error: unknown) => error)));
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(SecretStoreUnavailableError);
      expect((failure as Error).message).toBe('the OS keychain is not available: no Secret Service is running in this session (start gnome-keyring or KWallet, or unlock with a passphrase)');
      expect((failure as Error).cause).toBeInstanceOf(Error);
    }

    const keyPath = path.join(dir, 'keys.json');
    await expect(createKeyFile(keyPath, { secretStore: store })).rejects.toBeInstanceOf(SecretStoreUnavailableError);
    await expect(fs.access(keyPath)).rejects.toThrow(/ENOENT/);
  });

  it('lets unlocking through the keychain fail as unavailable, so the caller can ask for the passphrase instead', async () => {
    const dir = await tempDir();
    const keyPath = path.join(dir, 'keys.json');
    await createKeyFile(keyPath, { secretStore: new MemorySecretStore() });
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(dir, 'no-such-bus')}`;

    await expect(unlockWithSecretStore(keyPath, new KeyringSecretStore())).rejects.toBeInstanceOf(SecretStoreUnavailableError);
  });
});
