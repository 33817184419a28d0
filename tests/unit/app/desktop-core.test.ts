import { ImmutableString } from '@automerge/automerge';
import { Repo, type AutomergeUrl, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClipDocumentRef, LibraryOverview } from '../../../contract/api.js';
import type { ClipView } from '../../../contract/clips.js';
import { clipChangeMessage, type ShardDoc } from '../../../contract/shard-document.js';
import { AppLibraryError } from '../../../main/app/app-library.js';
import { startDesktopCore, type DesktopCore } from '../../../main/app/desktop-core.js';
import { runThroughControlSocket } from '../../../main/control/control-client.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { SecretStoreUnavailableError, type SecretStore } from '../../../main/security/secret-store.js';
import { tempDir } from '../../helpers/temp.js';
import { NodePortAsMainPort } from './node-port-as-main-port.js';

/** A keychain that is not there (no Secret Service, no keyring). */
class MissingKeychain implements SecretStore {
  readonly name = 'missing';
  async get(): Promise<string | null> {
    throw new SecretStoreUnavailableError('the OS keychain is not available');
  }
  async set(): Promise<void> {
    throw new SecretStoreUnavailableError('the OS keychain is not available');
  }
  async delete(): Promise<boolean> {
    throw new SecretStoreUnavailableError('the OS keychain is not available');
  }
}

const cores: DesktopCore[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
});

async function start(dir: string, stores: SecretStore[], passphrase?: string): Promise<DesktopCore> {
  const core = await startDesktopCore(dir, { stores, passphrase }, { sync: false, analysis: false });
  cores.push(core);
  return core;
}

async function libraryDir(): Promise<string> {
  return path.join(await tempDir(), 'library');
}

describe('opening the library in the app', () => {
  it('creates a new library locked by the first keychain that works', async () => {
    const dir = await libraryDir();
    const keychain = new MemorySecretStore('keychain');
    const core = await start(dir, [new MissingKeychain(), keychain]);
    expect(keychain.size).toBe(1);
    const keys = JSON.parse(await fs.readFile(path.join(dir, 'keys.json'), 'utf8')) as { slots: { method: string; store: string }[] };
    expect(keys.slots).toEqual([expect.objectContaining({ method: 'keychain', store: 'keychain' })]);
    await core.close();

    // Next start: the first store has no secret for it, the second does.
    const reopened = await start(dir, [new MemorySecretStore('empty'), keychain]);
    expect(reopened.library.libraryId).toBe(core.library.libraryId);
  });

  it('says what to do when no keychain can keep a new library\'s key, and creates nothing', async () => {
    const dir = await libraryDir();
    const failure = start(dir, [new MissingKeychain()]);
    await expect(failure).rejects.toThrow(AppLibraryError);
    await expect(failure).rejects.toThrow(/found no keychain .*the OS keychain is not available.*CLIPSHOT_PASSPHRASE/);
    await expect(fs.access(path.join(dir, 'keys.json'))).rejects.toThrow();
  });

  it('says what to do when no keychain holds an existing library\'s key, and changes nothing', async () => {
    const dir = await libraryDir();
    const keychain = new MemorySecretStore();
    await (await start(dir, [keychain])).close();
    const keysBefore = await fs.readFile(path.join(dir, 'keys.json'), 'utf8');
    await expect(start(dir, [new MissingKeychain(), new MemorySecretStore('other')])).rejects.toThrow(/cannot unlock the library .* by itself .*clipshot keys add-keychain/);
    expect(await fs.readFile(path.join(dir, 'keys.json'), 'utf8')).toBe(keysBefore);
    // The control socket it took while trying is free again.
    await start(dir, [keychain]);
  });

  it('uses the passphrase from the environment when one is given', async () => {
    const dir = await libraryDir();
    const keychain = new MemorySecretStore();
    await (await start(dir, [keychain], 'correct horse battery staple')).close();
    expect(keychain.size).toBe(0);
    await expect(start(dir, [keychain], 'wrong horse')).rejects.toThrow(/passphrase/i);
    const reopened = await start(dir, [], 'correct horse battery staple');
    expect(reopened.library.paths.dir).toBe(dir);
  });
});

