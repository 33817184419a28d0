// The page cache behind the grid, driven by a list whose answers the test releases one by one
// (to put responses out of order, which a real core rarely does on cue).
import { describe, expect, test } from 'vitest';
import { PageCache } from '../../../renderer/src/lib/page-cache.js';

interface PendingFetch {
  offset: number;
  limit: number;
  answer(items: string[]): void;
  fail(error: Error): void;
}

function pagedList(size: number, label = 'item') {
  const pending: PendingFetch[] = [];
  const errors: unknown[] = [];
  const cache = new PageCache<string>({
    pageSize: 10,
    maxPages: 3,
    fetchPage: (offset, limit) =>
      new Promise<string[]>((resolve, reject) => {
        pending.push({ offset, limit, answer: resolve, fail: reject });
      }),
    onError: (error) => errors.push(error),
  });
  const itemsFor = (offset: number, limit: number, name = label) =>
    Array.from({ length: Math.max(0, Math.min(limit, size - offset)) }, (_, index) => `${name} ${offset + index}`);
  return { cache, pending, errors, itemsFor };
}

describe('PageCache', () => {
  test('fetches each page once, however many times it is wanted while in flight', async () => {
    const { cache, pending, itemsFor } = pagedList(100);
    const first = cache.ensure(0, 25);
    void cache.ensure(5, 15);
    void cache.fetchItem(12);
    expect(pending.map((fetch) => [fetch.offset, fetch.limit])).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
    ]);
    for (const fetch of pending) fetch.answer(itemsFor(fetch.offset, fetch.limit));
    await first;
    expect(cache.itemAt(0)).toBe('item 0');
    expect(cache.itemAt(25)).toBe('item 25');
    expect(cache.itemAt(30)).toBeUndefined();

    void cache.ensure(0, 29);
    expect(pending).toHaveLength(3);
  });

  test('after a reset (another query), a late answer to the old query is ignored', async () => {
    const { cache, pending, itemsFor } = pagedList(100);
    const old = cache.ensure(0, 5);
    cache.reset();
    const fresh = cache.ensure(0, 5);
    expect(pending).toHaveLength(2);
    pending[1]?.answer(itemsFor(0, 10, 'new'));
    await fresh;
    pending[0]?.answer(itemsFor(0, 10, 'old'));
    await old;
    expect(cache.itemAt(3)).toBe('new 3');
  });

  test('invalidate keeps showing the old page until its refetch lands', async () => {
    const { cache, pending, itemsFor } = pagedList(100);
    const load = cache.ensure(0, 5);
    pending[0]?.answer(itemsFor(0, 10, 'before'));
    await load;

    cache.invalidate();
    expect(cache.itemAt(4)).toBe('before 4');
    expect(cache.isFresh(4)).toBe(false);
    const refetch = cache.ensure(0, 5);
    expect(pending).toHaveLength(2);
    pending[1]?.answer(itemsFor(0, 10, 'after'));
    await refetch;
    expect(cache.itemAt(4)).toBe('after 4');
    expect(cache.isFresh(4)).toBe(true);
  });

  test('keeps at most maxPages, dropping the least recently wanted', async () => {
    const { cache, pending, itemsFor } = pagedList(100);
    for (const page of [0, 1, 2, 3]) {
      const load = cache.ensure(page * 10, page * 10);
      pending.at(-1)?.answer(itemsFor(page * 10, 10));
      await load;
    }
    expect(cache.itemAt(0)).toBeUndefined();
    expect(cache.itemAt(10)).toBe('item 10');
    expect(cache.itemAt(35)).toBe('item 35');
  });

  test('a failed page is reported once and not asked for again straight away', async () => {
    const { cache, pending, errors } = pagedList(100);
    const load = cache.ensure(0, 5);
    pending[0]?.fail(new Error('the core went away'));
    await load;
    expect(errors).toHaveLength(1);
    expect(cache.itemAt(0)).toBeUndefined();
    await cache.ensure(0, 5);
    expect(pending).toHaveLength(1);
  });
});
