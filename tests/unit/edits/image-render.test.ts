// Rendering an edited image clip in the core, checked by its pixels: annotations land where they
// were drawn, redactions hide what they cover (a solid box completely), crop and rotation give
// the right picture, and bad input renders what it can instead of failing.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../contract/api.js';
import { detailChangeMessage, type ClipDetailDoc } from '../../../contract/clip-details.js';
import { toAnnotationDoc, type Annotation } from '../../../contract/edits/annotations.js';
import { effectLayout } from '../../../contract/edits/effect-layout.js';
import { imageGeometry, outputToImage } from '../../../contract/edits/image-geometry.js';
import { openClipMedia } from '../../../main/api/media.js';
import { exportRendered } from '../../../main/library/export/export-rendered.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import { Library } from '../../../main/library/library.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { renderEditedImage } from '../../../main/library/render/image-render.js';
import { annotation } from '../../helpers/annotations.js';
import { busyPixels } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';

const SIZE = { width: 320, height: 200 };
let library: Library;
let work: string;
let original: Buffer;

beforeAll(async () => {
  // Not tempDir(): that one is emptied after each test, and this library serves the whole file.
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-render-'));
  library = await Library.create(path.join(work, 'library'), { secretStore: new MemorySecretStore() });
  original = busyPixels(SIZE);
});

afterAll(async () => {
  await library.close();
  await fs.rm(work, { recursive: true, force: true });
});

let imported = 0;
/** A fresh image clip (each test edits its own): the busy picture, or the given file. */
async function imageClip(file?: string): Promise<string> {
  imported++;
  // A different pixel in the corner makes each file distinct (duplicates are skipped on import).
  const source = file ?? (await writeDistinctBusyPng(`busy-${imported}.png`, imported));
  const report = await importFiles(library, [source]);
  const id = report.imported[0]?.id;
  if (!id) throw new Error(`not imported: ${JSON.stringify(report.failed)}`);
  return id;
}

async function writeDistinctBusyPng(name: string, seed: number): Promise<string> {
  const pixels = busyPixels(SIZE);
  pixels[0] = seed % 256;
  const file = path.join(work, name);
  await sharp(pixels, { raw: { ...SIZE, channels: 3 } }).png().toFile(file);
  return file;
}

async function annotate(id: string, annotations: Annotation[], extra?: (doc: ClipDetailDoc) => void): Promise<void> {
  await library.changeDetails(id, detailChangeMessage('annotate', id), (doc) => {
    for (const item of annotations) doc.image.annotations[item.id] = toAnnotationDoc(item);
    extra?.(doc);
  });
}

interface Pixels {
  width: number;
  height: number;
  channels: number;
  at(x: number, y: number): number[];
}

async function decode(bytes: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    at: (x, y) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + info.channels)],
  };
}

const originalAt = (x: number, y: number): number[] => [...original.subarray((y * SIZE.width + x) * 3, (y * SIZE.width + x) * 3 + 3)];

function eachPixel(region: { x: number; y: number; w: number; h: number }, visit: (x: number, y: number) => void): void {
  for (let y = region.y; y < region.y + region.h; y++) for (let x = region.x; x < region.x + region.w; x++) visit(x, y);
}

/** Mean absolute difference from the original over a region, per channel value. */
function differenceFromOriginal(pixels: Pixels, region: { x: number; y: number; w: number; h: number }): number {
  let total = 0;
  let count = 0;
  eachPixel(region, (x, y) => {
    const a = pixels.at(x, y);
    const b = originalAt(x, y);
    for (let c = 0; c < 3; c++) total += Math.abs(a[c]! - b[c]!);
    count += 3;
  });
  return total / count;
}

