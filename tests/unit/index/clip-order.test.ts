import { describe, expect, it } from 'vitest';
import type { ClipQuery } from '../../../contract/clips.js';
import { type IndexedClip } from '../../../main/index/clip-index.js';
import { titleSortKey } from '../../../main/index/title-key.js';
import { DAY_MS, T0, allPages, clipId, ids, makeClip, makeImage, openTestIndex } from './index-fixtures.js';

type Order = NonNullable<ClipQuery['orderBy']>;
type Direction = NonNullable<ClipQuery['direction']>;
const ORDERS: Order[] = ['captured', 'imported', 'title'];
const DIRECTIONS: Direction[] = ['asc', 'desc'];

/** The order the index must give, worked out here: the value, then the capture time (distinct in these fixtures), both one way. */
function expectedOrder(clips: IndexedClip[], orderBy: Order, direction: Direction): string[] {
  const value = (clip: IndexedClip): string | number => (orderBy === 'title' ? titleSortKey(clip.title) : orderBy === 'imported' ? clip.importedAt : clip.capturedAt);
  const sorted = [...clips].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    return x < y ? -1 : x > y ? 1 : a.capturedAt - b.capturedAt;
  });
  return ids(direction === 'asc' ? sorted : sorted.reverse());
}

const TITLES = ['banana', 'Apple', 'apple', 'Éclair', 'eclair', 'zebra', '', 'echo', 'Zoo', 'ÄRGER'];

/**
 * n clips with many ties: titles from a short list (case and accents apart), import times in
 * steps shared by several clips, kinds, tags, collections, a searchable word in most and a rare
 * one in a few, some in the trash.
 */
function tiedClips(count: number): IndexedClip[] {
  return Array.from({ length: count }, (_, n) => {
    const overrides: Partial<IndexedClip> = {
      title: TITLES[n % TITLES.length]!,
      importedAt: T0 + Math.floor(n / 7) * 1000,
      tags: n % 3 === 0 ? ['t'] : n % 3 === 1 ? ['t', 'u'] : [],
      collections: n % 4 === 0 ? ['c'] : [],
      text: `${n % 5 === 0 ? 'rare' : ''} ${n % 10 < 8 ? 'common' : ''}`,
      deletedAt: n % 17 === 0 ? T0 : null,
    };
    return n % 2 === 0 ? makeImage(n, overrides) : makeClip(n, overrides);
  });
}

function matches(clip: IndexedClip, query: ClipQuery): boolean {
  if ((clip.deletedAt !== null) !== (query.trash === true)) return false;
  if (query.kind !== undefined && clip.kind !== query.kind) return false;
  if (query.tag !== undefined && !clip.tags.includes(query.tag)) return false;
  if (query.collection !== undefined && !clip.collections.includes(query.collection)) return false;
  if (query.hasText !== undefined && (clip.text.trim() !== '') !== query.hasText) return false;
  if (query.text !== undefined && !clip.text.split(' ').includes(query.text)) return false;
  if (query.from !== undefined && clip.capturedAt < query.from) return false;
  if (query.to !== undefined && clip.capturedAt >= query.to) return false;
  return true;
}

