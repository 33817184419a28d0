import * as Automerge from '@automerge/automerge';
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDependencyPatches, DEPENDENCY_PATCHES, DependencyPatchError, type DependencyPatch } from '../../../main/install/dependency-patches.js';
import { shardOfClip } from '../../../main/library/ids.js';
import { importText } from '../../../main/library/importer.js';
import { packageRoot } from '../../../main/server/package-root.js';
import { createTestLibrary, openTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';
import type { AdapterPort } from '../../helpers/direct-api.js';

const PATCH: DependencyPatch = {
  packageName: '@example/lib',
  version: '1.2.3',
  files: ['dist/a.js', 'dist/b.cjs'],
  edits: [{ find: 'slow(x)', replace: 'fast(x)' }],
  why: 'slow is slow',
};

async function fakeInstall(version: string, files: Record<string, string>): Promise<string> {
  const root = await tempDir();
  const dir = path.join(root, 'node_modules', '@example', 'lib');
  await fs.mkdir(path.join(dir, 'dist'), { recursive: true });
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: '@example/lib', version }));
  for (const [file, text] of Object.entries(files)) await fs.writeFile(path.join(dir, file), text);
  return root;
}

const read = (root: string, file: string) => fs.readFile(path.join(root, 'node_modules', '@example', 'lib', file), 'utf8');

