import { describe, expect, it } from 'vitest';
import type { ClipQuery } from '../../../contract/clips.js';
import { InvalidQueryError } from '../../../main/index/clip-index.js';
import { DAY_MS, T0, allPages, clipId, ids, makeClip, makeImage, openTestIndex } from './index-fixtures.js';

describe('ClipIndex.query filters', () => {
  async function library() {
    const { index } = await openTestIndex();
    index.upsert([
      makeClip(1, { text: 'first note', tags: ['work'], collections: ['inbox'] }),
      makeImage(2, { tags: ['work', 'travel'] }),
      makeClip(3, { kind: 'video', collections: ['inbox'] }),
      makeClip(4, { text: 'trashed note', tags: ['work'], deletedAt: T0 + 100 * DAY_MS }),
      makeImage(5, { tags: ['Work'], collections: ['inbox', 'archive'] }),
      makeClip(6, { text: '   ', tags: ['workshop'] }),
    ]);
    return index;
  }

  it('lists clips outside the trash, newest first, by default', async () => {
    const index = await library();
    expect(ids(index.query({}).items)).toEqual([6, 5, 3, 2, 1].map(clipId));
  });

  it('lists only the trash when asked', async () => {
    const index = await library();
    expect(ids(index.query({ trash: true }).items)).toEqual([clipId(4)]);
    expect(ids(index.query({ trash: true, tag: 'work' }).items)).toEqual([clipId(4)]);
    expect(index.query({ trash: true, kind: 'image' }).items).toEqual([]);
  });

  it('filters by kind', async () => {
    const index = await library();
    expect(ids(index.query({ kind: 'image' }).items)).toEqual([clipId(5), clipId(2)]);
    expect(ids(index.query({ kind: 'video' }).items)).toEqual([clipId(3)]);
    expect(ids(index.query({ kind: 'text' }).items)).toEqual([clipId(6), clipId(1)]);
  });

  it('filters by exact tag: case and whole tag count', async () => {
    const index = await library();
    expect(ids(index.query({ tag: 'work' }).items)).toEqual([clipId(2), clipId(1)]);
    expect(ids(index.query({ tag: 'Work' }).items)).toEqual([clipId(5)]);
    expect(index.query({ tag: 'wor' }).items).toEqual([]);
  });

  it('filters by collection', async () => {
    const index = await library();
    expect(ids(index.query({ collection: 'inbox' }).items)).toEqual([clipId(5), clipId(3), clipId(1)]);
    expect(ids(index.query({ collection: 'archive' }).items)).toEqual([clipId(5)]);
  });

  it('filters by capture time, start inclusive and end exclusive', async () => {
    const index = await library();
    expect(ids(index.query({ from: T0 + 2 * DAY_MS, to: T0 + 5 * DAY_MS }).items)).toEqual([clipId(3), clipId(2)]);
    expect(ids(index.query({ from: T0 + 5 * DAY_MS }).items)).toEqual([clipId(6), clipId(5)]);
    expect(ids(index.query({ to: T0 + 2 * DAY_MS + 1 }).items)).toEqual([clipId(2), clipId(1)]);
    expect(index.query({ from: T0 + 3 * DAY_MS, to: T0 + 3 * DAY_MS }).items).toEqual([]);
  });

  it('filters by having searchable body text, or not', async () => {
    const index = await library();
    expect(ids(index.query({ hasText: true }).items)).toEqual([clipId(1)]);
    expect(ids(index.query({ hasText: false }).items)).toEqual([6, 5, 3, 2].map(clipId));
  });

  it('combines filters with AND', async () => {
    const index = await library();
    expect(ids(index.query({ tag: 'work', kind: 'image' }).items)).toEqual([clipId(2)]);
    expect(ids(index.query({ tag: 'Work', kind: 'image' }).items)).toEqual([clipId(5)]);
    expect(index.query({ kind: 'image', hasText: true }).items).toEqual([]);
    expect(ids(index.query({ collection: 'inbox', tag: 'work' }).items)).toEqual([clipId(1)]);
    expect(ids(index.query({ collection: 'inbox', kind: 'video', to: T0 + 4 * DAY_MS }).items)).toEqual([clipId(3)]);
    expect(ids(index.query({ kind: 'text', hasText: true, from: T0 }).items)).toEqual([clipId(1)]);
    expect(index.query({ tag: 'travel', collection: 'inbox' }).items).toEqual([]);
  });

  it('sorts oldest first when asked', async () => {
    const index = await library();
    expect(ids(index.query({ sort: 'oldest' }).items)).toEqual([1, 2, 3, 5, 6].map(clipId));
    expect(ids(index.query({ sort: 'oldest', tag: 'work' }).items)).toEqual([clipId(1), clipId(2)]);
  });
});

