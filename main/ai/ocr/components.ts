// Connected regions of a binary map, each reduced to what a minimum-area rectangle needs: the
// leftmost and rightmost pixel of every row it spans (their convex hull is the region's hull).

import type { Vec } from './geometry.js';

export interface RegionOutline {
  /** Row extremes, as pixel coordinates. */
  readonly points: Vec[];
  readonly pixels: number;
}

/**
 * Finds 8-connected regions of non-zero pixels in scan order, at most `maxRegions` of them.
 * Flood fill with an explicit stack: a text line can span thousands of pixels.
 */
export function findRegions(mask: Uint8Array, width: number, height: number, maxRegions: number): RegionOutline[] {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const rowMin = new Int32Array(height).fill(-1);
  const rowMax = new Int32Array(height);
  const regions: RegionOutline[] = [];
  for (let start = 0; start < mask.length && regions.length < maxRegions; start++) {
    if (mask[start] === 0 || seen[start] === 1) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let firstRow = height;
    let lastRow = -1;
    let pixels = 0;
    while (top > 0) {
      const index = stack[--top]!;
      const y = (index / width) | 0;
      const x = index - y * width;
      pixels++;
      if (rowMin[y] === -1) {
        rowMin[y] = x;
        rowMax[y] = x;
      } else if (x < rowMin[y]!) rowMin[y] = x;
      else if (x > rowMax[y]!) rowMax[y] = x;
      if (y < firstRow) firstRow = y;
      if (y > lastRow) lastRow = y;
      const y0 = y > 0 ? y - 1 : y;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : x;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let ny = y0; ny <= y1; ny++) {
        const row = ny * width;
        for (let nx = x0; nx <= x1; nx++) {
          const next = row + nx;
          if (mask[next] !== 0 && seen[next] === 0) {
            seen[next] = 1;
            stack[top++] = next;
          }
        }
      }
    }
    const points: Vec[] = [];
    for (let y = firstRow; y <= lastRow; y++) {
      if (rowMin[y] === -1) continue;
      points.push([rowMin[y]!, y]);
      if (rowMax[y] !== rowMin[y]) points.push([rowMax[y]!, y]);
      rowMin[y] = -1;
    }
    regions.push({ points, pixels });
  }
  return regions;
}
