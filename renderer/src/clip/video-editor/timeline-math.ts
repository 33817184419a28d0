// Times on a video timeline: where a time sits on the track, which time a point on the track
// means, and how far a key press moves a handle. Pure, so the editor's arithmetic is tested alone.
import { MIN_TRIM_MS } from '../../../../contract/edits/video-trim.js';

/** How far Shift+arrow moves a handle or the playhead. */
export const BIG_STEP_MS = 1000;

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** 0..1 along the track. */
export function fractionOf(timeMs: number, durationMs: number): number {
  return durationMs > 0 ? clamp(timeMs / durationMs, 0, 1) : 0;
}

/** The time at a horizontal point of the track (clientX), whole ms. */
export function timeAtPoint(clientX: number, track: { left: number; width: number }, durationMs: number): number {
  if (track.width <= 0) return 0;
  return Math.round(clamp((clientX - track.left) / track.width, 0, 1) * durationMs);
}

export interface KeyStep {
  key: string;
  shiftKey: boolean;
}

/**
 * Where a slider's key moves its value: arrows by a frame (by a second with Shift), Page keys by
 * a second, Home and End to the ends of its range; null for any other key.
 */
export function steppedTime(value: number, press: KeyStep, frameMs: number, range: { min: number; max: number }): number | null {
  const step = press.shiftKey ? BIG_STEP_MS : frameMs;
  let next: number;
  switch (press.key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      next = value - step;
      break;
    case 'ArrowRight':
    case 'ArrowUp':
      next = value + step;
      break;
    case 'PageDown':
      next = value - BIG_STEP_MS;
      break;
    case 'PageUp':
      next = value + BIG_STEP_MS;
      break;
    case 'Home':
      next = range.min;
      break;
    case 'End':
      next = range.max;
      break;
    default:
      return null;
  }
  return Math.round(clamp(next, range.min, range.max));
}

export interface TrimRange {
  startMs: number;
  endMs: number;
}

/** Where each handle may go: never closer to the other than MIN_TRIM_MS, never past the video. */
export function handleRange(which: 'start' | 'end', trim: TrimRange, durationMs: number): { min: number; max: number } {
  if (which === 'start') return { min: 0, max: Math.max(0, trim.endMs - MIN_TRIM_MS) };
  return { min: Math.min(durationMs, trim.startMs + MIN_TRIM_MS), max: durationMs };
}

/**
 * The trim after setting its start (I) or end (O) at the playhead. A start set after the end (or
 * an end before the start) drops the other side, as editors do, rather than refusing the key.
 */
export function trimWithPoint(which: 'start' | 'end', atMs: number, trim: TrimRange, durationMs: number): TrimRange {
  const at = Math.round(clamp(atMs, 0, durationMs));
  if (which === 'start') {
    const start = Math.min(at, Math.max(0, durationMs - MIN_TRIM_MS));
    return { startMs: start, endMs: trim.endMs - start >= MIN_TRIM_MS ? trim.endMs : durationMs };
  }
  const end = Math.max(at, Math.min(durationMs, MIN_TRIM_MS));
  return { startMs: end - trim.startMs >= MIN_TRIM_MS ? trim.startMs : 0, endMs: end };
}
