// Figures for the renderer's browsing reads: pages in every order (first pages, cursors,
// offsets), counts, the overview and timelines. Part of the index benchmark; every key ends in
// its unit.
import type { ClipQuery } from '../../contract/clips.js';
import type { ClipIndex } from '../../main/index/clip-index.js';
import { timeSync } from './bench-database.js';
import { percentile } from './stats.js';

const REPEATS = 200;
const SLOW_REPEATS = 50;
const ORDERS = ['captured', 'imported', 'title'] as const;

export function measureBrowsing(index: ClipIndex, searches: string[], figures: Record<string, number>): void {
  const record = (name: string, runs: (() => unknown)[], repeats: number) => {
    for (const run of runs) run();
    const times = runs.flatMap((run) => Array.from({ length: repeats }, () => timeSync(run)));
    figures[`${name}_p50_ms`] = round(percentile(times, 50));
    figures[`${name}_p99_ms`] = round(percentile(times, 99));
  };
  const pages = (queries: ClipQuery[]) => queries.map((query) => () => index.query({ limit: 100, ...query }));
  const filters: ClipQuery[] = [{ kind: 'image' }, { kind: 'video' }, { tag: 'work' }, { tag: 'todo' }, { collection: 'archive' }];
  const multiFilters: ClipQuery[] = [{ tag: 'todo', kind: 'video' }, { tag: 'work', kind: 'text' }, { kind: 'image', hasText: true }, { trash: true, kind: 'image' }];
  // 50,000 at 100k clips; the middle of smaller libraries.
  const offset = Math.min(50_000, Math.floor(index.count({}) / 2));
  figures.offset_page_offset = offset;

  for (const orderBy of ORDERS) {
    record(`first_page_by_${orderBy}`, pages([{ orderBy }, { orderBy, direction: orderBy === 'title' ? 'desc' : 'asc' }]), REPEATS);
    record(`filtered_page_by_${orderBy}`, pages(filters.map((filter) => ({ ...filter, orderBy }))), REPEATS);
    record(`multi_filter_page_by_${orderBy}`, pages(multiFilters.map((filter) => ({ ...filter, orderBy }))), REPEATS);
    record(`tenth_page_by_${orderBy}`, pages([{ orderBy, cursor: cursorAfterPages(index, { orderBy, limit: 100 }, 9) }]), REPEATS);
    record(`offset_page_by_${orderBy}`, pages([{ orderBy, offset }, { orderBy, tag: 'work', offset: Math.floor(index.count({ tag: 'work' }) / 2) }]), SLOW_REPEATS);
  }

  // Searches sort their matches by title or import time, or walk the order index when many match.
  const byCount = searches.map((text) => ({ text, count: index.count({ text }) })).sort((a, b) => b.count - a.count);
  const common = byCount[0]!;
  figures.search_most_common_word_matches = common.count;
  for (const orderBy of ['imported', 'title'] as const) {
    record(`search_by_${orderBy}`, searches.map((text) => () => index.query({ text, orderBy, limit: 100 })), 1);
    record(`search_most_common_word_by_${orderBy}`, pages([{ text: common.text, orderBy }]), SLOW_REPEATS);
    record(`search_most_common_word_offset_half_by_${orderBy}`, pages([{ text: common.text, orderBy, offset: Math.floor(common.count / 2) }]), SLOW_REPEATS);
  }

  record('count_all', [() => index.count({}), () => index.count({ trash: true })], REPEATS);
  record('count_filtered', filters.map((filter) => () => index.count(filter)), REPEATS);
  record('count_multi_filter', [() => index.count({ tag: 'work', kind: 'text' }), () => index.count({ tag: 'todo', collection: 'archive' })], SLOW_REPEATS);
  record('count_search', searches.map((text) => () => index.count({ text })), 1);
  record('count_most_common_word', [() => index.count({ text: common.text })], SLOW_REPEATS);

  record('overview', [() => index.overview()], SLOW_REPEATS);
  figures.overview_tags = index.overview().tags.length;
  for (const bucket of ['year', 'month', 'day', 'hour'] as const) record(`timeline_by_${bucket}`, [() => index.timeline({}, bucket)], SLOW_REPEATS);
  record('timeline_by_month_filtered', filters.map((filter) => () => index.timeline(filter, 'month')), SLOW_REPEATS);
  record('timeline_by_month_search', searches.slice(0, 100).map((text) => () => index.timeline({ text }, 'month')), 1);
  record('timeline_by_month_most_common_word', [() => index.timeline({ text: common.text }, 'month')], SLOW_REPEATS);
}

export function cursorAfterPages(index: ClipIndex, query: ClipQuery, pages: number): string {
  let cursor: string | undefined;
  for (let page = 0; page < pages; page++) {
    const next = index.query(cursor === undefined ? query : { ...query, cursor }).nextCursor;
    if (next === null) throw new Error(`the index holds fewer than ${pages + 1} pages`);
    cursor = next;
  }
  return cursor!;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
