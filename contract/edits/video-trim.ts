// A video clip's trim and poster frame as the detail document states them, turned into the
// times every part of ClipShot uses: the editor's timeline, the derived thumbnail and duration,
// and the export. One function, so what the timeline shows is what gets exported. Times are ms
// from the start of the video, as a <video> element's currentTime and ffmpeg's -ss count them.

/** The shortest part of a video a trim may keep. */
export const MIN_TRIM_MS = 100;

export interface TrimEdits {
  trimStartMs: number | null;
  trimEndMs: number | null;
}

export interface ResolvedTrim {
  startMs: number;
  endMs: number;
  /** Whether anything is cut at all. */
  trimmed: boolean;
  /** What had to be adjusted to fit the video (an end past the video's end), one sentence each. */
  adjusted: string[];
}

export type TrimResolution = { ok: true; trim: ResolvedTrim } | { ok: false; reason: string };

/**
 * The part of a video of `durationMs` that its trim keeps. A side not set keeps the video's own
 * start or end; an end past the video's end is pulled back to it. A trim that keeps nothing (its
 * end before its start, as when two windows move the handles past each other at once, or a start
 * after the video's end) is refused with the reason, since any guess could lose what was meant.
 */
export function resolveTrim(edits: TrimEdits, durationMs: number): TrimResolution {
  const start = edits.trimStartMs;
  const end = edits.trimEndMs;
  for (const [name, value] of [['start', start], ['end', end]] as const) {
    if (value !== null && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) return { ok: false, reason: `the trim's ${name} is not a time (${String(value).slice(0, 20)})` };
  }
  if (start === null && end === null) return { ok: true, trim: { startMs: 0, endMs: Math.max(0, durationMs), trimmed: false, adjusted: [] } };
  if (!(Number.isFinite(durationMs) && durationMs > 0)) return { ok: false, reason: "the video's length is unknown, so it cannot be trimmed" };
  const adjusted: string[] = [];
  const startMs = start ?? 0;
  let endMs = end ?? durationMs;
  if (startMs >= durationMs) return { ok: false, reason: `the trim starts at ${formatMediaTime(startMs)}, after the video ends (${formatMediaTime(durationMs)})` };
  if (endMs > durationMs) {
    adjusted.push(`the trim's end (${formatMediaTime(endMs)}) was past the video's end, so it ends at ${formatMediaTime(durationMs)}`);
    endMs = durationMs;
  }
  if (endMs <= startMs) return { ok: false, reason: `the trim ends (${formatMediaTime(endMs)}) before it starts (${formatMediaTime(startMs)})` };
  if (endMs - startMs < MIN_TRIM_MS) return { ok: false, reason: `the trim keeps only ${Math.round(endMs - startMs)} ms; keep at least ${MIN_TRIM_MS} ms` };
  return { ok: true, trim: { startMs, endMs, trimmed: startMs > 0 || endMs < durationMs, adjusted } };
}

/** The frame shown for the clip: the chosen poster frame, else the trim's start; within the video. */
export function posterTime(posterMs: number | null, trim: ResolvedTrim | null, durationMs: number): number {
  const wanted = posterMs ?? trim?.startMs ?? 0;
  const last = Math.max(0, durationMs - 1);
  return Math.min(Math.max(0, Number.isFinite(wanted) ? wanted : 0), last);
}

/** The keyframe closest to `atMs`; null when there is none. */
export function nearestKeyframe(keyframesMs: readonly number[], atMs: number): number | null {
  let best: number | null = null;
  for (const keyframe of keyframesMs) if (best === null || Math.abs(keyframe - atMs) < Math.abs(best - atMs)) best = keyframe;
  return best;
}

/**
 * The keyframe a cut at `atMs` can start on without decoding anything: one within a frame of it
 * (no one sees a frame's difference); null when the cut falls between keyframes.
 */
export function keyframeForCut(keyframesMs: readonly number[], atMs: number, frameMs: number): number | null {
  const keyframe = nearestKeyframe(keyframesMs, atMs);
  return keyframe !== null && Math.abs(keyframe - atMs) <= frameMs + 0.5 ? keyframe : null;
}

/** "0:03.25", "12:00.00", "1:02:03.40": minutes and seconds to the hundredth. */
export function formatMediaTime(ms: number): string {
  const safe = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  const centis = Math.round(safe / 10);
  const hours = Math.floor(centis / 360_000);
  const minutes = Math.floor((centis % 360_000) / 6000);
  const seconds = ((centis % 6000) / 100).toFixed(2).padStart(5, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
