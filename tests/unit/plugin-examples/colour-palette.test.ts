// The colour palette's pure logic: median cut on exact pixels, and colour names. The analyzer on
// real clips, through the real host, is tests/integration/plugins/examples-colour-palette.test.ts.
import { describe, expect, test } from 'vitest';
import { importExampleFile } from '../../helpers/example-plugins.js';

type Rgb = [number, number, number];
type Palette = { hex: string; rgb: Rgb; share: number }[];
const { dominantColours } = await importExampleFile<{ dominantColours(pixels: { width: number; height: number; rgba: Uint8Array }, count?: number): Palette }>('colour-palette', 'palette.js');
const { colourName } = await importExampleFile<{ colourName(rgb: Rgb): string }>('colour-palette', 'colour-names.js');

/** RGBA pixels of vertical stripes: each [colour, width, alpha?]. */
function stripes(height: number, parts: [Rgb, number, number?][]): { width: number; height: number; rgba: Uint8Array } {
  const width = parts.reduce((sum, [, w]) => sum + w, 0);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    let x = 0;
    for (const [[r, g, b], w, a = 255] of parts) {
      for (let i = 0; i < w; i++, x++) rgba.set([r, g, b, a], (y * width + x) * 4);
    }
  }
  return { width, height, rgba };
}

describe('dominantColours', () => {
  test('finds each colour of the picture with its share, most common first', () => {
    const palette = dominantColours(stripes(10, [[[30, 80, 220], 6], [[250, 140, 0], 3], [[255, 255, 255], 1]]), 5);
    expect(palette.map(({ hex, share }) => [hex, share])).toEqual([
      ['#1e50dc', 0.6],
      ['#fa8c00', 0.3],
      ['#ffffff', 0.1],
    ]);
  });

  test('leaves transparent pixels out, and gives nothing for a picture with no opaque one', () => {
    expect(dominantColours(stripes(4, [[[0, 0, 0], 3, 0], [[200, 0, 0], 1]])).map(({ hex, share }) => [hex, share])).toEqual([['#c80000', 1]]);
    expect(dominantColours(stripes(4, [[[0, 0, 0], 3, 10]]))).toEqual([]);
  });

  test('merges near colours when asked for fewer than there are', () => {
    const palette = dominantColours(stripes(2, [[[0, 0, 250], 2], [[0, 0, 240], 2], [[250, 0, 0], 4]]), 2);
    expect(palette.map(({ hex, share }) => [hex, share])).toEqual([
      ['#0000f5', 0.5],
      ['#fa0000', 0.5],
    ]);
  });

  test('refuses pixels whose length does not fit their size', () => {
    expect(() => dominantColours({ width: 4, height: 4, rgba: new Uint8Array(60) })).toThrow('expected 4×4 RGBA pixels (64 bytes), got 60 bytes');
  });
});

test.each([
  [[0, 0, 0], 'black'],
  [[255, 255, 255], 'white'],
  [[128, 128, 128], 'grey'],
  [[220, 30, 30], 'red'],
  [[255, 165, 0], 'orange'],
  [[139, 69, 19], 'brown'],
  [[240, 220, 40], 'yellow'],
  [[40, 160, 60], 'green'],
  [[0, 200, 200], 'cyan'],
  [[30, 80, 220], 'blue'],
  [[120, 40, 180], 'purple'],
  [[255, 150, 200], 'pink'],
  [[20, 30, 90], 'blue'],
  [[0, 30, 36], 'black'],
] as [Rgb, string][])('colourName(%j) is %s', (rgb, name) => {
  expect(colourName(rgb)).toBe(name);
});