describe('dependency patches', () => {
  it('patches every build of the package once, and leaves it alone when run again', async () => {
    const root = await fakeInstall('1.2.3', { 'dist/a.js': 'let y = slow(x);', 'dist/b.cjs': 'return slow(x)\n' });
    expect(applyDependencyPatches(root, [PATCH]).map((outcome) => outcome.state)).toEqual(['applied', 'applied']);
    expect(await read(root, 'dist/a.js')).toBe('let y = fast(x);');
    expect(await read(root, 'dist/b.cjs')).toBe('return fast(x)\n');

    expect(applyDependencyPatches(root, [PATCH]).map((outcome) => outcome.state)).toEqual(['already applied', 'already applied']);
    expect(await read(root, 'dist/a.js')).toBe('let y = fast(x);');
    expect(await fs.readdir(path.join(root, 'node_modules', '@example', 'lib', 'dist'))).toEqual(['a.js', 'b.cjs']);
  });

  it('refuses another version of the package, naming both and what to check', async () => {
    const root = await fakeInstall('1.3.0', { 'dist/a.js': 'slow(x)', 'dist/b.cjs': 'slow(x)' });
    expect(() => applyDependencyPatches(root, [PATCH])).toThrow(DependencyPatchError);
    expect(() => applyDependencyPatches(root, [PATCH])).toThrow(/@example\/lib is 1\.3\.0, but its patch was written for 1\.2\.3.*slow is slow/);
    expect(await read(root, 'dist/a.js')).toBe('slow(x)');
  });

  it('refuses a build where the text is missing or not unique', async () => {
    const missing = await fakeInstall('1.2.3', { 'dist/a.js': 'slow(x)', 'dist/b.cjs': 'quick(x)' });
    expect(() => applyDependencyPatches(missing, [PATCH])).toThrow(/b\.cjs: expected the text to patch once, found it 0 times/);
    const twice = await fakeInstall('1.2.3', { 'dist/a.js': 'slow(x); slow(x)', 'dist/b.cjs': 'slow(x)' });
    expect(() => applyDependencyPatches(twice, [PATCH])).toThrow(/a\.js: expected the text to patch once, found it 2 times/);
    expect(await read(twice, 'dist/a.js')).toBe('slow(x); slow(x)');
  });

  it('refuses a package that is not installed', async () => {
    const root = await tempDir();
    expect(() => applyDependencyPatches(root, [PATCH])).toThrow(/@example\/lib is not installed/);
  });

  it('are all in place in this install (npm install applies them)', async () => {
    for (const patch of DEPENDENCY_PATCHES) {
      for (const file of patch.files) {
        const text = await fs.readFile(path.join(packageRoot(), 'node_modules', ...patch.packageName.split('/'), file), 'utf8');
        for (const edit of patch.edits) expect(text.includes(edit.replace), `${patch.packageName}/${file}: ${edit.replace.slice(0, 60)}`).toBe(true);
      }
    }
  });

  it('lets diff() reuse the patches a received sync message produced (the Automerge fix)', () => {
    let ours = Automerge.from<{ tags: Record<string, boolean> }>({ tags: {} });
    let theirs = Automerge.clone(ours);
    theirs = Automerge.change(theirs, (doc) => {
      doc.tags.work = true;
    });
    let ourState = Automerge.initSyncState();
    let theirState = Automerge.initSyncState();
    for (let round = 0; round < 4; round++) {
      let message: Uint8Array | null;
      [theirState, message] = Automerge.generateSyncMessage(theirs, theirState);
      if (message) {
        const before = Automerge.getHeads(ours);
        [ours, ourState] = Automerge.receiveSyncMessage(ours, ourState, message);
        const after = Automerge.getHeads(ours);
        if (before.join() !== after.join()) {
          const patches = Automerge.diff(ours, before, after);
          expect(patches.map((patch) => patch.path)).toEqual([['tags', 'work']]);
          // The same array both times: taken from what the message produced, not computed again.
          expect(Automerge.diff(ours, before, after)).toBe(patches);
          return;
        }
      }
      [ourState, message] = Automerge.generateSyncMessage(ours, ourState);
      if (message) [theirs, theirState] = Automerge.receiveSyncMessage(theirs, theirState, message);
    }
    throw new Error('the change never arrived');
  });

  describe('sync states handed back to Automerge (the third fix)', () => {
    function diverged(): [Automerge.Doc<{ n: Record<string, number> }>, Automerge.Doc<{ n: Record<string, number> }>] {
      const base = Automerge.from<{ n: Record<string, number> }>({ n: {} });
      return [Automerge.change(Automerge.clone(base), (doc) => void (doc.n.ours = 1)), Automerge.change(Automerge.clone(base), (doc) => void (doc.n.theirs = 2))];
    }

    it('still bring two documents together, and read like the states Automerge encodes', () => {
      let [ours, theirs] = diverged();
      let ourState = Automerge.initSyncState();
      let theirState = Automerge.initSyncState();
      for (let round = 0; round < 6; round++) {
        let message: Uint8Array | null;
        [ourState, message] = Automerge.generateSyncMessage(ours, ourState);
        if (message) [theirs, theirState] = Automerge.receiveSyncMessage(theirs, theirState, message);
        [theirState, message] = Automerge.generateSyncMessage(theirs, theirState);
        if (message) [ours, ourState] = Automerge.receiveSyncMessage(ours, ourState, message);
      }
      expect({ ...ours.n }).toEqual({ ours: 1, theirs: 2 });
      expect({ ...theirs.n }).toEqual({ ours: 1, theirs: 2 });
      expect(ourState.sharedHeads).toEqual(Automerge.getHeads(ours));
      expect({ ...ourState }).toMatchObject({ sharedHeads: Automerge.getHeads(ours), theirHeads: Automerge.getHeads(theirs), inFlight: false });
      expect(Automerge.decodeSyncState(Automerge.encodeSyncState(ourState)).sharedHeads).toEqual(ourState.sharedHeads);
    });

    it('stay what they were when used again after a newer one was made from them', () => {
      const [ours, theirs] = diverged();
      const fresh = Automerge.initSyncState();
      const [first, firstMessage] = Automerge.generateSyncMessage(ours, fresh);
      // `fresh` again: the answer must not see what the first call recorded in its copy.
      const [, again] = Automerge.generateSyncMessage(ours, fresh);
      expect(again).toEqual(firstMessage);
      // `first` is waiting for an answer: nothing more to send until one comes.
      expect(Automerge.generateSyncMessage(ours, first)[1]).toBeNull();
      const [, theirState] = Automerge.receiveSyncMessage(theirs, Automerge.initSyncState(), firstMessage!);
      expect(theirState.theirHeads).toEqual(Automerge.getHeads(ours));
    });

    it('take a field set by hand into account', () => {
      const [ours] = diverged();
      const [state] = Automerge.generateSyncMessage(ours, Automerge.initSyncState());
      expect(Automerge.generateSyncMessage(ours, state)[1]).toBeNull();
      state.lastSentHeads = [];
      // As if these heads had never been sent: it speaks again.
      expect(Automerge.generateSyncMessage(ours, state)[1]).not.toBeNull();
      expect({ ...state }).toMatchObject({ lastSentHeads: [], sharedHeads: [] });
    });
  });

  describe('documents in automerge-repo (the loading and diffing fixes)', () => {
    it('load from storage whole, and one whose last chunk was cut off from what comes before it', async () => {
      const { library, dir, store } = await createTestLibrary();
      const imported = await importText(library, 'stored, then a cut-off chunk after it');
      if (imported.type !== 'imported') throw new Error(`not imported: ${JSON.stringify(imported)}`);
      const shard = shardOfClip(imported.id);
      const title = library.get(imported.id).title;
      const change = Automerge.getLastLocalChange(Automerge.change(Automerge.init<{ x?: number }>(), (doc) => void (doc.x = 1)))!;
      await library.flush();
      await library.storage.save([library.shards.documentId(shard), 'incremental', 'zzzz-cut-off'], change.subarray(0, change.length - 3));
      await library.close();

      const reopened = (await openTestLibrary(dir, store)).library;
      try {
        expect(await reopened.shards.read(shard, (doc) => String(doc.clips[imported.id]?.title))).toBe(title);
        await reopened.write(() => reopened.shards.handle(shard));
        expect(reopened.get(imported.id).title).toBe(title);
      } finally {
        await reopened.close();
      }
    });

    it('tell from a sync message\'s first bytes whether it names heads, as decoding it would', () => {
      const one = Automerge.from({ x: 1 });
      const two = Automerge.merge(Automerge.change(Automerge.clone(one), (doc) => void (doc.x = 2)), Automerge.change(Automerge.clone(one), (doc) => void (doc.x = 3)));
      for (const [doc, heads] of [[Automerge.init(), 0], [one, 1], [two, 2]] as const) {
        const [, message] = Automerge.generateSyncMessage(doc, Automerge.initSyncState());
        expect(Automerge.decodeSyncMessage(message!).heads).toHaveLength(heads);
        // What the synchronizer now reads: a version-1 message, and its count of heads.
        expect(message![0]).toBe(0x42);
        expect(message![1] !== 0).toBe(heads > 0);
      }
    });

    it('send a change that makes no patch on to peers, and still give patches to whoever listens', async () => {
      const channel = new MessageChannel();
      const ours = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port1 as unknown as AdapterPort)], peerId: 'ours' as PeerId, sharePolicy: async () => true });
      const theirs = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port2 as unknown as AdapterPort)], peerId: 'theirs' as PeerId, sharePolicy: async () => true });
      try {
        const handle = ours.create<{ x: number }>({ x: 1 });
        const copy = await theirs.find<{ x: number }>(handle.url);
        const patches: Automerge.Patch[][] = [];
        handle.on('change', (payload) => patches.push(payload.patches));
        handle.change((doc) => void (doc.x = 2));
        expect(patches).toEqual([[{ action: 'put', path: ['x'], value: 2 }]]);
        await expect.poll(() => copy.heads(), { timeout: 10_000 }).toEqual(handle.heads());
        // Both done exchanging: nothing more goes unless something starts it.
        await new Promise((resolve) => setTimeout(resolve, 200));

        // An empty change moves the heads without a patch: the peer must get it all the same.
        handle.update((doc) => Automerge.emptyChange(doc));
        expect(patches).toHaveLength(1);
        await expect.poll(() => copy.heads(), { timeout: 10_000 }).toEqual(handle.heads());
      } finally {
        await ours.shutdown();
        await theirs.shutdown();
        channel.port1.close();
        channel.port2.close();
      }
    });
  });
});
