// Bulk tag, collection and trash operations on a real library through the API: exactly the right
// clips change, the inverse restores exactly, work is batched by shard, and bad input changes nothing.
import * as Automerge from '@automerge/automerge';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BULK_CLIPS, type BulkProgress, type LabelBulkResult } from '../../../contract/api.js';
import { MAX_LOADED_SHARDS } from '../../../main/library/documents/shard-documents.js';
import { shardOfClip } from '../../../main/library/ids.js';
import { changeClipsInBatches, batchesByShard } from '../../../main/library/bulk/bulk-writes.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { addTextClips } from '../../helpers/many-clips.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function start(clips: number, options: Parameters<typeof addTextClips>[2] = {}): Promise<{ core: TestCore; ids: string[] }> {
  core = await createTestCore();
  const ids = await addTextClips(core.library, clips, options);
  return { core, ids };
}

async function idsTagged(api: TestCore['api'], tag: string): Promise<string[]> {
  const page = await api.listClips({ tag, limit: 1000 });
  return page.items.map((clip) => clip.id).sort();
}

async function idsInCollection(api: TestCore['api'], collection: string): Promise<string[]> {
  const page = await api.listClips({ collection, limit: 1000 });
  return page.items.map((clip) => clip.id).sort();
}

/** What the renderer's undo does with a label result: the inverse, through the same method. */
async function invertTags(api: TestCore['api'], result: LabelBulkResult): Promise<void> {
  for (const change of result.added) await api.bulkTags({ selection: { ids: change.ids }, remove: [change.name] });
  for (const change of result.removed) await api.bulkTags({ selection: { ids: change.ids }, add: [change.name] });
}