describe('ClipIndex.query paging', () => {
  it('pages through everything once, in both orders and under every driver', async () => {
    const { index } = await openTestIndex();
    const clips = Array.from({ length: 250 }, (_, n) => (n % 3 === 0 ? makeImage(n, { tags: ['t'] }) : makeClip(n, { text: 'common words', tags: ['t'], collections: ['c'] })));
    index.upsert(clips);
    const queries: ClipQuery[] = [
      {},
      { kind: 'image' },
      { tag: 't' },
      { collection: 'c' },
      { hasText: true },
      { text: 'common' },
      { from: T0 + 10 * DAY_MS, to: T0 + 200 * DAY_MS },
      { tag: 't', collection: 'c', from: T0 + 10 * DAY_MS },
    ];
    for (const query of queries) {
      const expected = ids(index.query({ ...query, limit: 1000 }).items);
      for (const sort of ['newest', 'oldest'] as const) {
        const pages = allPages(index, { ...query, sort, limit: 30 });
        const seen = pages.flatMap(ids);
        expect(seen, JSON.stringify(query)).toEqual(sort === 'newest' ? expected : [...expected].reverse());
        expect(pages.slice(0, -1).every((page) => page.length === 30)).toBe(true);
      }
    }
  });

  it('returns no cursor on the last page, also when it is exactly full', async () => {
    const { index } = await openTestIndex();
    index.upsert(Array.from({ length: 20 }, (_, n) => makeClip(n)));
    expect(index.query({ limit: 20 }).nextCursor).toBeNull();
    const first = index.query({ limit: 10 });
    expect(first.nextCursor).not.toBeNull();
    expect(index.query({ limit: 10, cursor: first.nextCursor! })).toEqual({ items: expect.any(Array), nextCursor: null });
  });

  it('limits pages to 100 by default and to at most 1000', async () => {
    const { index } = await openTestIndex();
    index.upsert(Array.from({ length: 1001 }, (_, n) => makeClip(n)));
    expect(index.query({}).items).toHaveLength(100);
    expect(index.query({ limit: 1000 }).items).toHaveLength(1000);
  });

  it('keeps a cursor valid while clips are added and removed around it', async () => {
    const { index } = await openTestIndex();
    index.upsert(Array.from({ length: 10 }, (_, n) => makeClip(n * 10)));
    const first = index.query({ limit: 4 });
    expect(ids(first.items)).toEqual([90, 80, 70, 60].map(clipId));
    index.upsert([makeClip(95), makeClip(65), makeClip(55), makeClip(5)]);
    index.remove([clipId(50)]);
    const rest = index.query({ limit: 100, cursor: first.nextCursor! });
    expect(ids(rest.items)).toEqual([55, 40, 30, 20, 10, 5, 0].map(clipId));
  });

  it('orders clips captured in the same millisecond the same way every time, across pages', async () => {
    const { index } = await openTestIndex();
    const clips = Array.from({ length: 50 }, (_, n) => makeClip(n, { capturedAt: T0 }));
    index.upsert(clips);
    const once = ids(index.query({}).items);
    const paged = allPages(index, { limit: 7 }).flatMap(ids);
    expect(paged).toEqual(once);
    expect(new Set(paged).size).toBe(50);
    expect(ids(index.query({ sort: 'oldest' }).items)).toEqual([...once].reverse());
    index.upsert(clips);
    expect(ids(index.query({}).items)).toEqual(once);
  });

  it('sorts by the exact capture time even for times far in the past or future', async () => {
    const { index } = await openTestIndex();
    const times = [-1e15, -1, 0, 1.5, 2, 1e14, 4e15];
    index.upsert(times.map((capturedAt, n) => makeClip(n, { capturedAt })));
    expect(index.query({}).items.map((clip) => clip.capturedAt)).toEqual([...times].reverse());
    expect(index.query({ from: 0, to: 2 }).items.map((clip) => clip.capturedAt)).toEqual([1.5, 0]);
  });
});