describe('the running core', () => {
  it('answers CLI commands on its control socket, and refuses a second ClipShot on the same library', async () => {
    const dir = await libraryDir();
    const keychain = new MemorySecretStore();
    const core = await start(dir, [keychain]);
    await core.windows.dispatch(1, 'importText', { text: 'pasted from the app', title: 'app clip' });
    let stdout = '';
    const code = await runThroughControlSocket(core.controlSocket, { command: 'list', positionals: [], options: {}, cwd: dir }, { interactive: false, stdout: (text) => (stdout += text), stderr: () => undefined });
    expect(code).toBe(0);
    expect(stdout).toContain('app clip');
    await expect(start(dir, [keychain])).rejects.toThrow(/open in another ClipShot/);
  });

  it('gives each window its own session, released with the page', async () => {
    const core = await start(await libraryDir(), [new MemorySecretStore()]);
    const { clipId } = (await core.windows.dispatch(1, 'importText', { text: 'a clip to open' })) as { clipId: string };
    await core.windows.dispatch(1, 'openClipDocument', { id: clipId });
    await expect(core.windows.dispatch(2, 'closeClipDocument', { id: clipId })).rejects.toMatchObject({ code: 'not-found' });
    core.windows.release(1);
    // The reloaded page starts a new session: what the old one opened is no longer its to close.
    await expect(core.windows.dispatch(1, 'closeClipDocument', { id: clipId })).rejects.toMatchObject({ code: 'not-found' });
    const overview = (await core.windows.dispatch(1, 'overview', {})) as LibraryOverview;
    expect(overview.total).toBe(1);
  });

  it('syncs a clip document with a window over its port, and the index follows the window\'s edit', async () => {
    const core = await start(await libraryDir(), [new MemorySecretStore()]);
    const { clipId } = (await core.windows.dispatch(7, 'importText', { text: 'edit me from the window', title: 'before' })) as { clipId: string };
    const ref = (await core.windows.dispatch(7, 'openClipDocument', { id: clipId })) as ClipDocumentRef;

    const channel = new MessageChannel();
    core.windows.connectDocumentPort(7, new NodePortAsMainPort(channel.port1));
    const window = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port2 as unknown as ConstructorParameters<typeof MessageChannelNetworkAdapter>[0])], peerId: 'window-7' as PeerId, sharePolicy: async () => true });
    try {
      const handle = await window.find<ShardDoc>(ref.documentUrl as AutomergeUrl, { signal: AbortSignal.timeout(10_000) });
      expect(handle.doc().clips[clipId]?.title.toString()).toBe('before');
      handle.change((doc) => {
        doc.clips[clipId]!.title = new ImmutableString('after, from the window');
      }, { message: clipChangeMessage('edit', clipId) });
      const deadline = Date.now() + 5000;
      let clip = (await core.windows.dispatch(7, 'getClip', { id: clipId })) as ClipView;
      while (clip.title !== 'after, from the window' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        clip = (await core.windows.dispatch(7, 'getClip', { id: clipId })) as ClipView;
      }
      expect(clip.title).toBe('after, from the window');

      // The page goes away: its port is disconnected from the core's repo.
      const adapters = () => core.library.repo.networkSubsystem.adapters.length;
      expect(adapters()).toBe(1);
      core.windows.release(7);
      expect(adapters()).toBe(0);
    } finally {
      await window.shutdown();
      channel.port2.close();
    }
  });
});

describe('the app lock in the desktop core', () => {
  it('locks on the system\'s sleep as on idleness: windows, ports and the control socket get nothing until the passphrase opens it again', async () => {
    const dir = await libraryDir();
    let now = 1_000_000;
    const core = await startDesktopCore(dir, { stores: [], passphrase: 'correct horse battery staple' }, { sync: false, analysis: false, now: () => now });
    cores.push(core);
    const events: unknown[] = [];
    core.api.onEvent((event) => events.push(event));
    const { clipId } = (await core.windows.dispatch(1, 'importText', { text: 'a password in a terminal', title: 'secret' })) as { clipId: string };

    // What powerMonitor's 'suspend' does in main/app/main.ts.
    await core.lock.lock('suspend');
    expect(events).toContainEqual({ type: 'lock-changed', state: { locked: true, lockAfterMinutes: null, keychainUnlock: false, osUnlock: { name: null, enabled: false, keychainSlot: false, offered: false } } });
    await expect(core.windows.dispatch(1, 'getClip', { id: clipId })).rejects.toMatchObject({ code: 'locked' });
    await expect(core.windows.dispatch(2, 'listClips', {})).rejects.toMatchObject({ code: 'locked' });
    expect(() => core.library).toThrow(/locked/);
    // A window reloading onto the lock screen still gets its document port, joined to nothing.
    const channel = new MessageChannel();
    core.windows.connectDocumentPort(2, new NodePortAsMainPort(channel.port1));
    let stderr = '';
    const code = await runThroughControlSocket(core.controlSocket, { command: 'show', positionals: [clipId], options: {}, cwd: dir }, { interactive: false, stdout: () => undefined, stderr: (text) => (stderr += text) });
    expect(code).toBe(3);
    expect(stderr).toContain('the library is locked');

    await expect(core.windows.dispatch(2, 'unlock', { passphrase: 'wrong horse' })).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/wrong passphrase/) });
    expect(await core.windows.dispatch(2, 'unlock', { passphrase: 'correct horse battery staple' })).toMatchObject({ locked: false });
    expect(await core.windows.dispatch(2, 'getClip', { id: clipId })).toMatchObject({ title: 'secret' });
    channel.port2.close();

    // Idle: a minute without a request from a window, on the core's clock.
    await core.windows.dispatch(2, 'setLockAfter', { minutes: 1 });
    now += 59_000;
    await core.lock.checkIdle();
    expect(core.lock.locked).toBe(false);
    await core.windows.dispatch(2, 'overview', {});
    now += 59_000;
    await core.lock.checkIdle();
    expect(core.lock.locked).toBe(false);
    now += 1_001;
    await core.lock.checkIdle();
    expect(core.lock.locked).toBe(true);
    // Both unlocks and the failure before them are in the audit log, newest first (creating the library is no unlock).
    await core.windows.dispatch(2, 'unlock', { passphrase: 'correct horse battery staple' });
    const log = (await core.windows.dispatch(2, 'auditLog', {})) as { entries: { kind: string }[] };
    expect(log.entries.map((entry) => entry.kind).filter((kind) => kind.startsWith('unlock'))).toEqual(['unlock', 'unlock', 'unlock-failed']);
  });
});
