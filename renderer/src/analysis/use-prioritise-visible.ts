// The grid tells analysis which clips are on screen, so those are analysed first: once the view
// has held still a moment, and only when the clips in view changed.
import { computed, onScopeDispose, ref, watch } from 'vue';
import { useResultsStore } from '../stores/results.js';
import { useAnalysisStore } from './analysis-store.js';

/** A scroll settles for this long before the clips in view are sent. */
export const PRIORITISE_DELAY_MS = 400;
/** More than a screen never needs to jump the queue. */
const MAX_PRIORITISED = 200;

/** Returns the grid's range listener (alongside the results store's own). */
export function usePrioritiseVisible(): (first: number, last: number) => void {
  const results = useResultsStore();
  const analysis = useAnalysisStore();
  const range = ref<{ first: number; last: number } | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = '';

  // The clips in view as they arrive (a page fetched after the range is set fills it in).
  const ids = computed(() => {
    const current = range.value;
    if (!current || analysis.unsupported) return [];
    const found: string[] = [];
    for (let index = current.first; index <= current.last && found.length < MAX_PRIORITISED; index++) {
      const clip = results.clipAt(index);
      if (clip) found.push(clip.id);
    }
    return found;
  });

  watch(ids, (now) => {
    clearTimeout(timer);
    if (now.length === 0) return;
    timer = setTimeout(() => {
      const key = now.join(' ');
      if (key === sent) return;
      sent = key;
      analysis.prioritise(now);
    }, PRIORITISE_DELAY_MS);
  });
  onScopeDispose(() => clearTimeout(timer));

  return (first, last) => {
    range.value = { first, last };
  };
}
