import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { UndoStep } from './undo-steps.js';

/** Steps kept; older ones fall off the bottom. */
const MAX_STEPS = 50;

/**
 * The library view's undo: one step per bulk operation (tag 500 clips, trash them, combine
 * images), each undone as a whole by its exact inverse. Separate from a clip's own undo (the
 * clip view), which covers the edits made there.
 */
export const useLibraryUndoStore = defineStore('library-undo', () => {
  const past = shallowRef<UndoStep[]>([]);
  const future = shallowRef<UndoStep[]>([]);
  const busy = ref(false);

  function push(step: UndoStep): void {
    past.value = [...past.value, step].slice(-MAX_STEPS);
    future.value = [];
  }

  /** Reverts the latest step; resolves with its label, or null when there was none (or one is running). */
  async function undo(): Promise<string | null> {
    return move(past, future);
  }

  /** Undoes `step` if it is still the latest (a toast's Undo); otherwise says what came after it. */
  async function undoStep(step: UndoStep): Promise<string | null> {
    const latest = past.value[past.value.length - 1];
    if (latest !== step) throw new Error(latest ? `“${latest.label}” came after it: undo that first (Ctrl+Z)` : 'it was undone already');
    return undo();
  }

  async function redo(): Promise<string | null> {
    return move(future, past);
  }

  async function move(from: typeof past, to: typeof past): Promise<string | null> {
    const step = from.value[from.value.length - 1];
    if (!step || busy.value) return null;
    busy.value = true;
    try {
      const reverse = await step.revert();
      from.value = from.value.slice(0, -1);
      to.value = [...to.value, reverse].slice(-MAX_STEPS);
      return step.label;
    } finally {
      busy.value = false;
    }
  }

  const canUndo = computed(() => past.value.length > 0);
  const canRedo = computed(() => future.value.length > 0);
  const nextUndo = computed(() => past.value[past.value.length - 1]?.label ?? null);

  return { push, undo, undoStep, redo, canUndo, canRedo, nextUndo, busy };
});