describe('ClipIndex.query orders', () => {
  it('orders by title case- and accent-insensitively, ties by capture time, A to Z by default', async () => {
    const { index } = await openTestIndex();
    const clips = TITLES.map((title, n) => makeClip(n, { title }));
    index.upsert(clips);
    const titles = (query: ClipQuery) => index.query(query).items.map((clip) => clip.title);
    const aToZ = ['', 'Apple', 'apple', 'ÄRGER', 'banana', 'echo', 'Éclair', 'eclair', 'zebra', 'Zoo'];
    expect(titles({ orderBy: 'title' })).toEqual(aToZ);
    expect(titles({ orderBy: 'title', direction: 'asc' })).toEqual(aToZ);
    expect(titles({ orderBy: 'title', direction: 'desc' })).toEqual([...aToZ].reverse());
  });

  it('orders by import time, newest first by default, ties by capture time', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { importedAt: 50 }), makeClip(2, { importedAt: 10 }), makeClip(3, { importedAt: 50 }), makeClip(4, { importedAt: 30 })]);
    expect(ids(index.query({ orderBy: 'imported' }).items)).toEqual([3, 1, 4, 2].map(clipId));
    expect(ids(index.query({ orderBy: 'imported', direction: 'asc' }).items)).toEqual([2, 4, 1, 3].map(clipId));
  });

  it('orders by capture time with direction as with sort, newest first by default', async () => {
    const { index } = await openTestIndex();
    index.upsert([3, 1, 2].map((n) => makeClip(n)));
    expect(ids(index.query({ orderBy: 'captured' }).items)).toEqual([3, 2, 1].map(clipId));
    expect(ids(index.query({ orderBy: 'captured', direction: 'asc' }).items)).toEqual([1, 2, 3].map(clipId));
    expect(ids(index.query({ direction: 'asc' }).items)).toEqual(ids(index.query({ sort: 'oldest' }).items));
    expect(ids(index.query({ orderBy: 'captured', sort: 'oldest' }).items)).toEqual([1, 2, 3].map(clipId));
  });

  it('gives every order and direction, under every filter and search, the expected list, paged by cursor without skipping or repeating', async () => {
    const { index } = await openTestIndex();
    const clips = tiedClips(240);
    index.upsert(clips);
    const queries: ClipQuery[] = [
      {},
      { trash: true },
      { kind: 'image' },
      { tag: 't' },
      { collection: 'c' },
      { tag: 'u', kind: 'text' },
      { text: 'common' },
      { text: 'rare', kind: 'image' },
      { text: 'common', tag: 'u', collection: 'c' },
      { text: 'common', trash: true },
      { tag: 't', collection: 'c', hasText: false },
      { from: T0 + 20 * DAY_MS, to: T0 + 200 * DAY_MS },
      { tag: 't', from: T0 + 20 * DAY_MS },
      { text: 'common', to: T0 + 150 * DAY_MS },
    ];
    for (const query of queries) {
      const matching = clips.filter((clip) => matches(clip, query));
      for (const orderBy of ORDERS) {
        for (const direction of DIRECTIONS) {
          const label = JSON.stringify({ ...query, orderBy, direction });
          const pages = allPages(index, { ...query, orderBy, direction, limit: 9 });
          expect(pages.flatMap(ids), label).toEqual(expectedOrder(matching, orderBy, direction));
          expect(pages.slice(0, -1).every((page) => page.length === 9), label).toBe(true);
        }
      }
    }
  });

  it('pages a search or several filters with many matches (walking the order index) as it pages a few (sorting them)', async () => {
    const { index } = await openTestIndex();
    const clips = tiedClips(1800);
    index.upsert(clips);
    // More than 500 match all but the last two, so they walk; those sort.
    const queries: ClipQuery[] = [
      { text: 'common' },
      { text: 'common', tag: 't' },
      { text: 'common', kind: 'image' },
      { text: 'common', hasText: true, from: T0 + 100 * DAY_MS },
      { kind: 'image', tag: 't' },
      { text: 'rare', collection: 'c' },
      { tag: 'u', kind: 'image', collection: 'c' },
    ];
    const counts = queries.map((query) => clips.filter((clip) => matches(clip, query)).length);
    expect(counts.slice(0, -2).every((count) => count > 500)).toBe(true);
    expect(counts.slice(-2).every((count) => count > 20 && count <= 500)).toBe(true);
    for (const [q, query] of queries.entries()) {
      const matching = clips.filter((clip) => matches(clip, query));
      for (const orderBy of ['imported', 'title'] as const) {
        const plan = index.explainQuery({ ...query, orderBy }).join('\n');
        expect(plan, JSON.stringify(query)).toMatch(q < queries.length - 2 ? /IN \(SELECT|LIST SUBQUERY/ : /USE TEMP B-TREE FOR ORDER BY/);
        for (const direction of DIRECTIONS) {
          const label = JSON.stringify({ ...query, orderBy, direction });
          expect(allPages(index, { ...query, orderBy, direction, limit: 250 }).flatMap(ids), label).toEqual(expectedOrder(matching, orderBy, direction));
          expect(ids(index.query({ ...query, orderBy, direction, limit: 20, offset: 100 }).items), label).toEqual(expectedOrder(matching, orderBy, direction).slice(100, 120));
        }
      }
    }
  });

  it('breaks ties between clips captured in the same millisecond the same way in every order, across pages', async () => {
    const { index } = await openTestIndex();
    const clips = Array.from({ length: 60 }, (_, n) => makeClip(n, { capturedAt: T0, importedAt: T0, title: n % 2 === 0 ? 'Same' : 'same' }));
    index.upsert(clips);
    const once = ids(index.query({ orderBy: 'captured', direction: 'asc' }).items);
    for (const orderBy of ORDERS) {
      expect(allPages(index, { orderBy, direction: 'asc', limit: 7 }).flatMap(ids), orderBy).toEqual(once);
      expect(allPages(index, { orderBy, direction: 'desc', limit: 7 }).flatMap(ids), orderBy).toEqual([...once].reverse());
    }
  });
});

