// DB (Differentiable Binarization) post-processing, as PaddleOCR's DBPostProcess with box_type
// 'quad' and score_mode 'fast': threshold the probability map, take each connected region's
// minimum-area rectangle, keep it if the map's mean inside is high enough, grow it back by the
// unclip ratio, and scale it to the source image.

import { findRegions } from './components.js';
import { minAreaRect, unclip, type Quad, type Vec } from './geometry.js';

export interface DbOptions {
  /** Pixels above this probability are text. */
  readonly thresh: number;
  /** A region's mean probability inside its box must reach this. */
  readonly boxThresh: number;
  readonly unclipRatio: number;
  readonly maxCandidates: number;
}

export const DB_DEFAULTS: DbOptions = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, maxCandidates: 1000 };

/** A region narrower than this (in map pixels) is noise; after unclip it must be 2 wider. */
const MIN_SIZE = 3;

export interface DetectedBox {
  readonly box: Quad;
  readonly score: number;
}

export interface ProbabilityMap {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** Text boxes in the source image's pixels (`sourceWidth` × `sourceHeight`). */
export function boxesFromProbabilityMap(map: ProbabilityMap, sourceWidth: number, sourceHeight: number, options: DbOptions = DB_DEFAULTS): DetectedBox[] {
  const { data, width, height } = map;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i]! > options.thresh ? 1 : 0;
  const scaleX = sourceWidth / width;
  const scaleY = sourceHeight / height;
  const boxes: DetectedBox[] = [];
  for (const region of findRegions(mask, width, height, options.maxCandidates)) {
    const kernel = minAreaRect(region.points);
    if (Math.min(kernel.width, kernel.height) < MIN_SIZE) continue;
    const score = meanInside(map, kernel.corners);
    if (score < options.boxThresh) continue;
    const grown = minAreaRect(unclip(kernel.corners, options.unclipRatio));
    if (Math.min(grown.width, grown.height) < MIN_SIZE + 2) continue;
    const [a, b, c, d] = grown.corners.map(([x, y]): Vec => [clamp(Math.round(x * scaleX), 0, sourceWidth - 1), clamp(Math.round(y * scaleY), 0, sourceHeight - 1)]) as [Vec, Vec, Vec, Vec];
    // Clamped to the image, a box along an edge can flatten to a sliver: nothing to read there.
    if (Math.hypot(b[0] - a[0], b[1] - a[1]) <= MIN_SIZE || Math.hypot(d[0] - a[0], d[1] - a[1]) <= MIN_SIZE) continue;
    boxes.push({ box: [a, b, c, d], score });
  }
  return boxes;
}

/** The map's mean over the pixels whose centres fall inside the convex quad. */
export function meanInside(map: ProbabilityMap, quad: Quad): number {
  const { data, width, height } = map;
  const ys = quad.map((p) => p[1]);
  const yStart = clamp(Math.floor(Math.min(...ys)), 0, height - 1);
  const yEnd = clamp(Math.ceil(Math.max(...ys)), 0, height - 1);
  let sum = 0;
  let count = 0;
  for (let y = yStart; y <= yEnd; y++) {
    const span = rowSpan(quad, y);
    if (!span) continue;
    const xStart = clamp(Math.ceil(span[0] - 1e-6), 0, width - 1);
    const xEnd = clamp(Math.floor(span[1] + 1e-6), 0, width - 1);
    const row = y * width;
    for (let x = xStart; x <= xEnd; x++) sum += data[row + x]!;
    count += Math.max(0, xEnd - xStart + 1);
  }
  return count === 0 ? 0 : sum / count;
}

/** Where the horizontal line at `y` enters and leaves a convex polygon, or null if it misses it. */
function rowSpan(polygon: readonly Vec[], y: number): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    const [top, bottom] = a[1] <= b[1] ? [a, b] : [b, a];
    if (y < top[1] || y > bottom[1]) continue;
    const x = bottom[1] === top[1] ? Math.min(a[0], b[0]) : top[0] + ((y - top[1]) / (bottom[1] - top[1])) * (bottom[0] - top[0]);
    const x2 = bottom[1] === top[1] ? Math.max(a[0], b[0]) : x;
    low = Math.min(low, x);
    high = Math.max(high, x2);
  }
  return low <= high ? [low, high] : null;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
