import { describe, expect, it } from 'vitest';
import { ClipIndex, IndexRebuildingError, type IndexedClip } from '../../../main/index/clip-index.js';
import { DAY_MS, clipId, ids, makeClip, makeImage, openDatabaseFile, openTestDatabase, openTestIndex, sha256 } from './index-fixtures.js';

describe('ClipIndex rows', () => {
  it('returns exactly the clip it was given, optional media fields absent rather than undefined', async () => {
    const { index } = await openTestIndex();
    const image = makeImage(1, { tags: ['b', 'a'], collections: ['trip'], notes: 'some notes', capturedAt: 1_700_000_000_123.5 });
    const video = makeClip(2, { kind: 'video', media: { blob: sha256('v'), mime: 'video/mp4', size: 5, durationMs: 1234.5, thumb: sha256('t') }, deletedAt: 1_700_000_001_000 });
    const text = makeClip(3, { text: 'hello there' });
    index.upsert([image, video, text]);

    expect(index.get(image.id)).toStrictEqual(image);
    expect(index.get(video.id)).toStrictEqual(video);
    expect(index.get(text.id)).toStrictEqual(text);
    expect(index.get(clipId(99))).toBeNull();
  });

  it('is idempotent: the same upsert twice leaves one row and a consistent full-text index', async () => {
    const { index } = await openTestIndex();
    const clips = [makeClip(1, { text: 'alpha beta', tags: ['x'] }), makeImage(2, { tags: ['x', 'y'] })];
    index.upsert(clips);
    index.upsert(clips);
    expect(index.count()).toBe(2);
    expect(ids(index.query({ tag: 'x' }).items)).toEqual([clips[1]!.id, clips[0]!.id]);
    expect(ids(index.query({ text: 'alpha' }).items)).toEqual([clips[0]!.id]);
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('replaces a clip on upsert: new text, tags, trash state and capture time all take effect', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'old words', tags: ['before'] }), makeClip(2), makeClip(3)]);
    const moved = makeClip(1, { text: 'new words', tags: ['after'], capturedAt: makeClip(5).capturedAt });
    index.upsert([moved]);

    expect(index.get(moved.id)).toStrictEqual(moved);
    expect(ids(index.query({}).items)).toEqual([clipId(1), clipId(3), clipId(2)]);
    expect(index.query({ text: 'old' }).items).toEqual([]);
    expect(ids(index.query({ text: 'new' }).items)).toEqual([moved.id]);
    expect(index.query({ tag: 'before' }).items).toEqual([]);
    expect(ids(index.query({ tag: 'after' }).items)).toEqual([moved.id]);

    index.upsert([{ ...moved, deletedAt: moved.capturedAt + 10 }]);
    expect(ids(index.query({}).items)).toEqual([clipId(3), clipId(2)]);
    expect(ids(index.query({ trash: true, tag: 'after' }).items)).toEqual([moved.id]);
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('removes clips by id and ignores ids it does not hold', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'gone', tags: ['t'] }), makeClip(2)]);
    index.remove([clipId(1), clipId(77)]);
    expect(index.get(clipId(1))).toBeNull();
    expect(ids(index.query({}).items)).toEqual([clipId(2)]);
    expect(index.query({ text: 'gone' }).items).toEqual([]);
    expect(index.query({ tag: 't' }).items).toEqual([]);
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('drops every row of a shard, and its recorded heads, but no other shard', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { shard: 7 }), makeClip(2, { shard: 7 }), makeClip(3, { shard: 8 })]);
    index.recordShardHeads(7, ['a1', 'b2']);
    index.recordShardHeads(8, ['c3']);
    expect(index.shardHeads(7)).toEqual(['a1', 'b2']);

    index.removeShard(7);
    expect(ids(index.query({}).items)).toEqual([clipId(3)]);
    expect(index.shardHeads(7)).toBeNull();
    expect(index.shardHeads(8)).toEqual(['c3']);
    index.recordShardHeads(8, []);
    expect(index.shardHeads(8)).toEqual([]);
  });

  it('resolves id prefixes in id order, up to the limit', async () => {
    const { index } = await openTestIndex();
    const a = makeClip(1, { id: 'abcd0000000000000000000000' });
    const b = makeClip(2, { id: 'abce0000000000000000000000' });
    const c = makeClip(3, { id: 'abcd1000000000000000000000' });
    index.upsert([a, b, c]);
    expect(index.resolveIdPrefix('abcd')).toEqual([a.id, c.id]);
    expect(index.resolveIdPrefix('abc', 2)).toEqual([a.id, c.id]);
    expect(index.resolveIdPrefix('abce')).toEqual([b.id]);
    expect(index.resolveIdPrefix('abd')).toEqual([]);
  });

  it('finds clips by content hash, trashed ones included', async () => {
    const { index } = await openTestIndex();
    const hash = sha256('same');
    index.upsert([makeClip(1, { contentHash: hash }), makeClip(2, { contentHash: hash, deletedAt: 5 }), makeClip(3)]);
    expect(ids(index.findByContentHash(hash)).sort()).toEqual([clipId(1), clipId(2)]);
    expect(index.findByContentHash(sha256('other'))).toEqual([]);
  });

  it('lists every referenced blob and thumbnail, trash included', async () => {
    const { index } = await openTestIndex();
    const image = makeImage(1, { media: { blob: sha256('b1'), mime: 'image/png', size: 1, thumb: sha256('t1') } });
    const trashed = makeImage(2, { deletedAt: 9 });
    index.upsert([image, trashed, makeClip(3)]);
    expect(index.referencedBlobs()).toEqual(new Set([sha256('b1'), sha256('t1'), trashed.media!.blob]));
  });

  it('counts clips outside and inside the trash', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1), makeClip(2), makeClip(3, { deletedAt: 1 })]);
    expect(index.count()).toBe(2);
    expect(index.count({ trash: false })).toBe(2);
    expect(index.count({ trash: true })).toBe(1);
  });

  it('clears everything, after which it indexes and searches again', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'word', tags: ['t'] })]);
    index.recordShardHeads(1, ['h']);
    index.query({ text: 'word' });
    index.clear();
    expect(index.count()).toBe(0);
    expect(index.shardHeads(1)).toBeNull();
    expect(index.query({ text: 'word' }).items).toEqual([]);
    index.upsert([makeClip(2, { text: 'word', tags: ['t'] })]);
    expect(ids(index.query({ text: 'word', tag: 't' }).items)).toEqual([clipId(2)]);
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('rebuilds from rows given in any order, then keeps the full-text index in step again', async () => {
    const { index, db } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'stale words' })]);
    db.exec('BEGIN');
    await index.rebuild(async () => {
      for (const n of [5, 2, 9, 3]) index.upsert([makeClip(n, { text: `zebra number ${n}` })]);
    });
    db.exec('COMMIT');
    expect(index.query({ text: 'stale' }).items).toEqual([]);
    expect(ids(index.query({ text: 'zebra' }).items)).toEqual([9, 5, 3, 2].map(clipId));
    expect(index.checkIntegrity()).toEqual([]);
    index.upsert([makeClip(7, { text: 'zebra after the rebuild' })]);
    index.remove([clipId(9)]);
    expect(ids(index.query({ text: 'zebra' }).items)).toEqual([7, 5, 3, 2].map(clipId));
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('refuses list reads while it rebuilds, with a clear error, and serves them again after', async () => {
    const { index, db } = await openTestIndex();
    index.upsert([makeClip(1, { tags: ['t'] })]);
    const reads = [() => index.query({}), () => index.query({ orderBy: 'title', tag: 't' }), () => index.count({}), () => index.overview(), () => index.timeline({}, 'day')];
    db.exec('BEGIN');
    await index.rebuild(async () => {
      index.upsert([makeClip(2, { tags: ['t'] })]);
      for (const read of reads) expect(read).toThrow(IndexRebuildingError);
      expect(index.get(clipId(2))?.id).toBe(clipId(2));
    });
    db.exec('COMMIT');
    expect(ids(index.query({ orderBy: 'title', tag: 't' }).items)).toEqual([clipId(2)]);
    expect(index.count({})).toBe(1);
    expect(index.checkIntegrity()).toEqual([]);

    db.exec('BEGIN');
    await expect(index.rebuild(async () => Promise.reject(new Error('a shard could not be read')))).rejects.toThrow('could not be read');
    db.exec('ROLLBACK');
    expect(index.overview().total).toBe(1);
  });

  it('keeps the old index, triggers included, when a rebuild fails', async () => {
    const { index, db } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'survivor' })]);
    await expect(index.rebuild(async () => undefined)).rejects.toThrow('inside a transaction');
    db.exec('BEGIN');
    await expect(
      index.rebuild(async () => {
        index.upsert([makeClip(2, { text: 'half done' })]);
        throw new Error('a shard could not be read');
      }),
    ).rejects.toThrow('a shard could not be read');
    db.exec('ROLLBACK');
    expect(ids(index.query({ text: 'survivor' }).items)).toEqual([clipId(1)]);
    index.upsert([makeClip(3, { text: 'survivor too' })]);
    expect(ids(index.query({ text: 'survivor' }).items)).toEqual([3, 1].map(clipId));
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('rolls back every write of a transaction that throws', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1)]);
    expect(() =>
      index.transaction(() => {
        index.upsert([makeClip(2, { text: 'never' })]);
        index.remove([clipId(1)]);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(ids(index.query({}).items)).toEqual([clipId(1)]);
    expect(index.query({ text: 'never' }).items).toEqual([]);
  });

  it('keeps its rows when reopened, and rebuilds from scratch when the schema version differs', async () => {
    const { db, file } = await openTestDatabase();
    const first = new ClipIndex(db);
    expect(first.needsRebuild).toBe(true);
    first.upsert([makeClip(1, { text: 'kept' })]);
    db.close();

    const reopenedDb = openDatabaseFile(file);
    const reopened = new ClipIndex(reopenedDb);
    expect(reopened.needsRebuild).toBe(false);
    expect(ids(reopened.query({ text: 'kept' }).items)).toEqual([clipId(1)]);
    reopenedDb.prepare(`UPDATE idx_meta SET value = '0' WHERE key = 'schema_version'`).run();
    reopenedDb.close();

    const migratedDb = openDatabaseFile(file);
    const migrated = new ClipIndex(migratedDb);
    expect(migrated.needsRebuild).toBe(true);
    expect(migrated.count()).toBe(0);
    expect(migrated.checkIntegrity()).toEqual([]);
    migratedDb.close();
  });

  it('rebuilds an index written by schema version 2, which had no title or import order', async () => {
    const { db, file } = await openTestDatabase();
    new ClipIndex(db).upsert([makeClip(1)]);
    db.prepare(`UPDATE idx_meta SET value = '2' WHERE key = 'schema_version'`).run();
    db.close();
    const reopenedDb = openDatabaseFile(file);
    const reopened = new ClipIndex(reopenedDb);
    expect(reopened.needsRebuild).toBe(true);
    expect(reopened.count()).toBe(0);
    reopened.upsert([makeClip(1, { title: 'b' }), makeClip(2, { title: 'A' })]);
    expect(ids(reopened.query({ orderBy: 'title' }).items)).toEqual([clipId(2), clipId(1)]);
    reopenedDb.close();
  });

  it('keeps title and import order, labels included, in step with edits and moves in time', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { title: 'm', tags: ['t'], collections: ['c'] }), makeClip(2, { title: 'n', tags: ['t'], collections: ['c'] })]);
    index.upsert([makeClip(2, { title: 'a', tags: ['t'], collections: ['c'], importedAt: 1, capturedAt: makeClip(9).capturedAt })]);
    for (const filter of [{}, { tag: 't' }, { collection: 'c' }]) {
      expect(ids(index.query({ ...filter, orderBy: 'title' }).items)).toEqual([clipId(2), clipId(1)]);
      expect(ids(index.query({ ...filter, orderBy: 'imported', direction: 'asc' }).items)).toEqual([clipId(2), clipId(1)]);
    }
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('updates in place every column an index holds, and the rest', async () => {
    const { index } = await openTestIndex();
    const clip = makeImage(1, { tags: ['t'] });
    index.upsert([clip, makeClip(2)]);
    const edits: Partial<IndexedClip>[] = [{ notes: 'only notes' }, { kind: 'video' }, { importedAt: 5 }, { contentHash: sha256('new') }, { shard: 9 }, { title: 'Renamed' }, { text: 'some text' }];
    let current = clip;
    for (const edit of edits) {
      current = { ...current, ...edit };
      index.upsert([current]);
      expect(index.get(clip.id), JSON.stringify(edit)).toStrictEqual(current);
    }
    expect(ids(index.query({ kind: 'video', orderBy: 'imported', direction: 'asc' }).items)).toEqual([clip.id]);
    expect(ids(index.findByContentHash(sha256('new')))).toEqual([clip.id]);
    expect(ids(index.query({ hasText: true, orderBy: 'title' }).items)).toEqual([clip.id]);
    expect(ids(index.query({ tag: 't', orderBy: 'imported', direction: 'asc' }).items)).toEqual([clip.id]);
    expect(index.checkIntegrity()).toEqual([]);
  });

  it('leaves tables that are not its own alone', async () => {
    const { db } = await openTestDatabase();
    db.exec(`CREATE TABLE chunks (key TEXT PRIMARY KEY, data BLOB); INSERT INTO chunks VALUES ('k', x'00')`);
    const index = new ClipIndex(db);
    index.upsert([makeClip(1)]);
    index.clear();
    expect(db.prepare('SELECT count(*) AS n FROM chunks').get()).toEqual({ n: 1 });
  });

  it('works in an encrypted database', async () => {
    const { db } = await openTestDatabase({ hexKey: 'ab'.repeat(32) });
    const index = new ClipIndex(db);
    index.upsert([makeClip(1, { text: 'secret words' })]);
    expect(ids(index.query({ text: 'secret' }).items)).toEqual([clipId(1)]);
  });

  it('rejects a clip it cannot place', async () => {
    const { index } = await openTestIndex();
    expect(() => index.upsert([makeClip(1, { shard: 256 })])).toThrow(RangeError);
    expect(() => index.upsert([makeClip(1, { capturedAt: Number.NaN })])).toThrow(RangeError);
    expect(index.count()).toBe(0);
  });

  it('keeps day-apart clips in capture order across many upserts', async () => {
    const { index } = await openTestIndex();
    const clips = Array.from({ length: 300 }, (_, n) => makeClip((n * 37) % 300, { capturedAt: ((n * 37) % 300) * DAY_MS }));
    for (let start = 0; start < clips.length; start += 50) index.upsert(clips.slice(start, start + 50));
    const newest = index.query({ limit: 1000 }).items.map((clip) => clip.capturedAt);
    expect(newest).toEqual([...newest].sort((a, b) => b - a));
    expect(newest).toHaveLength(300);
    expect(index.checkIntegrity()).toEqual([]);
  });
});

