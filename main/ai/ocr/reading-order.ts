// Reading order as PaddleOCR's sorted_boxes: by the top-left corner's y then x, then boxes whose
// tops are within a few pixels of each other (one visual row) are put left to right.

import type { Quad } from './geometry.js';

/** Tops closer than this are on one row; PaddleOCR's 10 px. */
const SAME_ROW_PX = 10;

export function readingOrder<T extends { readonly box: Quad }>(items: readonly T[]): T[] {
  const sorted = [...items].sort((a, b) => a.box[0][1] - b.box[0][1] || a.box[0][0] - b.box[0][0]);
  // One insertion pass: each box moves left past the boxes on its row that start to its right.
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i - 1; j >= 0; j--) {
      const left = sorted[j]!;
      const right = sorted[j + 1]!;
      if (Math.abs(right.box[0][1] - left.box[0][1]) < SAME_ROW_PX && right.box[0][0] < left.box[0][0]) {
        sorted[j] = right;
        sorted[j + 1] = left;
      } else break;
    }
  }
  return sorted;
}
