import { nextTick, watch, type Ref } from 'vue';

export const FIRST_PAINT_MARK = 'clipshot:first-paint';

/**
 * Once `painted` turns true (the first clips, or the empty state, are in the DOM), waits for the
 * frame that shows them, then marks the moment: `performance.mark('clipshot:first-paint')` for the
 * measurement, and `<html data-ready="true">` for end-to-end tests to wait on.
 */
export function useFirstPaint(painted: Ref<boolean>): void {
  const stop = watch(
    painted,
    async (ready) => {
      if (!ready) return;
      stop();
      await nextTick();
      // The callback runs before the frame is drawn; the task after it runs once it has been.
      requestAnimationFrame(() =>
        setTimeout(() => {
          performance.mark(FIRST_PAINT_MARK);
          document.documentElement.dataset.ready = 'true';
        }, 0),
      );
    },
    { immediate: true },
  );
}