describe('rendering an edited image', () => {
  it('an unedited clip renders as its original picture, pixel for pixel, without alpha', async () => {
    const id = await imageClip();
    const rendered = await renderEditedImage(library, id, 'png');
    const pixels = await decode(rendered.bytes);
    expect([pixels.width, pixels.height, pixels.channels]).toEqual([320, 200, 3]);
    expect(differenceFromOriginal(pixels, { x: 0, y: 1, w: 320, h: 199 })).toBe(0);
  });

  it('draws the arrow where it was drawn, and nothing elsewhere', async () => {
    const id = await imageClip();
    await annotate(id, [annotation('arrow', { x1: 40, y1: 100, x2: 260, y2: 100, width: 6, color: '#ff0000' })]);
    const pixels = await decode((await renderEditedImage(library, id)).bytes);
    for (const x of [60, 120, 200, 250]) expect(pixels.at(x, 100)).toEqual([255, 0, 0]);
    expect(pixels.at(150, 150)).toEqual(originalAt(150, 150));
    expect(differenceFromOriginal(pixels, { x: 0, y: 130, w: 320, h: 70 })).toBe(0);
  });

  it('blur and pixelate change every part of their region, and only their region', async () => {
    const id = await imageClip();
    const blurRegion = { x: 20, y: 20, w: 100, h: 60 };
    const pixelRegion = { x: 180, y: 100, w: 120, h: 80 };
    await annotate(id, [annotation('blur', { ...blurRegion, strength: 8 }), annotation('pixelate', { ...pixelRegion, strength: 10 })]);
    const pixels = await decode((await renderEditedImage(library, id)).bytes);
    expect(differenceFromOriginal(pixels, blurRegion)).toBeGreaterThan(20);
    expect(differenceFromOriginal(pixels, pixelRegion)).toBeGreaterThan(20);
    // Each 10-pixel block of the pixelated region is one colour.
    eachPixel({ x: 180, y: 100, w: 10, h: 10 }, (x, y) => expect(pixels.at(x, y)).toEqual(pixels.at(180, 100)));
    eachPixel({ x: 290, y: 170, w: 10, h: 10 }, (x, y) => expect(pixels.at(x, y)).toEqual(pixels.at(290, 170)));
    expect(differenceFromOriginal(pixels, { x: 0, y: 185, w: 320, h: 15 })).toBe(0);
    expect(differenceFromOriginal(pixels, { x: 125, y: 0, w: 50, h: 200 })).toBe(0);
  });

  it('a solid box leaves nothing of what was under it: every pixel is the box colour, to its edge', async () => {
    const id = await imageClip();
    const region = { x: 50, y: 40, w: 90, h: 50 };
    // Asked for half transparent: drawn opaque all the same.
    await annotate(id, [annotation('box', { ...region, color: '#10203080' })]);
    const rendered = await renderEditedImage(library, id);
    const pixels = await decode(rendered.bytes);
    eachPixel(region, (x, y) => expect(pixels.at(x, y)).toEqual([0x10, 0x20, 0x30]));
    expect(pixels.at(49, 60)).toEqual(originalAt(49, 60));
    expect(pixels.at(140, 60)).toEqual(originalAt(140, 60));
    // No copy of the original rides along in metadata.
    const metadata = await sharp(rendered.bytes).metadata();
    expect([metadata.exif, metadata.icc, metadata.xmp]).toEqual([undefined, undefined, undefined]);
  });

  it('crops and turns: the output is the crop turned clockwise, its pixels where the geometry says', async () => {
    const id = await imageClip();
    const crop = { x: 10, y: 20, w: 100, h: 50 };
    await annotate(id, [], (doc) => {
      doc.image.crop = crop;
      doc.image.rotation = 90;
    });
    const rendered = await renderEditedImage(library, id);
    expect([rendered.width, rendered.height]).toEqual([50, 100]);
    const pixels = await decode(rendered.bytes);
    expect([pixels.width, pixels.height]).toEqual([50, 100]);
    const geometry = imageGeometry(SIZE, crop, 90);
    for (const [x, y] of [
      [0, 0],
      [49, 0],
      [25, 50],
      [49, 99],
    ] as const) {
      const source = outputToImage({ x: x + 0.5, y: y + 0.5 }, geometry);
      expect(pixels.at(x, y)).toEqual(originalAt(Math.floor(source.x), Math.floor(source.y)));
    }
  });

  it('a highlighter multiplies the picture under it, beneath every other annotation, whatever the rotation', async () => {
    const id = await imageClip();
    // Drawn after the arrow, yet under it: highlights mark the picture itself.
    const arrow = annotation('arrow', { x1: 20, y1: 60, x2: 300, y2: 60, width: 4, color: '#0000ff' });
    const highlight = annotation('highlighter', { x: 10, y: 60, w: 300, h: 0, width: 20, points: '0,0 1,0', color: '#ffe600' });
    await annotate(id, [arrow, highlight], (doc) => {
      doc.image.rotation = 90;
    });
    const pixels = await decode((await renderEditedImage(library, id)).bytes);
    expect([pixels.width, pixels.height]).toEqual([200, 320]);
    // Image (x, y) lands at (199 - y, x) after a clockwise quarter turn of the 320×200 picture.
    const at = (x: number, y: number) => pixels.at(199 - y, x);
    expect(at(150, 60)).toEqual([0, 0, 255]);
    for (const [x, y] of [
      [100, 66],
      [200, 54],
    ] as const) {
      const [r, g] = originalAt(x, y);
      const [R, G, B] = at(x, y);
      expect(Math.abs(R! - r!)).toBeLessThanOrEqual(1);
      expect(Math.abs(G! - Math.round((g! * 230) / 255))).toBeLessThanOrEqual(1);
      expect(B!).toBeLessThanOrEqual(1);
    }
    expect(at(100, 100)).toEqual(originalAt(100, 100));
  });

  it('renders JPEG and WebP too, and a JPEG turned by EXIF as it is shown', async () => {
    const file = path.join(work, 'turned.jpg');
    // Stored 60×40 with EXIF orientation 6: shown 40×60.
    await sharp({ create: { width: 60, height: 40, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(file);
    const id = await imageClip(file);
    await annotate(id, [annotation('box', { x: 0, y: 0, w: 10, h: 10, color: '#000000' })]);
    const jpeg = await renderEditedImage(library, id, 'jpeg');
    const metadata = await sharp(jpeg.bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 40, height: 60 });
    expect([metadata.orientation, metadata.exif]).toEqual([undefined, undefined]);
    const webp = await renderEditedImage(library, id, 'webp');
    expect(await sharp(webp.bytes).metadata()).toMatchObject({ format: 'webp', width: 40, height: 60 });
  });

  it('greyscale and 16-bit originals render as ordinary 8-bit colour pictures', async () => {
    const grey = path.join(work, 'grey.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } }).toColourspace('b-w').png().toFile(grey);
    const deep = path.join(work, 'deep.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#4080c0' } }).toColourspace('rgb16').png().toFile(deep);
    for (const [file, colour] of [
      [grey, [128, 128, 128]],
      [deep, [0x40, 0x80, 0xc0]],
    ] as const) {
      const id = await imageClip(file);
      await annotate(id, [annotation('box', { x: 0, y: 0, w: 10, h: 10, color: '#ff0000' })]);
      const pixels = await decode((await renderEditedImage(library, id)).bytes);
      expect([pixels.width, pixels.height, pixels.channels]).toEqual([40, 30, 3]);
      expect(pixels.at(5, 5)).toEqual([255, 0, 0]);
      expect(pixels.at(20, 20)).toEqual(colour);
    }
  });

  it('a redaction over a transparent image is opaque: nothing of the original shows through', async () => {
    const file = path.join(work, 'transparent.png');
    const rgba = Buffer.alloc(64 * 64 * 4);
    for (let i = 0; i < 64 * 64; i++) rgba.set([(i * 13) % 256, (i * 7) % 256, (i * 3) % 256, 128], i * 4);
    await sharp(rgba, { raw: { width: 64, height: 64, channels: 4 } }).png().toFile(file);
    const id = await imageClip(file);
    await annotate(id, [annotation('pixelate', { x: 8, y: 8, w: 32, h: 32, strength: 8 }), annotation('blur', { x: 40, y: 40, w: 20, h: 20, strength: 6 })]);
    const pixels = await decode((await renderEditedImage(library, id)).bytes);
    expect(pixels.channels).toBe(4);
    eachPixel({ x: 8, y: 8, w: 32, h: 32 }, (x, y) => expect(pixels.at(x, y)[3]).toBe(255));
    eachPixel({ x: 40, y: 40, w: 20, h: 20 }, (x, y) => expect(pixels.at(x, y)[3]).toBe(255));
    expect(pixels.at(2, 2)[3]).toBe(128);
  });
});

describe('bad input renders what it can', () => {
  it("a peer's garbage annotation is left out; a redaction with a readable region is still drawn, as a black box", async () => {
    const id = await imageClip();
    await annotate(id, [annotation('arrow', { x1: 10, y1: 10, x2: 100, y2: 10, width: 4, color: '#00ff00' })], (doc) => {
      const raw = doc.image.annotations as Record<string, unknown>;
      raw.garbage = { id: 'garbage', kind: 'arrow', x1: 'left', z: 'high' };
      raw.hologram = { id: 'hologram', kind: 'hologram', x: 1 };
      raw.newerbox = { id: 'newerbox', kind: 'box', z: 3, x: 200, y: 100, w: 40, h: 30, color: 'red', pattern: 'stripes' };
    });
    const rendered = await renderEditedImage(library, id);
    const pixels = await decode(rendered.bytes);
    expect(pixels.at(50, 10)).toEqual([0, 255, 0]);
    eachPixel({ x: 200, y: 100, w: 40, h: 30 }, (x, y) => expect(pixels.at(x, y)).toEqual([0, 0, 0]));
  });

  it('2000 annotations, zero-size shapes and a crop outside the image: rendered, nothing thrown', async () => {
    const id = await imageClip();
    const empty = [annotation('rect', { x: 5, y: 5, w: 0, h: 0, width: 3, fill: null }), annotation('arrow', { x1: 1, y1: 1, x2: 1, y2: 1, width: 3 })];
    const many = Array.from({ length: 1998 }, (_, i) => annotation('line', { x1: i % 320, y1: 0, x2: (i * 7) % 320, y2: 199, width: 1 }));
    await annotate(id, [...empty, ...many], (doc) => {
      doc.image.crop = { x: 5000, y: 5000, w: 10, h: 10 };
    });
    const rendered = await renderEditedImage(library, id);
    expect([rendered.width, rendered.height]).toEqual([320, 200]);
    expect(rendered.skipped).toEqual(['the crop lies outside the image; shown uncropped', `annotation ${empty[0]!.id}: a shape of no size`, `annotation ${empty[1]!.id}: an arrow of no length`]);
  });

  it('asking to render a text clip as an image, or for its blur, says what is wrong', async () => {
    const event = await importText(library, 'just words');
    if (event.type !== 'imported') throw new Error('not imported');
    await expect(renderEditedImage(library, event.id)).rejects.toThrow(/is not an image clip but a text clip/);
    const failure = await openClipMedia(library, event.id, { variant: 'effect', effect: 'blur', strength: 8 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/made from image clips/) });
  });
});

