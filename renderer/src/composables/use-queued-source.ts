import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { RequestQueue, type Release } from '../lib/request-queue.js';

/** Thumbnails loading at once: enough to fill a screen quickly, few enough that scrolling past cards costs nothing. */
const thumbnailQueue = new RequestQueue(8);

/**
 * An image source that is set only when the shared queue has a free slot; the slot is freed when
 * the image loads or fails (call `settled`) or the component goes.
 */
export function useQueuedSource(url: Ref<string | null>): { src: Ref<string | null>; settled: () => void } {
  const src = ref<string | null>(null);
  let cancel: (() => void) | null = null;
  let release: Release | null = null;

  function settled(): void {
    release?.();
    release = null;
  }

  function stop(): void {
    cancel?.();
    cancel = null;
    settled();
  }

  watch(
    url,
    (next) => {
      stop();
      src.value = null;
      if (next === null) return;
      cancel = thumbnailQueue.request((done) => {
        release = done;
        src.value = next;
      });
    },
    { immediate: true },
  );
  onBeforeUnmount(stop);

  return { src, settled };
}
