// The rubber band's arithmetic on the grid's fixed geometry.
import { describe, expect, test } from 'vitest';
import { autoScrollStep, bandBetween, indexesInBand, type GridGeometry } from '../../../renderer/src/lib/rubber-band.js';

// As the app lays out an 800 px grid: 4 columns of 183 px with 12 px gaps, inside 16 px padding; rows 232 px (cards 220).
const grid: GridGeometry = { count: 30, columns: 4, width: 800, padding: 16, gap: 12, rowHeight: 232 };

describe('indexesInBand', () => {
  test('takes every card the band touches, and none it only passes beside', () => {
    expect(indexesInBand(bandBetween({ x: 300, y: 300 }, { x: 2, y: 2 }), grid)).toEqual([0, 1, 4, 5]);
    // Wholly inside one card.
    expect(indexesInBand({ left: 30, top: 30, right: 40, bottom: 40 }, grid)).toEqual([0]);
    // Wholly in the gap between columns 0 and 1, or below row 0's cards: nothing.
    expect(indexesInBand({ left: 201, top: 20, right: 209, bottom: 400 }, grid)).toEqual([]);
    expect(indexesInBand({ left: 20, top: 237, right: 700, bottom: 246 }, grid)).toEqual([]);
    // Touching an edge counts.
    expect(indexesInBand({ left: 199, top: 236, right: 211, bottom: 248 }, grid)).toEqual([0, 1, 4, 5]);
  });

  test('stops at the last card, however far below the band reaches', () => {
    const band = { left: 0, top: 16 + 6 * 232, right: 800, bottom: 100 * 232 };
    expect(indexesInBand(band, grid)).toEqual([24, 25, 26, 27, 28, 29]);
    expect(indexesInBand({ left: 0, top: 0, right: 800, bottom: 1e7 }, { ...grid, count: 0 })).toEqual([]);
  });
});

describe('autoScrollStep', () => {
  test('scrolls near the edges, faster the closer, and not in between', () => {
    expect(autoScrollStep(300, 0, 600)).toBe(0);
    expect(autoScrollStep(30, 0, 600)).toBeLessThan(0);
    expect(autoScrollStep(0, 0, 600)).toBeLessThan(autoScrollStep(30, 0, 600));
    expect(autoScrollStep(590, 0, 600)).toBeGreaterThan(autoScrollStep(570, 0, 600));
    expect(autoScrollStep(-500, 0, 600)).toBe(-24);
  });
});
