// The colour palette analyzer as a person runs it: installed by the store, run by the real host in
// its own process, against real image clips. The clip's real WebP thumbnail is decoded by the
// host (blobs.readPixels; the plugin process has no image decoders) and the dominant colours come
// back as suggested tags.
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { AnalyzerResult, PluginClip } from '../../../contract/plugins.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { libraryAccessOver } from '../../../main/plugins/host/library-access-over-library.js';
import type { PluginDescriptor } from '../../../main/plugins/host/plugin-host.js';
import { installExample, refusals, runExample, type ExampleRun } from '../../helpers/example-plugin-host.js';
import { PLUGINS_DIR } from '../../helpers/example-plugins.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';

type Rgb = [number, number, number];
const ANALYZER = 'clipshot.colour-palette.palette';

let library: Library;
let installed: PluginDescriptor;
const runs: ExampleRun[] = [];

beforeEach(async () => {
  ({ library } = await createTestLibrary());
  installed = await installExample(path.join(PLUGINS_DIR, 'colour-palette'));
});
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.host.close()));
  await library.close();
});

function start(granted?: PluginDescriptor['permissions']): ExampleRun {
  const run = runExample(installed, library, granted ? { granted } : {});
  runs.push(run);
  return run;
}

/** A picture of vertical stripes, each [colour, width], imported into the library; its clip as plugins see it. */
async function importPicture(parts: [Rgb, number][], height = 300): Promise<PluginClip> {
  const width = parts.reduce((sum, [, w]) => sum + w, 0);
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    let x = 0;
    for (const [[r, g, b], w] of parts) for (let i = 0; i < w; i++, x++) rgba.set([r, g, b, 255], (y * width + x) * 4);
  }
  const file = path.join(await tempDir(), 'picture.png');
  await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toFile(file);
  const id = (await importFiles(library, [file])).imported[0]!.id;
  return libraryAccessOver(library).get(id);
}

const analyse = (run: ExampleRun, clip: PluginClip) => run.host.invoke('analyzers', ANALYZER, { clip }) as Promise<AnalyzerResult>;

/** The largest difference of one channel: the thumbnail is lossy WebP, so colours come back close, not exact. */
function distance(hex: string, [r, g, b]: Rgb): number {
  return Math.max(Math.abs(parseInt(hex.slice(1, 3), 16) - r), Math.abs(parseInt(hex.slice(3, 5), 16) - g), Math.abs(parseInt(hex.slice(5, 7), 16) - b));
}

test('suggests the colours covering most of the picture, and states the palette, from pixels the host decoded', async () => {
  const clip = await importPicture([[[30, 80, 220], 420], [[250, 140, 0], 240], [[255, 255, 255], 60]]);
  expect(clip.thumb).toMatch(/^[0-9a-f]{64}$/);
  const run = start();
  const found = await analyse(run, clip);
  expect(found.tags).toEqual(['blue', 'orange']);
  const palette = found.facts!.palette as string[];
  expect(distance(palette[0]!, [30, 80, 220])).toBeLessThan(12);
  expect(distance(palette[1]!, [250, 140, 0])).toBeLessThan(12);
  expect(found.facts!.dominant).toBe(palette[0]);
  expect(Number.parseInt((found.facts!.shares as string[])[0]!, 10)).toBeGreaterThanOrEqual(50);
  expect(run.served).toEqual(['blobs.readPixels']);
  expect(refusals(run)).toEqual([]);
});

test('a differently coloured picture gives different tags (the answer comes from the pixels)', async () => {
  const run = start();
  const green = await analyse(run, await importPicture([[[40, 160, 60], 300], [[120, 40, 180], 200]]));
  expect(green.tags).toEqual(['green', 'purple']);
  const grey = await analyse(run, await importPicture([[[128, 128, 128], 100]]));
  expect(grey.tags).toEqual(['grey']);
  expect(run.launches()).toBe(1);
});

test('says nothing of a clip without a thumbnail, and asks the host for nothing', async () => {
  const text = await importText(library, 'no picture here');
  if (text.type !== 'imported') throw new Error('not imported');
  const run = start();
  expect(await analyse(run, await libraryAccessOver(library).get(text.id))).toEqual({ tags: [], facts: {} });
  expect(run.served).toEqual([]);
});

test('without blobs:read, the host refuses the pixels and the analysis fails with its code', async () => {
  const clip = await importPicture([[[30, 80, 220], 100]]);
  const run = start([]);
  await expect(analyse(run, clip)).rejects.toMatchObject({ code: 'permission-denied', message: expect.stringContaining('blobs.readPixels needs the "blobs:read" permission') });
  expect(run.served).toEqual([]);
  expect(refusals(run)).toEqual(['blobs.readPixels: blobs.readPixels needs the "blobs:read" permission, which the plugin was not granted']);
});
