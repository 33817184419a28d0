import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ClipListQuery, ClipSortField } from '../../../contract/api.js';
import type { ClipKind } from '../../../contract/clips.js';
import { hasSearchableWords, instantSearchText, searchTokens } from '../lib/search-words.js';

export type SortDirection = 'asc' | 'desc';

/** A capture-time range (ms since the epoch): `from` inclusive, `to` exclusive. */
export interface DateRange {
  from: number;
  to: number;
}
export type LibraryScope = 'library' | 'trash';

/** Typing settles for this long before the search runs. */
export const SEARCH_DEBOUNCE_MS = 120;

export function defaultDirection(field: ClipSortField): SortDirection {
  return field === 'title' ? 'asc' : 'desc';
}

/** What the library view shows: where, which filters, which order, which search. */
export const useLibraryStore = defineStore('library', () => {
  const scope = ref<LibraryScope>('library');
  const kind = ref<ClipKind | null>(null);
  const tag = ref<string | null>(null);
  const collection = ref<string | null>(null);
  const orderBy = ref<ClipSortField>('captured');
  const direction = ref<SortDirection>('desc');
  /** Set by brushing the timeline: only clips captured in this range are listed. */
  const dateRange = ref<DateRange | null>(null);

  /** What is in the search box; `searchText` follows it once typing pauses. */
  const searchInput = ref('');
  const searchText = ref('');
  let searchTimer: ReturnType<typeof setTimeout> | undefined;

  function setSearchInput(value: string): void {
    searchInput.value = value;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(commitSearch, SEARCH_DEBOUNCE_MS);
  }

  function commitSearch(): void {
    clearTimeout(searchTimer);
    searchText.value = searchInput.value;
  }

  function clearSearch(): void {
    searchInput.value = '';
    commitSearch();
  }

  function clearFilters(): void {
    kind.value = null;
    tag.value = null;
    collection.value = null;
    dateRange.value = null;
  }

  function setDateRange(range: DateRange | null): void {
    if (range !== null && !(range.from < range.to)) throw new RangeError(`a date range must end after it starts (${range.from} to ${range.to})`);
    dateRange.value = range;
  }

  function showAll(): void {
    scope.value = 'library';
    clearFilters();
  }

  function showKind(value: ClipKind): void {
    showAll();
    kind.value = value;
  }

  function showTag(value: string): void {
    showAll();
    tag.value = value;
  }

  function showCollection(value: string): void {
    showAll();
    collection.value = value;
  }

  function showTrash(): void {
    clearFilters();
    scope.value = 'trash';
  }

  function setOrder(field: ClipSortField): void {
    orderBy.value = field;
    direction.value = defaultDirection(field);
  }

  function toggleDirection(): void {
    direction.value = direction.value === 'asc' ? 'desc' : 'asc';
  }

  /** Only searches the core can run: text without a single word would be refused, so it is no search. */
  const effectiveSearch = computed(() => {
    const text = searchText.value.trim();
    return hasSearchableWords(text) ? text : '';
  });

  const searchWords = computed(() => searchTokens(effectiveSearch.value));

  const hasFilters = computed(() => kind.value !== null || tag.value !== null || collection.value !== null || dateRange.value !== null);

  /** The list query without paging; the results store adds offset and limit. */
  const listQuery = computed<ClipListQuery>(() => {
    const query: ClipListQuery = { orderBy: orderBy.value, direction: direction.value };
    if (scope.value === 'trash') query.trash = true;
    if (kind.value) query.kind = kind.value;
    if (tag.value) query.tag = tag.value;
    if (collection.value) query.collection = collection.value;
    if (effectiveSearch.value) query.text = instantSearchText(effectiveSearch.value);
    if (dateRange.value) Object.assign(query, dateRange.value);
    return query;
  });

  return {
    scope,
    kind,
    tag,
    collection,
    orderBy,
    direction,
    dateRange,
    searchInput,
    searchText,
    effectiveSearch,
    searchWords,
    hasFilters,
    listQuery,
    setSearchInput,
    commitSearch,
    clearSearch,
    clearFilters,
    setDateRange,
    showAll,
    showKind,
    showTag,
    showCollection,
    showTrash,
    setOrder,
    toggleDirection,
  };
});
