// Unlocking with OS authentication in the desktop core: a real library, its keychain slot in an
// in-memory keychain, the real control socket; only the OS prompt is scripted (no Touch ID here).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../../contract/audit.js';
import type { LockState } from '../../../contract/lock.js';
import { startDesktopCore, type DesktopCore, type DesktopShell } from '../../../main/app/desktop-core.js';
import { runThroughControlSocket } from '../../../main/control/control-client.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { FREE_UNLOCK_ATTEMPTS } from '../../../main/security/lock/unlock-backoff.js';
import { OS_UNLOCK_REASON } from '../../../main/security/lock/instance-lock.js';
import { OS_UNLOCK_SETTINGS_FILE, readOsUnlockEnabled } from '../../../main/security/lock/os-unlock-setting.js';
import { ScriptedAuthenticator } from '../../helpers/scripted-authenticator.js';
import { tempDir } from '../../helpers/temp.js';

const PASSPHRASE = 'correct horse battery staple';
const cores: DesktopCore[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
});

interface Started {
  core: DesktopCore;
  touchId: ScriptedAuthenticator;
  dir: string;
  call: <T = LockState>(method: string, params?: unknown) => Promise<T>;
  advance: (ms: number) => void;
}

/** A desktop core whose library has a keychain slot (or, with `passphraseOnly`, only a passphrase). */
async function start(options: { passphraseOnly?: boolean; shell?: DesktopShell } = {}): Promise<Started> {
  const dir = path.join(await tempDir(), 'library');
  const keychain = new MemorySecretStore('keychain');
  const touchId = new ScriptedAuthenticator();
  let now = 1_000_000;
  const unlock = options.passphraseOnly ? { stores: [], passphrase: PASSPHRASE } : { stores: [keychain] };
  const core = await startDesktopCore(dir, unlock, { sync: false, analysis: false, plugins: false, keychain, osAuthenticator: touchId, now: () => now, ...options.shell });
  cores.push(core);
  return {
    core,
    touchId,
    dir,
    call: <T,>(method: string, params: unknown = {}) => core.windows.dispatch(1, method, params) as Promise<T>,
    advance: (ms) => {
      now += ms;
    },
  };
}

async function auditOf(call: Started['call']): Promise<AuditPage['entries']> {
  return (await call<AuditPage>('auditLog', {})).entries;
}