describe('media and exports', () => {
  async function read(stream: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('the rendered media is the edited picture in the format asked; the effect media is the reduced effect image', async () => {
    const id = await imageClip();
    await annotate(id, [annotation('box', { x: 0, y: 0, w: 20, h: 20, color: '#00ff00' })]);
    const rendered = await openClipMedia(library, id, { variant: 'rendered', format: 'webp' });
    expect(rendered).toMatchObject({ mime: 'image/webp', fileName: expect.stringMatching(/-edited\.webp$/) });
    expect(await sharp(await read(await rendered.open())).metadata()).toMatchObject({ format: 'webp', width: 320, height: 200 });

    const effect = await openClipMedia(library, id, { variant: 'effect', effect: 'pixelate', strength: 10 });
    expect(effect.mime).toBe('image/png');
    const layout = effectLayout('pixelate', 10, SIZE);
    expect(await sharp(await read(await effect.open())).metadata()).toMatchObject({ width: layout.pixels.width, height: layout.pixels.height, hasAlpha: false });
  });

  it('export writes the original when nothing is edited and the rendering once something is, atomically', async () => {
    const id = await imageClip();
    const out = await tempDir();
    const plain = await exportRendered(library, id, path.join(out, 'plain.png'));
    expect(Buffer.compare(await fs.readFile(plain.path), await library.blobs.readAll(library.get(id).media!.blob))).toBe(0);

    await annotate(id, [annotation('box', { x: 0, y: 0, w: 30, h: 30, color: '#0000ff' })]);
    await library.settleEdits();
    const edited = await exportRendered(library, id, path.join(out, 'edited.jpg'));
    expect(edited.format).toBe('jpeg');
    const pixels = await decode(await fs.readFile(edited.path));
    // JPEG is lossy: the box is blue within a small tolerance.
    const [r, g, b] = pixels.at(10, 10);
    expect(r!).toBeLessThan(10);
    expect(g!).toBeLessThan(10);
    expect(b!).toBeGreaterThan(245);
    expect((await fs.readdir(out)).sort()).toEqual(['edited.jpg', 'plain.png']);
  });

  it('the edited thumbnail has the box burned in, and the clip records the edited size', async () => {
    const id = await imageClip();
    await annotate(id, [annotation('box', { x: 0, y: 0, w: 160, h: 100, color: '#ff00ff' })], (doc) => {
      doc.image.rotation = 270;
    });
    await library.settleEdits();
    const edited = library.get(id).edited!;
    expect(edited).toMatchObject({ width: 200, height: 320, summary: '1 annotation, rotated 270°' });
    expect(edited.thumb).toMatch(/^[0-9a-f]{64}$/);
    expect(edited.thumb).not.toBe(library.get(id).media!.thumb);
    const thumb = await decode(await library.blobs.readAll(edited.thumb!));
    // 200×320 shrinks to 200×320 (within 320); turned a quarter anticlockwise, the top-left box sits bottom-left.
    expect([thumb.width, thumb.height]).toEqual([200, 320]);
    const [r, g, b] = thumb.at(40, 280);
    expect(r!).toBeGreaterThan(235);
    expect(g!).toBeLessThan(20);
    expect(b!).toBeGreaterThan(235);
    const served = await openClipMedia(library, id, { variant: 'thumbnail' });
    expect(Buffer.compare(await read(await served.open()), await library.blobs.readAll(edited.thumb!))).toBe(0);
  });
});
