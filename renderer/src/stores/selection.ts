import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { ClipSelection } from '../../../contract/api.js';
import { useLibraryStore } from './library.js';
import { useResultsStore } from './results.js';

export interface GridLayout {
  columns: number;
  /** Whole rows that fit in the view: what Page Up / Page Down move by. */
  rowsInView: number;
}

/**
 * Several clips chosen at once: listed by id (they keep their identity when the list refreshes),
 * or every clip of the current list but some (select all: at 100,000 clips nothing is fetched;
 * the core resolves the query itself).
 */
export type MultiSelection = { kind: 'ids'; ids: ReadonlySet<string> } | { kind: 'all'; except: ReadonlySet<string> };

/**
 * Which clip has the focus, by its index in the results (a virtualised grid has no DOM element
 * for most clips, so focus cannot live in the DOM), which clips are selected, and which is open.
 * Without a multi-selection the focused clip is the selection; click, Shift/Ctrl-click, the
 * rubber band, Shift+arrows and select-all make one.
 */
export const useSelectionStore = defineStore('selection', () => {
  const results = useResultsStore();
  const library = useLibraryStore();
  const index = ref<number | null>(null);
  /** Where a Shift range starts: the last clip clicked or moved to without Shift. */
  const anchor = ref<number | null>(null);
  const multi = shallowRef<MultiSelection | null>(null);
  /** Indexes under a rubber band being dragged: shown as selected until it is let go. */
  const preview = shallowRef<{ indexes: ReadonlySet<number>; additive: boolean } | null>(null);
  const openClipId = ref<string | null>(null);
  const layout = reactive<GridLayout>({ columns: 1, rowsInView: 1 });
  /** Each selection change that must read ids first bumps this; a slower earlier one then gives way. */
  let sequence = 0;

  const selectedClip = computed(() => (index.value === null ? undefined : results.clipAt(index.value)));

  /** How many clips are selected. */
  const count = computed(() => {
    const selection = multi.value;
    if (selection === null) return index.value === null ? 0 : 1;
    return selection.kind === 'ids' ? selection.ids.size : Math.max(0, results.count - selection.except.size);
  });

  function isSelected(at: number): boolean {
    const band = preview.value;
    if (band?.indexes.has(at)) return true;
    const selection = multi.value;
    if (selection === null) return (band === null || band.additive) && at === index.value;
    if (band && !band.additive) return false;
    const id = results.clipAt(at)?.id;
    if (selection.kind === 'all') return id === undefined || !selection.except.has(id);
    return id !== undefined && selection.ids.has(id);
  }

  function clamp(target: number): number | null {
    return results.count === 0 ? null : Math.min(Math.max(target, 0), results.count - 1);
  }

  /** Focuses one clip and makes it the whole selection (a click, an arrow key). */
  function select(target: number): void {
    sequence++;
    multi.value = null;
    index.value = clamp(target);
    anchor.value = index.value;
  }

  function moveBy(delta: number): void {
    select(index.value === null ? 0 : index.value + delta);
  }

  /** The index `rows` rows up or down in the same column; past the first or last row it stops there. */
  function rowTarget(rows: number): number | null {
    const count = results.count;
    if (count === 0 || index.value === null) return 0;
    const columns = layout.columns;
    const target = index.value + rows * columns;
    if (target < 0) return index.value % columns;
    if (target < count) return target;
    // Below the last full row: the last clip, if it is on a later row than the focus.
    return Math.floor(index.value / columns) < Math.floor((count - 1) / columns) ? count - 1 : null;
  }

  /** Up or down by whole rows, staying in the same column. */
  function moveRows(rows: number): void {
    const target = rowTarget(rows);
    if (target !== null) select(target);
  }

  /** The ids of the clips at these indexes, then `apply` them unless a later change came first. */
  async function withIds(indexes: number[], apply: (ids: string[]) => void): Promise<void> {
    const mine = ++sequence;
    const ids = await results.idsAt(indexes);
    if (mine === sequence) apply(ids);
  }

  function currentIds(): Set<string> {
    const selection = multi.value;
    if (selection?.kind === 'ids') return new Set(selection.ids);
    const focused = selectedClip.value?.id;
    return new Set(selection === null && focused !== undefined ? [focused] : []);
  }

  /** Selects every clip from the anchor to `target` (Shift-click, Shift+arrows); `additive` keeps what was selected (Ctrl+Shift). */
  function selectRange(target: number, additive = false): Promise<void> {
    const to = clamp(target);
    if (to === null) return Promise.resolve();
    const from = anchor.value ?? index.value ?? to;
    index.value = to;
    anchor.value = from;
    const indexes = rangeOf(from, to);
    const base = additive ? currentIds() : new Set<string>();
    const all = additive && multi.value?.kind === 'all' ? multi.value : null;
    return withIds(indexes, (ids) => {
      if (all) {
        const picked = new Set(ids);
        multi.value = { kind: 'all', except: new Set([...all.except].filter((id) => !picked.has(id))) };
        return;
      }
      for (const id of ids) base.add(id);
      multi.value = { kind: 'ids', ids: base };
    });
  }

  /** Moves the focus and stretches the selection from the anchor to it. */
  function extendBy(delta: number): Promise<void> {
    return selectRange(index.value === null ? 0 : index.value + delta);
  }

  function extendRows(rows: number): Promise<void> {
    const target = rowTarget(rows);
    return target === null ? Promise.resolve() : selectRange(target);
  }

  function extendTo(target: number): Promise<void> {
    return selectRange(target);
  }

  /** Adds the clip to the selection or takes it out (Ctrl/Cmd-click, Space); it becomes the anchor. */
  async function toggle(target: number): Promise<void> {
    const at = clamp(target);
    if (at === null) return;
    const selection = multi.value;
    const base = currentIds();
    index.value = at;
    anchor.value = at;
    const mine = ++sequence;
    const id = results.clipAt(at)?.id ?? (await results.fetchClipAt(at))?.id;
    if (id === undefined || mine !== sequence) return;
    if (selection?.kind === 'all') {
      const except = new Set(selection.except);
      if (except.has(id)) except.delete(id);
      else except.add(id);
      multi.value = { kind: 'all', except };
      return;
    }
    if (base.has(id)) base.delete(id);
    else base.add(id);
    multi.value = { kind: 'ids', ids: base };
  }

  /** Turns a lone focused clip into a selection of one, so that the focus can move on without it (Ctrl+arrows) or the selection bar shows. */
  async function keepFocusedSelected(): Promise<void> {
    if (multi.value !== null || index.value === null) return;
    const at = index.value;
    const mine = ++sequence;
    const id = results.clipAt(at)?.id ?? (await results.fetchClipAt(at))?.id;
    if (mine === sequence && multi.value === null) multi.value = { kind: 'ids', ids: new Set(id === undefined ? [] : [id]) };
  }

  /** Moves the focus without changing what is selected (then Space adds or removes the focused clip). */
  async function focusBy(delta: number): Promise<void> {
    await keepFocusedSelected();
    index.value = clamp(index.value === null ? 0 : index.value + delta);
    anchor.value = index.value;
  }

  async function focusRows(rows: number): Promise<void> {
    const target = rowTarget(rows);
    if (target === null) return;
    await keepFocusedSelected();
    index.value = clamp(target);
    anchor.value = index.value;
  }

  /** Every clip of the current list. */
  function selectAll(): void {
    if (results.count === 0) return;
    sequence++;
    multi.value = { kind: 'all', except: new Set() };
    if (index.value === null) index.value = 0;
  }

  /** Back to the focused clip alone. */
  function clearSelection(): void {
    sequence++;
    multi.value = null;
    preview.value = null;
  }

  /** A rubber band over these indexes, while it is dragged; `additive` (Ctrl/Shift held) keeps the selection it started from. */
  function previewBand(indexes: ReadonlySet<number>, additive: boolean): void {
    preview.value = { indexes, additive };
  }

  /** The rubber band let go: its clips become the selection (or join it). */
  function commitBand(): Promise<void> {
    const band = preview.value;
    if (!band) return Promise.resolve();
    const indexes = [...band.indexes].sort((a, b) => a - b);
    if (indexes.length === 0) {
      preview.value = null;
      if (!band.additive) clearSelection();
      return Promise.resolve();
    }
    const base = band.additive ? currentIds() : new Set<string>();
    const wasAll = band.additive && multi.value?.kind === 'all' ? multi.value : null;
    index.value = indexes[indexes.length - 1]!;
    anchor.value = indexes[0]!;
    return withIds(indexes, (ids) => {
      preview.value = null;
      if (wasAll) {
        const picked = new Set(ids);
        multi.value = { kind: 'all', except: new Set([...wasAll.except].filter((id) => !picked.has(id))) };
        return;
      }
      for (const id of ids) base.add(id);
      multi.value = { kind: 'ids', ids: base };
    }).finally(() => {
      if (preview.value === band) preview.value = null;
    });
  }

  /**
   * What the core's bulk operations take: the ids in list order where their places are known, or
   * the whole query minus exclusions; null when nothing is selected.
   */
  function toApiSelection(): ClipSelection | null {
    const selection = multi.value;
    if (selection?.kind === 'all') {
      const { limit: _limit, offset: _offset, cursor: _cursor, ...query } = library.listQuery;
      return selection.except.size > 0 ? { query, except: [...selection.except] } : { query };
    }
    const ids = [...currentIds()];
    if (ids.length === 0) return null;
    const place = (id: string) => results.indexOfClip(id) ?? Number.MAX_SAFE_INTEGER;
    return { ids: ids.map((id) => ({ id, at: place(id) })).sort((a, b) => a.at - b.at).map((entry) => entry.id) };
  }

  function setLayout(next: GridLayout): void {
    layout.columns = Math.max(1, next.columns);
    layout.rowsInView = Math.max(1, next.rowsInView);
  }

  // Another list: start from its first clip, with nothing selected.
  watch(
    () => results.queryKey,
    () => {
      sequence++;
      index.value = null;
      anchor.value = null;
      multi.value = null;
      preview.value = null;
    },
  );
  // The same list shrank (clips trashed elsewhere): stay on the nearest clip.
  watch(
    () => results.count,
    (count) => {
      if (index.value !== null && index.value >= count) index.value = count > 0 ? count - 1 : null;
    },
  );

  return {
    index,
    anchor,
    multi,
    preview,
    openClipId,
    layout,
    selectedClip,
    count,
    isSelected,
    select,
    moveBy,
    moveRows,
    selectRange,
    extendBy,
    extendRows,
    extendTo,
    toggle,
    keepFocusedSelected,
    focusBy,
    focusRows,
    selectAll,
    clearSelection,
    previewBand,
    commitBand,
    toApiSelection,
    setLayout,
  };
});

function rangeOf(a: number, b: number): number[] {
  const [low, high] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: high - low + 1 }, (_, offset) => low + offset);
}
