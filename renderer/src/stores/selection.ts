import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import { useResultsStore } from './results.js';

export interface GridLayout {
  columns: number;
  /** Whole rows that fit in the view: what Page Up / Page Down move by. */
  rowsInView: number;
}

/**
 * Which clip is selected, by its index in the results (a virtualised grid has no DOM element for
 * most clips, so focus cannot live in the DOM), and which clip is open.
 */
export const useSelectionStore = defineStore('selection', () => {
  const results = useResultsStore();
  const index = ref<number | null>(null);
  const openClipId = ref<string | null>(null);
  const layout = reactive<GridLayout>({ columns: 1, rowsInView: 1 });

  const selectedClip = computed(() => (index.value === null ? undefined : results.clipAt(index.value)));

  function select(target: number): void {
    if (results.count === 0) {
      index.value = null;
      return;
    }
    index.value = Math.min(Math.max(target, 0), results.count - 1);
  }

  function moveBy(delta: number): void {
    select(index.value === null ? 0 : index.value + delta);
  }

  /** Up or down by whole rows, staying in the same column; past the first or last row it stops there. */
  function moveRows(rows: number): void {
    const count = results.count;
    if (count === 0) return select(0);
    if (index.value === null) return select(0);
    const columns = layout.columns;
    const target = index.value + rows * columns;
    if (target < 0) return select(index.value % columns);
    if (target < count) return select(target);
    // Below the last full row: the last clip, if it is on a later row than the selection.
    if (Math.floor(index.value / columns) < Math.floor((count - 1) / columns)) select(count - 1);
  }

  function setLayout(next: GridLayout): void {
    layout.columns = Math.max(1, next.columns);
    layout.rowsInView = Math.max(1, next.rowsInView);
  }

  // Another list: start from its first clip.
  watch(
    () => results.queryKey,
    () => {
      index.value = null;
    },
  );
  // The same list shrank (clips trashed elsewhere): stay on the nearest clip.
  watch(
    () => results.count,
    (count) => {
      if (index.value !== null && index.value >= count) index.value = count > 0 ? count - 1 : null;
    },
  );

  return { index, openClipId, layout, selectedClip, select, moveBy, moveRows, setLayout };
});