describe('ClipIndex.query offsets', () => {
  it('skips offset clips in every order, with a cursor that continues after the page', async () => {
    const { index } = await openTestIndex();
    const clips = tiedClips(120);
    index.upsert(clips);
    for (const orderBy of ORDERS) {
      for (const direction of DIRECTIONS) {
        for (const query of [{}, { kind: 'image' as const }, { tag: 't' }, { text: 'common' }]) {
          const label = JSON.stringify({ ...query, orderBy, direction });
          const expected = expectedOrder(clips.filter((clip) => matches(clip, query)), orderBy, direction);
          const page = index.query({ ...query, orderBy, direction, offset: 25, limit: 10 });
          expect(ids(page.items), label).toEqual(expected.slice(25, 35));
          const next = index.query({ ...query, orderBy, direction, cursor: page.nextCursor!, limit: 10 });
          expect(ids(next.items), label).toEqual(expected.slice(35, 45));
          expect(index.query({ ...query, orderBy, direction, offset: expected.length, limit: 10 }), label).toEqual({ items: [], nextCursor: null });
          expect(index.query({ ...query, orderBy, direction, offset: expected.length - 3, limit: 10 }).nextCursor, label).toBeNull();
        }
      }
    }
  });
});

describe('ClipIndex.query cursors under change', () => {
  it('continues after its position when clips are renamed, added and removed around it', async () => {
    const { index } = await openTestIndex();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    index.upsert(names.map((title, n) => makeClip(n, { title })));
    const first = index.query({ orderBy: 'title', limit: 3 });
    expect(first.items.map((clip) => clip.title)).toEqual(['a', 'b', 'c']);
    // The cursor's own clip ('c') moves to the end and is renamed; 'f' moves before the cursor.
    index.upsert([makeClip(2, { title: 'zz' }), makeClip(5, { title: 'aa' }), makeClip(20, { title: 'cc' }), makeClip(21, { title: 'B' })]);
    index.remove([clipId(3)]);
    const rest = index.query({ orderBy: 'title', limit: 100, cursor: first.nextCursor! });
    expect(rest.items.map((clip) => clip.title)).toEqual(['cc', 'e', 'g', 'h', 'zz']);
  });

  it('keeps an import-order cursor valid when its clip is gone', async () => {
    const { index } = await openTestIndex();
    index.upsert(Array.from({ length: 6 }, (_, n) => makeClip(n, { importedAt: 100 + n })));
    const first = index.query({ orderBy: 'imported', limit: 2 });
    expect(ids(first.items)).toEqual([5, 4].map(clipId));
    index.remove([clipId(4)]);
    expect(ids(index.query({ orderBy: 'imported', cursor: first.nextCursor! }).items)).toEqual([3, 2, 1, 0].map(clipId));
  });

  it('lists a tag in title order after a rename, and a restored clip in import order again', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { title: 'b', tags: ['t'] }), makeClip(2, { title: 'c', tags: ['t'] }), makeClip(3, { title: 'd', tags: ['t'], importedAt: 5 })]);
    index.upsert([makeClip(2, { title: 'a', tags: ['t'] })]);
    expect(ids(index.query({ tag: 't', orderBy: 'title' }).items)).toEqual([2, 1, 3].map(clipId));
    index.upsert([makeClip(3, { title: 'd', tags: ['t'], importedAt: 5, deletedAt: 9 })]);
    expect(ids(index.query({ tag: 't', orderBy: 'imported', trash: true }).items)).toEqual([clipId(3)]);
    index.upsert([makeClip(3, { title: 'd', tags: ['t'], importedAt: 5 })]);
    expect(ids(index.query({ tag: 't', orderBy: 'imported', direction: 'asc' }).items)).toEqual([3, 1, 2].map(clipId));
    expect(index.checkIntegrity()).toEqual([]);
  });
});