describe('ClipIndex integrity check', () => {
  it('reports a full-text index that no longer matches the rows', async () => {
    const { index, db } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'original' }), makeClip(2)]);
    db.exec(`DROP TRIGGER idx_fts_follows_text_update; UPDATE idx_clips SET body = 'tampered' WHERE id = '${clipId(1)}'`);
    expect(index.checkIntegrity()).toEqual([expect.stringMatching(/full-text index does not match/)]);
  });

  it('reports tag and collection rows that disagree with the clip rows', async () => {
    const { index, db } = await openTestIndex();
    index.upsert([makeClip(1, { tags: ['kept', 'lost'], collections: ['c'] })]);
    db.exec(`DELETE FROM idx_tags WHERE tag = 'lost'; INSERT INTO idx_collections (collection, trashed, sortkey, imported_at, title_key) VALUES ('stray', 0, 12345, 0, '')`);
    const problems = index.checkIntegrity();
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(expect.stringMatching(/tag "lost" of clip .* is missing from idx_tags/));
    expect(problems).toContainEqual(expect.stringMatching(/idx_collections lists collection "stray"/));
  });

  it('reports a label row whose copy of the title or import time is out of date', async () => {
    const { index, db } = await openTestIndex();
    index.upsert([makeClip(1, { title: 'Kept', tags: ['t'], collections: ['c'] })]);
    expect(index.checkIntegrity()).toEqual([]);
    db.exec(`UPDATE idx_tags SET title_key = 'stale'; UPDATE idx_collections SET imported_at = 1`);
    const problems = index.checkIntegrity();
    expect(problems).toContainEqual(expect.stringMatching(/tag "t" of clip .* is missing from idx_tags or out of date/));
    expect(problems).toContainEqual(expect.stringMatching(/collection "c" of clip .* is missing from idx_collections or out of date/));
  });

  it('reports a trash flag that disagrees with deletedAt', async () => {
    const { index, db } = await openTestIndex();
    index.upsert([makeClip(1)]);
    db.exec(`DROP TRIGGER idx_clips_labels_updated; UPDATE idx_clips SET trashed = 1`);
    expect(index.checkIntegrity()).toEqual([expect.stringMatching(/index row of clip .* is inconsistent/)]);
  });

});
