import { defineStore } from 'pinia';
import { computed, ref, shallowReactive, watch } from 'vue';
import type { ClipView } from '../../../contract/clips.js';
import { useApi } from '../api/use-api.js';
import { PageCache, type CachedPage } from '../lib/page-cache.js';
import { useLibraryStore } from './library.js';
import { useUiStore } from './ui.js';

/** Small enough that the first screen arrives quickly (a page is ~60 KB of JSON), big enough to cover it. */
export const DEFAULT_PAGE_SIZE = 100;
/** About 3,000 clips kept: a few screens either way of a fast scroll. */
const MAX_PAGES = 32;
/**
 * While the view flies past, pages it will have left by the time they arrive are not fetched:
 * the fetch waits until the range has held still this long...
 */
const SCROLL_SETTLE_MS = 60;
/** ...or, in a long steady scroll, until this long has passed since the last fetch. */
const SCROLL_MAX_WAIT_MS = 250;

/** The clips of the current query: how many, and those near the view, fetched by offset. */
export const useResultsStore = defineStore('results', () => {
  const api = useApi();
  const library = useLibraryStore();
  const ui = useUiStore();

  const count = ref(0);
  const countLoaded = ref(false);
  const pages = shallowReactive(new Map<number, CachedPage<ClipView>>());
  /** Changes whenever the list is a different one (not when the same list is refreshed). */
  const queryKey = computed(() => JSON.stringify(library.listQuery));
  let visible = { first: 0, last: 0 };
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  let lastEnsureAt = -Infinity;
  let latestCount = 0;
  let cache = createCache(DEFAULT_PAGE_SIZE);

  function createCache(pageSize: number): PageCache<ClipView> {
    return new PageCache<ClipView>({
      pageSize,
      maxPages: MAX_PAGES,
      storage: pages,
      fetchPage: async (offset, limit) => (await api.listClips({ ...library.listQuery, offset, limit })).items,
      onError: (error) => ui.showError(error, 'load clips'),
    });
  }

  async function loadCount(): Promise<void> {
    const request = ++latestCount;
    try {
      const total = await api.countClips(library.listQuery);
      if (request !== latestCount) return;
      count.value = total;
      countLoaded.value = true;
    } catch (error) {
      if (request !== latestCount) return;
      ui.showError(error, 'count clips');
    }
  }

  function reload(): Promise<void> {
    cache.reset();
    countLoaded.value = false;
    visible = { first: 0, last: Math.max(visible.last - visible.first, 0) };
    return Promise.all([loadCount(), cache.ensure(visible.first, visible.last)]).then(() => undefined);
  }

  /** The same query may match other clips now: recount and refetch what is in view, keeping it shown meanwhile. */
  function refresh(): Promise<void> {
    cache.invalidate();
    return Promise.all([loadCount(), cache.ensure(visible.first, visible.last)]).then(() => undefined);
  }

  function setVisibleRange(first: number, last: number): void {
    visible = { first, last };
    clearTimeout(settleTimer);
    if (performance.now() - lastEnsureAt >= SCROLL_MAX_WAIT_MS) ensureVisible();
    else settleTimer = setTimeout(ensureVisible, SCROLL_SETTLE_MS);
  }

  /** The pages in view, and half a page either way so a steady scroll finds the next one ready. */
  function ensureVisible(): void {
    lastEnsureAt = performance.now();
    if (countLoaded.value && count.value === 0) return;
    const lookahead = Math.floor(cache.pageSize / 2);
    const end = countLoaded.value ? count.value - 1 : visible.last;
    void cache.ensure(Math.max(0, visible.first - lookahead), Math.min(visible.last + lookahead, end));
  }

  function clipAt(index: number): ClipView | undefined {
    return cache.itemAt(index);
  }

  /** Where a clip is now, if it is among the pages in hand. */
  function indexOfClip(id: string): number | null {
    return cache.findIndex((clip) => clip.id === id);
  }

  function fetchClipAt(index: number): Promise<ClipView | undefined> {
    return cache.fetchItem(index);
  }

  /**
   * The ids of the clips at these indexes (ascending), in that order: from the pages in hand where
   * they are fresh, the rest fetched in runs of up to 1,000 (a Shift-click range can span many
   * pages the grid never showed). Indexes past the end are left out.
   */
  async function idsAt(indexes: readonly number[]): Promise<string[]> {
    const key = queryKey.value;
    const ids = new Map<number, string>();
    const missing: number[] = [];
    for (const index of indexes) {
      const clip = cache.isFresh(index) ? cache.itemAt(index) : undefined;
      if (clip) ids.set(index, clip.id);
      else missing.push(index);
    }
    for (const [first, last] of runsOf(missing, MAX_LIST_LIMIT)) {
      const page = await api.listClips({ ...library.listQuery, offset: first, limit: last - first + 1 });
      page.items.forEach((clip, at) => ids.set(first + at, clip.id));
    }
    if (key !== queryKey.value) throw new Error('the list changed while the selection was being read');
    return indexes.flatMap((index) => ids.get(index) ?? []);
  }

  /** Smaller pages make page boundaries easy to reach in tests. */
  function setPageSize(pageSize: number): Promise<void> {
    cache = createCache(pageSize);
    pages.clear();
    return reload();
  }

  /** The count is known and clips have arrived (or there are none). */
  const loaded = computed(() => countLoaded.value && (count.value === 0 || pages.size > 0));

  watch(queryKey, () => void reload());
  void reload();

  return { count, countLoaded, loaded, queryKey, clipAt, indexOfClip, fetchClipAt, idsAt, setVisibleRange, refresh, reload, setPageSize };
});

/** The most clips one listClips request returns. */
const MAX_LIST_LIMIT = 1000;

/** Ascending indexes as inclusive [first, last] runs of consecutive ones, each at most `max` long. */
export function runsOf(indexes: readonly number[], max: number): [number, number][] {
  const runs: [number, number][] = [];
  for (const index of indexes) {
    const run = runs[runs.length - 1];
    if (run && index === run[1] + 1 && index - run[0] < max) run[1] = index;
    else runs.push([index, index]);
  }
  return runs;
}
