import fs from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMPORT_LIMITS, probeFile, type ProbedFile } from '../../../main/library/import/probe.js';
import { tempDir } from '../../helpers/temp.js';
import { averageColour, inDir, truncateCopy, writeAnimation, writeNoisyImage, writeSolidImage, writeSolidPng, rejectionOf } from './fixtures.js';

type ProbedImage = Extract<ProbedFile, { kind: 'image' }>;

async function probeImage(file: string, limits = DEFAULT_IMPORT_LIMITS): Promise<ProbedImage> {
  const probed = await probeFile(file, limits);
  expect(probed.kind).toBe('image');
  return probed as ProbedImage;
}

describe('probeFile on images', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
  ] as const)('reads a %s image: type, size, and a WebP thumbnail', async (format, mime) => {
    const dir = await tempDir();
    const file = await writeNoisyImage(inDir(dir, `picture.${format === 'jpeg' ? 'jpg' : format}`), format, 200, 150);
    const probed = await probeImage(file);
    expect(probed).toMatchObject({ kind: 'image', mime, width: 200, height: 150, animated: false, capturedAt: null, warnings: [] });
    const thumb = await sharp(probed.thumbnail).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 200, height: 150 });
  });

  it('shrinks the thumbnail so its longest side is 320 px, keeping the aspect ratio', async () => {
    const dir = await tempDir();
    const wide = await probeImage(await writeSolidImage(inDir(dir, 'wide.png'), 'png', 1000, 500));
    expect(await sharp(wide.thumbnail).metadata()).toMatchObject({ format: 'webp', width: 320, height: 160 });
    const tall = await probeImage(await writeSolidImage(inDir(dir, 'tall.jpg'), 'jpeg', 300, 900));
    expect(await sharp(tall.thumbnail).metadata()).toMatchObject({ width: 107, height: 320 });
  });

  it('never enlarges a small image for its thumbnail', async () => {
    const dir = await tempDir();
    const probed = await probeImage(await writeSolidImage(inDir(dir, 'tiny.png'), 'png', 12, 7));
    expect(await sharp(probed.thumbnail).metadata()).toMatchObject({ width: 12, height: 7 });
  });

  it.each(['gif', 'webp'] as const)('marks an animated %s as animated and takes its first frame for the thumbnail', async (format) => {
    const dir = await tempDir();
    const probed = await probeImage(await writeAnimation(inDir(dir, `anim.${format}`), format));
    expect(probed).toMatchObject({ animated: true, width: 40, height: 30 });
    expect(await sharp(probed.thumbnail).metadata()).toMatchObject({ width: 40, height: 30 });
    const [r, g, b] = await averageColour(probed.thumbnail);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(40);
    expect(b).toBeLessThan(40);
  });

  it('applies EXIF orientation to the reported size and the thumbnail', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'rotated.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#208040' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(file);
    const probed = await probeImage(file);
    expect(probed).toMatchObject({ width: 48, height: 64 });
    expect(await sharp(probed.thumbnail).metadata()).toMatchObject({ width: 48, height: 64 });
  });

  it('takes the capture time from EXIF DateTimeOriginal, honouring OffsetTimeOriginal', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'dated.jpg');
    await sharp({ create: { width: 32, height: 32, channels: 3, background: '#888' } })
      .jpeg()
      .withExif({ IFD2: { DateTimeOriginal: '2021:05:06 07:08:09', OffsetTimeOriginal: '+02:00' } })
      .toFile(file);
    expect((await probeImage(file)).capturedAt).toBe(Date.UTC(2021, 4, 6, 5, 8, 9));
  });

  it.each(['png', 'webp', 'jpeg'] as const)('reads an EXIF date without offset in a %s as local time', async (format) => {
    const dir = await tempDir();
    const file = inDir(dir, `dated.${format}`);
    await sharp({ create: { width: 32, height: 32, channels: 3, background: '#888' } })
      .toFormat(format)
      .withExif({ IFD2: { DateTimeOriginal: '2019:12:31 23:30:00' } })
      .toFile(file);
    expect((await probeImage(file)).capturedAt).toBe(new Date(2019, 11, 31, 23, 30, 0).getTime());
  });

  it('falls back to CreateDate when DateTimeOriginal is missing', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'created.jpg');
    await sharp({ create: { width: 32, height: 32, channels: 3, background: '#888' } })
      .jpeg()
      .withExif({ IFD2: { DateTimeDigitized: '2018:02:03 04:05:06', OffsetTimeDigitized: '-05:00' } })
      .toFile(file);
    expect((await probeImage(file)).capturedAt).toBe(Date.UTC(2018, 1, 3, 9, 5, 6));
  });

  it.each([
    ['before 1990', '1980:01:01 00:00:00'],
    ['far in the future', '2999:01:01 00:00:00'],
    ['zeroed', '0000:00:00 00:00:00'],
  ])('ignores an EXIF date that is %s', async (_label, date) => {
    const dir = await tempDir();
    const file = inDir(dir, 'odd-date.jpg');
    await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
      .jpeg()
      .withExif({ IFD2: { DateTimeOriginal: date } })
      .toFile(file);
    expect((await probeImage(file)).capturedAt).toBeNull();
  });

  it.each([
    ['png', 'PNG'],
    ['jpeg', 'JPEG'],
    ['webp', 'WebP'],
    ['gif', 'GIF'],
  ] as const)('rejects a truncated %s as corrupt', async (format, name) => {
    const dir = await tempDir();
    const whole = await writeNoisyImage(inDir(dir, `whole.${format}`), format, 200, 150);
    const size = (await fs.stat(whole)).size;
    const cut = await truncateCopy(whole, inDir(dir, `cut.${format}`), Math.floor(size * 0.6));
    const rejection = await rejectionOf(probeFile(cut));
    expect(rejection.code).toBe('corrupt');
    expect(rejection.message).toBe(`${name} data is truncated or corrupt`);
  });

  it('rejects a decompression bomb from its header, before decoding it', async () => {
    const dir = await tempDir();
    const bomb = await writeSolidPng(inDir(dir, 'bomb.png'), 20_000, 20_000);
    expect((await fs.stat(bomb)).size).toBeLessThan(200_000);
    const started = performance.now();
    const rejection = await rejectionOf(probeFile(bomb));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(rejection.code).toBe('too-many-pixels');
    expect(rejection.message).toBe('image is 20000×20000 pixels, over the 100-megapixel limit');
  });

  it('applies a lower pixel limit from the caller, and accepts an image just under it', async () => {
    const dir = await tempDir();
    const file = await writeSolidImage(inDir(dir, 'small.png'), 'png', 100, 50);
    await expect(probeFile(file, { ...DEFAULT_IMPORT_LIMITS, maxImagePixels: 4_999 })).rejects.toMatchObject({ code: 'too-many-pixels' });
    expect((await probeImage(file, { ...DEFAULT_IMPORT_LIMITS, maxImagePixels: 5_000 })).width).toBe(100);
  });

  it('imports by real type with a warning when the extension lies, in both directions', async () => {
    const dir = await tempDir();
    const jpegNamedPng = await writeSolidImage(inDir(dir, 'really-a-jpeg.png'), 'jpeg', 30, 20);
    expect(await probeImage(jpegNamedPng)).toMatchObject({ mime: 'image/jpeg', warnings: ['content is a JPEG image but the name ends in .png'] });
    const pngNamedJpg = await writeSolidImage(inDir(dir, 'really-a-png.JPG'), 'png', 30, 20);
    expect(await probeImage(pngNamedJpg)).toMatchObject({ mime: 'image/png', warnings: ['content is a PNG image but the name ends in .jpg'] });
  });

  it('imports an image without an extension by its content, with no warning', async () => {
    const dir = await tempDir();
    const file = await writeSolidImage(inDir(dir, 'screenshot'), 'webp', 30, 20);
    expect(await probeImage(file)).toMatchObject({ mime: 'image/webp', warnings: [] });
  });
});