describe('bulk tags', () => {
  it('tags exactly the clips that lacked the tag, and the inverse leaves those that had it alone', async () => {
    const { core, ids } = await start(20, { tags: (i) => (i < 3 ? ['work'] : []) });
    const selected = ids.slice(0, 10);
    const result = await core.api.bulkTags({ selection: { ids: selected }, add: ['work', 'review'] });

    expect(result).toMatchObject({ selected: 10, changed: 10, cancelled: false, removed: [] });
    expect(result.operationId).toMatch(/^[0-9a-f]{32}$/);
    const added = Object.fromEntries(result.added.map((change) => [change.name, [...change.ids].sort()]));
    expect(added.work).toEqual(selected.slice(3).sort());
    expect(added.review).toEqual([...selected].sort());
    expect(await idsTagged(core.api, 'work')).toEqual([...selected].sort());
    expect(await idsTagged(core.api, 'review')).toEqual([...selected].sort());

    await invertTags(core.api, result);
    expect(await idsTagged(core.api, 'work')).toEqual(ids.slice(0, 3).sort());
    expect(await idsTagged(core.api, 'review')).toEqual([]);
  });

  it('removes a tag only where it was; each changed clip\'s history and undo see the change', async () => {
    const { core, ids } = await start(8, { tags: (i) => (i % 2 === 0 ? ['draft'] : []) });
    const result = await core.api.bulkTags({ selection: { ids }, remove: ['draft'] });
    expect(result.changed).toBe(4);
    expect(result.removed).toEqual([{ name: 'draft', ids: expect.arrayContaining(ids.filter((_, i) => i % 2 === 0)) }]);
    expect(result.removed[0]!.ids).toHaveLength(4);

    const history = await core.api.clipHistory({ id: ids[0]! });
    expect(history[0]).toMatchObject({ operation: 'tag' });
    // An untouched clip got no change at all.
    expect((await core.api.clipHistory({ id: ids[1]! })).map((entry) => entry.operation)).toEqual(['import']);
    // `clipshot undo ID` reverts the bulk change on that one clip.
    await core.api.undoClip({ id: ids[0]! });
    expect(await idsTagged(core.api, 'draft')).toEqual([ids[0]!]);
  });

  it('writes one change per shard naming its clips: each clip’s history has it, and undo takes it back from that clip alone', async () => {
    const { core, ids } = await start(260);
    // Clips i and i + 256 share a shard.
    const [first, second] = [ids[3]!, ids[259]!];
    expect(shardOfClip(first)).toBe(shardOfClip(second));
    const shard = shardOfClip(first);
    const changesBefore = await core.library.shards.read(shard, (doc) => Automerge.getAllChanges(doc).length);
    await core.api.bulkTags({ selection: { ids: [first, second] }, add: ['together'] });
    expect(await core.library.shards.read(shard, (doc) => Automerge.getAllChanges(doc).length)).toBe(changesBefore + 1);
    for (const id of [first, second]) expect((await core.api.clipHistory({ id }))[0]).toMatchObject({ operation: 'tag' });
    await core.api.undoClip({ id: first });
    expect(await idsTagged(core.api, 'together')).toEqual([second]);
  });

  it('selects a whole query minus exclusions, across every shard, a few shards per write', async () => {
    const { core, ids } = await start(600, { tags: () => ['inbox'] });
    const except = [ids[5]!, ids[300]!];
    // Adding 600 clips loaded every shard: start from a library at rest.
    await core.library.unloadIdleDocuments();
    expect(core.library.shards.loadedCount).toBe(MAX_LOADED_SHARDS);
    let mostLoaded = 0;
    const result = await changeClipsInBatches(
      core.library,
      ids.filter((id) => !except.includes(id)),
      'tag',
      {
        changes: () => true,
        apply: (entry) => {
          entry.tags.sorted = true;
        },
      },
      { onProgress: () => (mostLoaded = Math.max(mostLoaded, core.library.shards.loadedCount)) },
    );
    expect(result.changed).toHaveLength(598);
    expect(new Set(result.changed.map(shardOfClip)).size).toBe(256);
    // Shards are unloaded as the work goes on, not all held until the end.
    expect(mostLoaded).toBeLessThanOrEqual(5 * MAX_LOADED_SHARDS);

    const viaQuery = await core.api.bulkTags({ selection: { query: { tag: 'inbox' }, except }, add: ['triaged'] });
    expect(viaQuery).toMatchObject({ selected: 598, changed: 598 });
    const tagged = await core.api.countClips({ tag: 'triaged' });
    expect(tagged).toBe(598);
    expect(await core.api.countClips({ tag: 'triaged', text: 'clip 0006' })).toBe(0);
  });

  it('batches by shard: never more clips or shards per write than allowed, every id once', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `${'0123456789abcdefghjkmnpqrstvwxyz'[i % 32]}${'0'.repeat(25)}`);
    const batches = batchesByShard(ids, 7, 3);
    expect(batches.flat().sort()).toEqual([...ids].sort());
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(7);
      expect(new Set(batch.map(shardOfClip)).size).toBeLessThanOrEqual(3);
    }
  });

  it('reports progress, and a cancel mid-way keeps what was done and says so', async () => {
    const { core, ids } = await start(600);
    const controller = new AbortController();
    const result = await changeClipsInBatches(
      core.library,
      ids,
      'tag',
      {
        changes: () => true,
        apply: (entry) => {
          entry.tags.halfway = true;
        },
      },
      { signal: controller.signal, onProgress: (done) => done > 0 && controller.abort() },
    );
    expect(result.cancelled).toBe(true);
    expect(result.changed.length).toBeGreaterThan(0);
    expect(result.changed.length).toBeLessThan(600);
    expect(await idsTagged(core.api, 'halfway')).toEqual([...result.changed].sort());

    // Through the API: the progress events, and a cancel that comes before the first write.
    const events: BulkProgress[] = [];
    core.api.onEvent((event) => event.type === 'bulk-progress' && events.push(event.progress));
    const operationId = 'a'.repeat(32);
    const running = core.api.bulkTags({ selection: { ids }, add: ['never'], operationId });
    await core.api.cancelBulk({ operationId });
    const cancelled = await running;
    expect(cancelled).toMatchObject({ operationId, cancelled: true, changed: 0, added: [] });
    expect(await core.api.countClips({ tag: 'never' })).toBe(0);
    expect(events.at(-1)).toMatchObject({ operationId, finished: true, cancelled: true, total: 600, label: 'Tagging 600 clips' });

    await core.api.bulkTags({ selection: { ids }, add: ['done'] });
    expect(events.at(-1)).toMatchObject({ finished: true, cancelled: false, done: 600, total: 600 });
    await expect(core.api.cancelBulk({ operationId })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('bulk collections', () => {
  it('moves clips into one collection and the inverse puts each back where it was', async () => {
    const { core, ids } = await start(6);
    await core.api.bulkCollections({ selection: { ids: ids.slice(0, 2) }, add: ['Alpha'] });
    await core.api.bulkCollections({ selection: { ids: ids.slice(2, 4) }, add: ['Beta'] });
    const moved = await core.api.bulkCollections({ selection: { ids: ids.slice(1, 5) }, add: ['Gamma'], exclusive: true });
    expect(moved.changed).toBe(4);
    expect(await idsInCollection(core.api, 'Gamma')).toEqual(ids.slice(1, 5).sort());
    expect(await idsInCollection(core.api, 'Alpha')).toEqual([ids[0]!]);
    expect(await idsInCollection(core.api, 'Beta')).toEqual([]);

    for (const change of moved.added) await core.api.bulkCollections({ selection: { ids: change.ids }, remove: [change.name] });
    for (const change of moved.removed) await core.api.bulkCollections({ selection: { ids: change.ids }, add: [change.name] });
    expect(await idsInCollection(core.api, 'Alpha')).toEqual(ids.slice(0, 2).sort());
    expect(await idsInCollection(core.api, 'Beta')).toEqual(ids.slice(2, 4).sort());
    expect(await idsInCollection(core.api, 'Gamma')).toEqual([]);
  });
});

describe('bulk trash and restore', () => {
  it('moves only the clips not yet in the trash, and the inverse brings back only those', async () => {
    const { core, ids } = await start(6);
    await core.api.bulkTrash({ selection: { ids: [ids[0]!] } });
    const trashed = await core.api.bulkTrash({ selection: { ids: ids.slice(0, 4) } });
    expect(trashed).toMatchObject({ selected: 4, cancelled: false });
    expect([...trashed.changed].sort()).toEqual(ids.slice(1, 4).sort());
    expect(await core.api.countClips({ trash: true })).toBe(4);

    const restored = await core.api.bulkRestore({ selection: { ids: trashed.changed } });
    expect([...restored.changed].sort()).toEqual(ids.slice(1, 4).sort());
    const stillTrashed = await core.api.listClips({ trash: true });
    expect(stillTrashed.items.map((clip) => clip.id)).toEqual([ids[0]!]);
  });

  it('trashes the search results of the trash view: a query selection in the trash', async () => {
    const { core, ids } = await start(5);
    await core.api.bulkTrash({ selection: { query: {} } });
    expect(await core.api.countClips({})).toBe(0);
    const back = await core.api.bulkRestore({ selection: { query: { trash: true }, except: [ids[2]!] } });
    expect(back.changed).toHaveLength(4);
    expect((await core.api.listClips({ trash: true })).items.map((clip) => clip.id)).toEqual([ids[2]!]);
  });
});

describe('bad input changes nothing and says why', () => {
  it('refuses unknown ids, empty and oversized selections, bad tags and malformed requests', async () => {
    const { core, ids } = await start(4);
    const before = await core.api.listClips({ limit: 10 });
    const unknown = '0'.repeat(26);

    await expect(core.api.bulkTags({ selection: { ids: [ids[0]!, unknown] }, add: ['x'] })).rejects.toMatchObject({ code: 'not-found', message: `no clip with id ${unknown}` });
    await expect(core.api.bulkTrash({ selection: { ids: [ids[0]!, unknown, '1'.repeat(26)] } })).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('2 of the selected clips do not exist') });
    await expect(core.api.bulkTags({ selection: { ids: [] }, add: ['x'] })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringContaining('no clips are selected') });
    await expect(core.api.bulkTags({ selection: { query: { tag: 'nothing-has-this' } }, add: ['x'] })).rejects.toMatchObject({ code: 'invalid-request', message: 'no clips are selected' });
    const tooMany = Array.from({ length: MAX_BULK_CLIPS + 1 }, () => ids[0]!);
    await expect(core.api.bulkTrash({ selection: { ids: tooMany } })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringContaining('at most 100,000 clips at once') });
    await expect(core.api.bulkTags({ selection: { ids }, add: ['good', 'bad,tag'] })).rejects.toMatchObject({ code: 'invalid-edit', message: expect.stringContaining('commas') });
    await expect(core.api.bulkTags({ selection: { ids }, add: [] })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringContaining('nothing to change') });
    await expect(core.api.bulkTags({ selection: { ids, query: {} }, add: ['x'] })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringContaining('either ids or a query') });
    await expect(core.api.bulkTags({ selection: { ids: ['not-an-id'] }, add: ['x'] })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringContaining('not a clip id') });
    await expect(core.api.bulkCollections({ selection: { ids }, add: ['A', 'B'], exclusive: true })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringContaining('exactly one collection') });
    await expect(core.api.cancelBulk({ operationId: 'nope' })).rejects.toMatchObject({ code: 'invalid-request' });

    const after = await core.api.listClips({ limit: 10 });
    expect(after.items).toEqual(before.items);
    for (const id of ids) expect((await core.api.clipHistory({ id })).map((entry) => entry.operation)).toEqual(['import']);
  });
});