describe('unlocking with OS authentication', () => {
  it('is off until turned on; then the lock screen offers it, a confirmed prompt unlocks, and the unlock is audited with its method', async () => {
    const { core, touchId, call } = await start();
    expect((await call('lockState')).osUnlock).toEqual({ name: 'Touch ID', enabled: false, keychainSlot: true, offered: false });

    expect((await call('setOsUnlock', { enabled: true })).osUnlock).toEqual({ name: 'Touch ID', enabled: true, keychainSlot: true, offered: true });
    await call('lock');
    // While locked too: the lock screen reads it before anything of the library is open.
    expect(await call('lockState')).toMatchObject({ locked: true, osUnlock: { name: 'Touch ID', offered: true } });

    touchId.answer(true);
    expect(await call('unlock', { osAuth: true })).toMatchObject({ locked: false });
    expect(touchId.prompts).toEqual([OS_UNLOCK_REASON]);
    expect(core.lock.locked).toBe(false);

    const entries = await auditOf(call);
    expect(entries.find((entry) => entry.kind === 'unlock')?.details).toEqual({ method: 'os-auth', authenticator: 'Touch ID' });
    expect(entries.find((entry) => entry.kind === 'key-change')?.details).toEqual({ action: 'os-unlock-on', authenticator: 'Touch ID' });
  });

  it('puts the prompt in front of the keychain too, from the lock screen and from `clipshot unlock`: the keychain alone does not say who is there', async () => {
    const { core, touchId, call, dir } = await start();
    await call('setOsUnlock', { enabled: true });
    await call('lock');

    touchId.answer(false);
    await expect(call('unlock', { keychain: true })).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/^Touch ID did not confirm it is you \(2 more tries/) });
    expect(core.lock.locked).toBe(true);

    // The CLI's unlock picks the keychain slot (main/cli/lock-client.ts) and reaches the same gate.
    touchId.answer(false);
    let stderr = '';
    const refused = await runThroughControlSocket(core.controlSocket, { command: 'unlock', positionals: [], options: { keychain: true }, cwd: dir }, { interactive: false, stdout: () => undefined, stderr: (text) => (stderr += text) });
    expect(refused).toBe(1);
    expect(stderr).toMatch(/cannot unlock: Touch ID did not confirm it is you/);
    expect(core.lock.locked).toBe(true);

    touchId.answer(true);
    expect(await call('unlock', { keychain: true })).toMatchObject({ locked: false });
    expect(touchId.prompts).toHaveLength(3);
    const unlocks = (await auditOf(call)).filter((entry) => entry.kind.startsWith('unlock'));
    expect(unlocks.map((entry) => [entry.kind, entry.actor.type, entry.details])).toEqual([
      ['unlock', 'device', { method: 'os-auth', authenticator: 'Touch ID' }],
      ['unlock-failed', 'cli', { method: 'os-auth', authenticator: 'Touch ID', reason: 'refused' }],
      ['unlock-failed', 'device', { method: 'os-auth', authenticator: 'Touch ID', reason: 'refused' }],
    ]);
  });

  it('counts a refused prompt like a wrong passphrase: locked, audited, and slowed after a few, without prompting while it must wait', async () => {
    const { core, touchId, call, advance } = await start();
    await call('setOsUnlock', { enabled: true });
    await call('lock');

    for (let i = 0; i < FREE_UNLOCK_ATTEMPTS; i++) {
      touchId.answer(false);
      await expect(call('unlock', { osAuth: true })).rejects.toMatchObject({ code: 'unauthorized' });
    }
    expect(core.lock.locked).toBe(true);
    await expect(call('unlock', { osAuth: true })).rejects.toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/too many failed unlocks: try again in 2 s/) });
    // A wrong passphrase waits just the same: one counter for every way in.
    await expect(call('unlock', { passphrase: 'a guess' })).rejects.toMatchObject({ code: 'rate-limited' });
    expect(touchId.prompts).toHaveLength(FREE_UNLOCK_ATTEMPTS);

    // An OS that cannot prompt at all is audited too, and says so, but is no guess.
    advance(2_001);
    touchId.answer(new Error('biometry is locked out'));
    await expect(call('unlock', { osAuth: true })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/Touch ID could not ask who you are \(biometry is locked out\)/) });

    touchId.answer(true);
    expect(await call('unlock', { osAuth: true })).toMatchObject({ locked: false });
    const failures = (await auditOf(call)).filter((entry) => entry.kind === 'unlock-failed').map((entry) => entry.details.reason);
    expect(failures).toEqual(['os-error', 'refused', 'refused', 'refused']);
  });

  it('is not offered when the library has no keychain unlock method, even turned on where Touch ID is', async () => {
    const { core, touchId, call } = await start({ passphraseOnly: true });
    expect((await call('setOsUnlock', { enabled: true })).osUnlock).toEqual({ name: 'Touch ID', enabled: true, keychainSlot: false, offered: false });
    await call('lock');
    await expect(call('unlock', { osAuth: true })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/needs the OS keychain as an unlock method of this library/) });
    expect(touchId.prompts).toEqual([]);
    expect(core.lock.locked).toBe(true);
    expect(await call('unlock', { passphrase: PASSPHRASE })).toMatchObject({ locked: false });
  });

  it('is not offered once turned off (the keychain then unlocks without a prompt, as before), nor where the OS cannot prompt', async () => {
    const { core, touchId, call, dir } = await start();
    await call('setOsUnlock', { enabled: true });
    expect(await readOsUnlockEnabled(dir)).toBe(true);
    expect((await call('setOsUnlock', { enabled: false })).osUnlock).toEqual({ name: 'Touch ID', enabled: false, keychainSlot: true, offered: false });
    await call('lock');
    await expect(call('unlock', { osAuth: true })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/turned off on this device/) });
    expect(await call('unlock', { keychain: true })).toMatchObject({ locked: false });
    expect(touchId.prompts).toEqual([]);
    expect((await auditOf(call)).find((entry) => entry.kind === 'key-change')?.details).toEqual({ action: 'os-unlock-off', authenticator: 'Touch ID' });

    // No sensor (or none enrolled): nothing to offer, and it cannot be turned on.
    await call('setOsUnlock', { enabled: true });
    touchId.canPrompt = false;
    expect((await call('lockState')).osUnlock).toEqual({ name: null, enabled: true, keychainSlot: true, offered: false });
    await core.lock.lock('person');
    expect(await call('unlock', { keychain: true })).toMatchObject({ locked: false });
    await expect(call('setOsUnlock', { enabled: true })).rejects.toMatchObject({ code: 'unsupported' });
    expect(touchId.prompts).toEqual([]);
  });

  it('cannot be turned on or off while locked, and a damaged setting reads as off', async () => {
    const { call, dir } = await start();
    await call('setOsUnlock', { enabled: true });
    await call('lock');
    await expect(call('setOsUnlock', { enabled: false })).rejects.toMatchObject({ code: 'locked' });
    expect(await readOsUnlockEnabled(dir)).toBe(true);

    for (const damaged of ['{"enabled":"yes"}', 'not json', '{"enabled":true,"extra":1}', `{"enabled":true}${' '.repeat(5000)}`]) {
      await fs.writeFile(path.join(dir, OS_UNLOCK_SETTINGS_FILE), damaged);
      expect(await readOsUnlockEnabled(dir)).toBe(false);
      expect((await call('lockState')).osUnlock.offered).toBe(false);
    }
  });
});

