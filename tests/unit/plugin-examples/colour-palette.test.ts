// The colour palette analyzer: median cut on exact pixels, colour names, and the analyzer on a
// real clip: a picture imported into a real library, its real WebP thumbnail decoded by the
// host's blobs.readPixels, the dominant colours suggested as tags.
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PluginManifest, PluginModule } from '../../../contract/plugins.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { importExampleFile, loadExample } from '../../helpers/example-plugins.js';
import { createInProcessHost, pluginClip, PluginCallError } from '../../helpers/in-process-plugin-host.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';

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

describe('the analyzer on a real clip', () => {
  let library: Library;
  let plugin: { manifest: PluginManifest; module: PluginModule };
  const analyse = (clipId: string, manifest = plugin.manifest) => {
    const host = createInProcessHost(library, manifest);
    return { host, result: plugin.module.analyzers!['clipshot.colour-palette.palette']!({ clip: pluginClip(library.get(clipId)) }, host.api) };
  };

  beforeEach(async () => {
    ({ library } = await createTestLibrary());
    plugin = await loadExample('colour-palette');
  });
  afterEach(async () => {
    await library.close();
  });

  async function importPicture(parts: [Rgb, number][]): Promise<string> {
    const { width, height, rgba } = stripes(300, parts);
    const file = path.join(await tempDir(), 'picture.png');
    await sharp(Buffer.from(rgba), { raw: { width, height, channels: 4 } }).png().toFile(file);
    return (await importFiles(library, [file])).imported[0]!.id;
  }

  test('suggests the colours covering most of the picture, and states the palette', async () => {
    const id = await importPicture([[[30, 80, 220], 420], [[250, 140, 0], 240], [[255, 255, 255], 60]]);
    expect(library.get(id).media?.thumb).toMatch(/^[0-9a-f]{64}$/);
    const { host, result } = analyse(id);
    const found = await result;
    expect(found.tags).toEqual(['blue', 'orange']);
    const palette = found.facts!.palette as string[];
    // The thumbnail is lossy WebP: the colours come back close to, not exactly, the original's.
    const distance = (hex: string, [r, g, b]: Rgb) => Math.max(Math.abs(parseInt(hex.slice(1, 3), 16) - r), Math.abs(parseInt(hex.slice(3, 5), 16) - g), Math.abs(parseInt(hex.slice(5, 7), 16) - b));
    expect(distance(palette[0]!, [30, 80, 220])).toBeLessThan(12);
    expect(distance(palette[1]!, [250, 140, 0])).toBeLessThan(12);
    expect(found.facts!.dominant).toBe(palette[0]);
    expect(Number.parseInt((found.facts!.shares as string[])[0]!, 10)).toBeGreaterThanOrEqual(50);
    expect(host.calls).toEqual([{ method: 'blobs.readPixels', allowed: true }]);
  });

  test('says nothing of a clip without a thumbnail', async () => {
    const text = await importText(library, 'no picture here');
    if (text.type !== 'imported') throw new Error('not imported');
    expect(await analyse(text.id).result).toEqual({ tags: [], facts: {} });
  });

  test('without blobs:read, the host refuses the pixels and the analysis fails', async () => {
    const id = await importPicture([[[30, 80, 220], 100]]);
    const attempt = analyse(id, { ...plugin.manifest, permissions: [] }).result;
    await expect(attempt).rejects.toBeInstanceOf(PluginCallError);
    await expect(attempt).rejects.toMatchObject({ code: 'permission-denied' });
  });
});
