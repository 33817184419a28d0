// A region recording is the whole display recorded and then cut to the region when saved: the OS
// captures screens and windows, not rectangles. These are the region's maths in the recorded
// video's pixels, which need not be the display's (Chromium may capture at another resolution).
import { describeRect, dipToDisplayPixels, type CaptureDisplay, type Rect, type Size } from '../../../contract/capture/region.js';

/** Why `crop` cannot cut `frame` (a frame of the recorded video), or null when it can. */
export function cropProblem(crop: Rect, frame: Size): string | null {
  const { x, y, width, height } = crop;
  if (![x, y, width, height].every(Number.isInteger)) return `the region ${describeRect(crop)} is not in whole pixels`;
  if (width < 2 || height < 2) return `the region ${describeRect(crop)} is too small to record (2 × 2 pixels at least)`;
  if (x < 0 || y < 0 || x + width > frame.width || y + height > frame.height) return `the region ${describeRect(crop)} is not inside the recorded ${frame.width} × ${frame.height} picture`;
  // VP9 in 4:2:0 halves colour in both directions: odd sizes or offsets would shift or lose a line.
  if (width % 2 !== 0 || height % 2 !== 0) return `the region ${describeRect(crop)} needs an even width and height for the video codec`;
  if (x % 2 !== 0 || y % 2 !== 0) return `the region ${describeRect(crop)} needs to start on an even pixel for the video codec`;
  return null;
}

/**
 * A region of the virtual desktop (DIP) in the pixels of a recording of `display` whose frames are
 * `frame`: scaled by the frame's own ratio to the display, cut to the frame, and shrunk to even
 * offsets and sizes (at most a pixel each side). Null when nothing of it is on the recording.
 */
export function regionInRecording(region: Rect, display: CaptureDisplay, frame: Size): Rect | null {
  const scale = frame.width / display.bounds.width;
  const exact = dipToDisplayPixels(region, { ...display, scaleFactor: scale }, frame);
  const x = exact.x + (exact.x % 2);
  const y = exact.y + (exact.y % 2);
  const width = evenDown(exact.x + exact.width - x);
  const height = evenDown(exact.y + exact.height - y);
  const crop = { x, y, width, height };
  return cropProblem(crop, frame) === null ? crop : null;
}

function evenDown(value: number): number {
  return Math.max(0, value - (value % 2));
}