describe('the keychain behind the prompt', () => {
  it('is whichever of the app\'s keychains holds the slot: one the CLI added (keyring) opens as well as the app\'s own (safeStorage)', async () => {
    const dir = path.join(await tempDir(), 'library');
    const appStore = new MemorySecretStore('safe-storage');
    const cliKeyring = new MemorySecretStore('keyring');
    // As `clipshot keys add-keychain` leaves it: the slot's secret in the keyring, none in safeStorage.
    await (await startDesktopCore(dir, { stores: [cliKeyring] }, { sync: false, analysis: false, plugins: false })).close();
    const touchId = new ScriptedAuthenticator();
    // As main/app/main.ts starts it.
    const core = await startDesktopCore(dir, { stores: [appStore, cliKeyring] }, { sync: false, analysis: false, plugins: false, keychain: appStore, osAuthenticator: touchId });
    cores.push(core);
    await core.windows.dispatch(1, 'setOsUnlock', { enabled: true });
    await core.lock.lock('person');
    touchId.answer(true);
    expect(await core.windows.dispatch(1, 'unlock', { osAuth: true })).toMatchObject({ locked: false });
    expect(appStore.size).toBe(0);
  });
});

describe('without an OS authenticator (serve, the CLI, the app off macOS)', () => {
  it('offers nothing and refuses to turn it on', async () => {
    const dir = path.join(await tempDir(), 'library');
    const keychain = new MemorySecretStore('keychain');
    const core = await startDesktopCore(dir, { stores: [keychain] }, { sync: false, analysis: false, plugins: false, keychain });
    cores.push(core);
    const state = (await core.windows.dispatch(1, 'lockState', {})) as LockState;
    expect(state.osUnlock).toEqual({ name: null, enabled: false, keychainSlot: true, offered: false });
    await expect(core.windows.dispatch(1, 'setOsUnlock', { enabled: true })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/only the desktop app on a Mac/) });
    await expect(fs.access(path.join(dir, OS_UNLOCK_SETTINGS_FILE))).rejects.toThrow();
  });
});
