import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { ClipListQuery, TimelineBucket, TimelineBucketSize } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';
import { useLibraryStore } from '../stores/library.js';
import { useUiStore } from '../stores/ui.js';
import { bucketForSpan, fitView, panView, queryRange, spanOf, zoomView, ZOOM_STEP, type TimelineView } from './timeline-scale.js';

export const TIMELINE_STORAGE_KEY = 'clipshot.timeline';
/** Set once the density strip of a fresh view is drawn (the timeline benchmark reads it). */
export const TIMELINE_PAINTED_MARK = 'clipshot:timeline-painted';
/** Changes come in bursts (an import, a bulk operation): count again once they pause this long. */
const REFRESH_DELAY_MS = 400;

function readShown(): boolean {
  try {
    return localStorage.getItem(TIMELINE_STORAGE_KEY) === 'shown';
  } catch {
    return false;
  }
}

/**
 * The timeline above the grid: the current list's clips counted by capture time, for the
 * stretch of time in view only (the index answers each view in a few ms at 100,000 clips). Its
 * own date range is left out of what it counts, so brushing does not empty the rest of the strip.
 */
export const useTimelineStore = defineStore('timeline', () => {
  const api = useApi();
  const library = useLibraryStore();
  const ui = useUiStore();

  const shown = ref(readShown());
  /** The first and last capture time of the list's clips; null when it has none. */
  const extent = shallowRef<{ first: number; last: number } | null>(null);
  const view = shallowRef<TimelineView | null>(null);
  /** The latest counts, with the view and bucket size they were made for (they lag the view while a count is on its way). */
  const counted = shallowRef<{ view: TimelineView; bucket: TimelineBucketSize; buckets: TimelineBucket[] } | null>(null);
  const loading = ref(false);
  let latestCount = 0;
  let latestExtent = 0;

  const bucket = computed(() => bucketForSpan(view.value ? spanOf(view.value) : 0));

  /** The list's filters, without its date range and order: what the strip counts. */
  const filterQuery = computed<ClipListQuery>(() => {
    const { from: _from, to: _to, orderBy: _orderBy, direction: _direction, ...filters } = library.listQuery;
    return filters;
  });
  const filterKey = computed(() => JSON.stringify(filterQuery.value));

  function setShown(value: boolean): void {
    shown.value = value;
    try {
      localStorage.setItem(TIMELINE_STORAGE_KEY, value ? 'shown' : 'hidden');
    } catch {
      // Not remembered, but shown now.
    }
  }

  async function loadExtent(): Promise<void> {
    const request = ++latestExtent;
    try {
      const span = await api.timelineSpan({ query: filterQuery.value });
      if (request !== latestExtent) return;
      extent.value = span;
      view.value = span ? fitView(span.first, span.last) : null;
      if (!span) counted.value = null;
    } catch (error) {
      if (request === latestExtent) ui.showError(error, 'read the timeline');
    }
  }

  async function loadBuckets(): Promise<void> {
    const current = view.value;
    if (!current) return;
    const request = ++latestCount;
    const size = bucket.value;
    loading.value = true;
    try {
      const buckets = await api.timeline({ query: { ...filterQuery.value, ...queryRange(current, size) }, bucket: size });
      if (request !== latestCount) return;
      counted.value = { view: current, bucket: size, buckets };
    } catch (error) {
      if (request === latestCount) ui.showError(error, 'count clips for the timeline');
    } finally {
      if (request === latestCount) loading.value = false;
    }
  }

  function zoom(steps: number, anchor?: number): void {
    if (view.value) view.value = zoomView(view.value, ZOOM_STEP ** -steps, anchor);
  }

  /** Moves the view by a fraction of its width (negative: back in time). */
  function pan(fraction: number): void {
    if (view.value) view.value = panView(view.value, fraction * spanOf(view.value));
  }

  function panBy(ms: number): void {
    if (view.value) view.value = panView(view.value, ms);
  }

  function fit(): void {
    if (extent.value) view.value = fitView(extent.value.first, extent.value.last);
  }

  /** Shows a stretch of time (a jump to a date). */
  function showAround(ms: number): void {
    const span = view.value ? spanOf(view.value) : 30 * 24 * 3_600_000;
    view.value = { start: Math.round(ms - span / 2), end: Math.round(ms + span / 2) };
  }

  // Read while shown only: hidden, the timeline costs nothing.
  watch(
    [shown, filterKey],
    ([isShown]) => {
      if (isShown) void loadExtent();
    },
    { immediate: true },
  );
  watch(view, () => {
    if (shown.value) void loadBuckets();
  });

  /** The library changed (an import, a bulk operation): count again, keeping the view. */
  function refresh(): Promise<void> {
    if (!shown.value) return Promise.resolve();
    return Promise.all([
      api.timelineSpan({ query: filterQuery.value }).then((span) => {
        extent.value = span;
        if (view.value === null && span) view.value = fitView(span.first, span.last);
      }),
      loadBuckets(),
    ]).then(() => undefined);
  }

  // The library changed (an import, a bulk operation, another window): count again once it settles.
  let changeTimer: ReturnType<typeof setTimeout> | undefined;
  const stopEvents = api.onEvent((event) => {
    if (event.type !== 'library-changed' || !shown.value) return;
    clearTimeout(changeTimer);
    changeTimer = setTimeout(() => refresh().catch((error: unknown) => ui.showError(error, 'count clips for the timeline')), REFRESH_DELAY_MS);
  });
  onScopeDispose(() => {
    stopEvents();
    clearTimeout(changeTimer);
  });

  return { shown, extent, view, bucket, counted, loading, filterQuery, setShown, zoom, pan, panBy, fit, showAround, refresh };
});