describe('ClipIndex.query validation', () => {
  const invalid: [string, ClipQuery][] = [
    ['limit 0', { limit: 0 }],
    ['limit 1001', { limit: 1001 }],
    ['fractional limit', { limit: 2.5 }],
    ['unknown kind', { kind: 'audio' as never }],
    ['reversed date range', { from: 10, to: 5 }],
    ['infinite date', { from: Number.POSITIVE_INFINITY }],
    ['unknown sort', { sort: 'random' as never }],
    ['garbage cursor', { cursor: 'not a cursor!' }],
    ['cursor of other bytes', { cursor: Buffer.from('x123').toString('base64url') }],
    ['cursor out of range', { cursor: Buffer.from('k99999999999999999999').toString('base64url') }],
    ['empty search', { text: '' }],
    ['blank search', { text: '   ' }],
    ['punctuation search', { text: '!!! -- ?' }],
    ['star-only search', { text: '* **' }],
    ['negative offset', { offset: -1 }],
    ['fractional offset', { offset: 1.5 }],
    ['unknown order', { orderBy: 'size' as never }],
    ['unknown direction', { direction: 'up' as never }],
    ['sort with another order', { orderBy: 'title', sort: 'newest' }],
    ['sort and direction', { sort: 'oldest', direction: 'asc' }],
  ];
  it.each(invalid)('rejects %s with InvalidQueryError, in a list, a count and a timeline', async (_name, query) => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'words' })]);
    expect(() => index.query(query)).toThrow(InvalidQueryError);
    expect(() => index.count(query)).toThrow(InvalidQueryError);
    expect(() => index.timeline(query, 'day')).toThrow(InvalidQueryError);
  });

  it('rejects a cursor with an offset, and a cursor from a list in another order, saying why', async () => {
    const { index } = await openTestIndex();
    index.upsert(Array.from({ length: 5 }, (_, n) => makeClip(n)));
    const cursors = {
      captured: index.query({ limit: 2 }).nextCursor!,
      imported: index.query({ orderBy: 'imported', limit: 2 }).nextCursor!,
      title: index.query({ orderBy: 'title', limit: 2 }).nextCursor!,
    };
    expect(() => index.query({ cursor: cursors.captured, offset: 2 })).toThrow('give a cursor or an offset, not both');
    for (const [madeFor, cursor] of Object.entries(cursors)) {
      for (const orderBy of ['captured', 'imported', 'title'] as const) {
        if (orderBy === madeFor) expect(index.query({ orderBy, cursor }).items).toHaveLength(3);
        else expect(() => index.query({ orderBy, cursor })).toThrow(`the cursor belongs to a list ordered by ${madeFor}, not by ${orderBy}`);
      }
    }
    // A cursor gives a position, not a direction: in the other direction it pages back.
    expect(ids(index.query({ orderBy: 'title', direction: 'desc', cursor: cursors.title }).items)).toEqual([0].map(clipId));
  });
});
