import { nextTick, watch } from 'vue';
import type { ClipListQuery } from '../../../contract/api.js';
import { DAY_MS } from '../../../contract/timeline-buckets.js';
import { useApi } from '../api/use-api.js';
import { useLibraryStore } from '../stores/library.js';
import { useResultsStore } from '../stores/results.js';
import { useSelectionStore } from '../stores/selection.js';
import { useUiStore } from '../stores/ui.js';
import { useTimelineStore } from './timeline-store.js';

/** A date input's value (YYYY-MM-DD) as the start of that UTC day; null when it is not a real date. */
export function parseDay(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date.getTime() : null;
}

/**
 * What to count to find where a day falls in a list ordered by capture time: newest first, the
 * clips captured after that day come before it; oldest first, those captured before it. Their
 * count is the index of the first clip captured on or before that day (newest first), or on or
 * after it (oldest first). Null when the list's own date range leaves no such clip.
 */
export function clipsBeforeDayQuery(listQuery: ClipListQuery, dayStart: number): ClipListQuery | null {
  const { limit: _limit, offset: _offset, cursor: _cursor, ...query } = listQuery;
  if (query.direction === 'asc') {
    const to = Math.min(query.to ?? dayStart, dayStart);
    return query.from !== undefined && to < query.from ? null : { ...query, to };
  }
  const from = Math.max(query.from ?? dayStart + DAY_MS, dayStart + DAY_MS);
  return query.to !== undefined && from > query.to ? null : { ...query, from };
}

/**
 * Jumps the grid to a day: the clips of that day (or the nearest before it, newest first) come to
 * the top of the view and the first is selected. Only capture-time order has a place for a day,
 * so another order is switched to it (and the person told); a brushed range that leaves the day
 * out is cleared.
 */
export function useJumpToDate() {
  const api = useApi();
  const library = useLibraryStore();
  const results = useResultsStore();
  const selection = useSelectionStore();
  const timeline = useTimelineStore();
  const ui = useUiStore();

  return async function jumpToDate(value: string): Promise<void> {
    const dayStart = parseDay(value);
    if (dayStart === null) throw new Error(`“${value}” is not a date (year-month-day)`);
    const notes: string[] = [];
    if (library.orderBy !== 'captured') {
      library.setOrder('captured');
      notes.push('sorted by date captured');
    }
    const range = library.dateRange;
    if (range && (dayStart + DAY_MS <= range.from || dayStart >= range.to)) {
      library.setDateRange(null);
      notes.push('the date range was cleared');
    }
    await nextTick();
    await whenTrue(() => results.countLoaded);
    const before = clipsBeforeDayQuery(library.listQuery, dayStart);
    const offset = before === null ? 0 : await api.countClips(before);
    if (results.count === 0) return;
    const index = Math.min(offset, results.count - 1);
    if (offset >= results.count) notes.push(library.direction === 'asc' ? 'no clips that recent: showing the newest' : 'no clips that old: showing the oldest');
    selection.select(index);
    ui.requestScrollTo(index);
    timeline.showAround(dayStart + DAY_MS / 2);
    if (notes.length > 0) ui.showToast(`Jumped to ${value} (${notes.join('; ')})`);
  };
}

function whenTrue(condition: () => boolean): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = watch(condition, (value) => {
      if (!value) return;
      stop();
      resolve();
    });
  });
}
