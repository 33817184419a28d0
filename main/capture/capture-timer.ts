// The capture timer: a few seconds to open a menu or hover a tooltip before the screen freezes.
import { setTimeout as wait } from 'node:timers/promises';
import { MAX_CAPTURE_DELAY_SECONDS } from '../../contract/capture/capture.js';

/** A delay as given on the command line or in a request: whole seconds, 0 to the maximum. */
export function parseCaptureDelay(raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^\d{1,3}$/.test(text) || Number(text) > MAX_CAPTURE_DELAY_SECONDS) {
    throw new RangeError(`the delay is whole seconds from 0 to ${MAX_CAPTURE_DELAY_SECONDS} (the timer offers 3, 5 and 10), not ${JSON.stringify(typeof raw === 'string' ? raw.slice(0, 20) : raw)}`);
  }
  return Number(text);
}

/**
 * Counts down, telling `onTick` the seconds left (seconds, …, 1) a second apart, and resolves
 * when the time is up; rejects with the signal's reason when cancelled (nothing is captured).
 */
export async function countDown(seconds: number, options: { onTick?: (left: number) => void; signal?: AbortSignal; tickMs?: number } = {}): Promise<void> {
  const tickMs = options.tickMs ?? 1000;
  options.signal?.throwIfAborted();
  for (let left = seconds; left > 0; left--) {
    options.onTick?.(left);
    try {
      await wait(tickMs, undefined, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      // Node rejects with its own AbortError; the caller's reason says why.
      throw options.signal?.aborted ? options.signal.reason : error;
    }
  }
}
