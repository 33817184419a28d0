import { ImmutableString } from '@automerge/automerge';
import { describe, expect, it, vi } from 'vitest';
import type { ClipView } from '../../../contract/clips.js';
import { toClipEntryDoc } from '../../../main/library/documents/schema.js';
import { MAX_LOADED_SHARDS } from '../../../main/library/documents/shard-documents.js';
import { shardOfClip } from '../../../main/library/ids.js';
import { importText } from '../../../main/library/importer.js';
import { Library } from '../../../main/library/library.js';
import { changeClipTags, editClipFields } from '../../../main/library/operations/clip-edits.js';
import { verifyLibrary } from '../../../main/library/operations/verify.js';
import { undoLastChange } from '../../../main/library/operations/undo.js';
import { moveClipToTrash } from '../../../main/library/operations/clip-edits.js';
import { createTestLibrary } from '../../helpers/library.js';

async function textClip(library: Library, text: string): Promise<ClipView> {
  const event = await importText(library, text);
  if (event.type !== 'imported') throw new Error(`not imported: ${JSON.stringify(event)}`);
  return library.get(event.id);
}

describe('clip documents', () => {
  it('quarantines an entry that does not validate, reports it, and keeps working', async () => {
    const { library } = await createTestLibrary();
    const good = await textClip(library, 'a perfectly good clip');
    const shard = shardOfClip(good.id);
    await library.shards.change(shard, 'a peer sends garbage', (doc) => {
      (doc.clips as Record<string, unknown>)['0000000000000000000000bad0'] = { id: new ImmutableString('0000000000000000000000bad0'), kind: 'sculpture' };
    });
    await library.flush();
    expect(library.query({}).items.map((clip) => clip.id)).toEqual([good.id]);
    const [held] = library.quarantine.list();
    expect(held).toMatchObject({ entryKey: '0000000000000000000000bad0' });
    expect(held!.reason).toMatch(/kind/);
    const report = await verifyLibrary(library);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([expect.objectContaining({ severity: 'warning', area: 'documents' })]);
    expect((await changeClipTags(library, good.id, { add: ['still-editable'] })).tags).toEqual(['still-editable']);
    await library.close();
  });

  it('quarantines an entry placed in the wrong shard', async () => {
    const { library } = await createTestLibrary();
    const clip = await textClip(library, 'lives in its own shard');
    const wrongShard = (shardOfClip(clip.id) + 1) % 256;
    const intruder = { ...clip, id: clip.id };
    await library.shards.change(wrongShard, 'misplaced', (doc) => {
      doc.clips[clip.id] = toClipEntryDoc(intruder);
    });
    await library.flush();
    expect(library.quarantine.list().map((item) => item.reason)).toEqual([`clip ${clip.id} belongs in shard ${shardOfClip(clip.id)}, found in shard ${wrongShard}`]);
    expect(library.query({}).items).toEqual([clip]);
    await library.close();
  });

  it('repairs the index of a shard whose change was indexed but never saved (a crash in between)', async () => {
    const { library, dir, store } = await createTestLibrary();
    const kept = await textClip(library, 'saved before the crash');
    // A change the index saw, with the process dying before the document reached storage.
    const phantom: ClipView = { ...kept, id: '0123456789abcdefghjkmnpqrs', contentHash: 'f'.repeat(64), title: 'phantom' };
    library.indexer.onShardChange(shardOfClip(phantom.id), { schema: 1, type: new ImmutableString('clipshot/clip-shard'), shard: shardOfClip(phantom.id), clips: { [phantom.id]: toClipEntryDoc(phantom) } }, [phantom.id]);
    expect(library.index.get(phantom.id)).not.toBeNull();
    library.db.close();
    await library.repo.shutdown().catch(() => undefined);

    const reopened = await Library.open(dir, { method: 'secret-store', store });
    expect(reopened.index.get(phantom.id)).toBeNull();
    expect(reopened.query({}).items.map((clip) => clip.id)).toEqual([kept.id]);
    expect((await verifyLibrary(reopened)).ok).toBe(true);
    await reopened.close();
  });

  it('keeps edit history: every edit is an Automerge change, and notes merge character by character', async () => {
    const { library } = await createTestLibrary();
    const clip = await textClip(library, 'history matters');
    await editClipFields(library, clip.id, { title: 'first title', notes: 'hello world' });
    await editClipFields(library, clip.id, { notes: 'hello brave world' });
    const handle = await library.shards.handle(shardOfClip(clip.id));
    const { getHistory } = await import('@automerge/automerge');
    const messages = getHistory(handle.doc()).map((state) => state.change.message);
    expect(messages.slice(-3)).toEqual(['import 1 clip(s)', `edit ${clip.id}`, `edit ${clip.id}`]);
    expect(library.get(clip.id)).toMatchObject({ title: 'first title', notes: 'hello brave world' });
    await library.close();
  });

  it('undoes the latest edit of a clip, and an undo of the undo redoes it', async () => {
    const { library } = await createTestLibrary();
    const clip = await textClip(library, 'undo me');
    await expect(undoLastChange(library, clip.id)).rejects.toThrow(`clip ${clip.id} has no edit to undo`);
    await editClipFields(library, clip.id, { title: 'renamed', notes: 'some notes' });
    await changeClipTags(library, clip.id, { add: ['a', 'b'] });
    const undone = await undoLastChange(library, clip.id);
    expect(undone.undone).toBe('tag');
    expect(undone.clip).toMatchObject({ title: 'renamed', notes: 'some notes', tags: [] });
    expect((await undoLastChange(library, clip.id)).clip.tags).toEqual(['a', 'b']);
    await moveClipToTrash(library, clip.id);
    expect(library.query({}).items).toHaveLength(0);
    expect((await undoLastChange(library, clip.id)).clip.deletedAt).toBeNull();
    expect(library.query({}).items.map((item) => item.id)).toEqual([clip.id]);
    await library.close();
  });

  it('rebuilds the index from the documents when its schema changed (an upgrade) or it was lost', async () => {
    const { library, dir, store } = await createTestLibrary();
    const clip = await textClip(library, 'survives an index upgrade');
    library.db.exec("UPDATE idx_meta SET value = '0' WHERE key = 'schema_version'");
    await library.close();
    const reopened = await Library.open(dir, { method: 'secret-store', store });
    expect(reopened.query({ text: 'upgrade' }).items.map((item) => item.id)).toEqual([clip.id]);
    expect((await verifyLibrary(reopened)).ok).toBe(true);
    await reopened.close();
  });

  it('unloads idle shards beyond its limit, and still reads, edits, undoes and verifies them', async () => {
    const { library } = await createTestLibrary();
    const clips: ClipView[] = [];
    for (let i = 0; i < 80; i++) clips.push(await textClip(library, `spread over many shards ${i}`));
    expect(new Set(clips.map((clip) => shardOfClip(clip.id))).size).toBeGreaterThan(MAX_LOADED_SHARDS);
    await vi.waitFor(() => expect(library.shards.loadedShards().length).toBeLessThanOrEqual(MAX_LOADED_SHARDS), { timeout: 5000, interval: 50 });

    const unloaded = clips.find((clip) => !library.shards.loadedShards().includes(shardOfClip(clip.id)))!;
    const storedTitle = await library.shards.read(shardOfClip(unloaded.id), (doc) => doc.clips[unloaded.id]?.title.toString());
    expect(storedTitle).toBe(unloaded.title);
    expect(library.shards.loadedShards()).not.toContain(shardOfClip(unloaded.id));

    await editClipFields(library, unloaded.id, { title: 'renamed after unloading' });
    expect(library.get(unloaded.id).title).toBe('renamed after unloading');
    expect((await undoLastChange(library, unloaded.id)).clip.title).toBe(unloaded.title);
    expect((await verifyLibrary(library)).ok).toBe(true);
    await library.close();
  });

  it('opens a 100-clip library without loading any shard document', async () => {
    const { library, dir, store } = await createTestLibrary();
    for (let i = 0; i < 100; i++) await importText(library, `clip number ${i}`);
    await library.close();
    const reopened = await Library.open(dir, { method: 'secret-store', store });
    expect(reopened.query({ limit: 1000 }).items).toHaveLength(100);
    expect(reopened.shards.loadedShards()).toEqual([]);
    await reopened.close();
  });
});
