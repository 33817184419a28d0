import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/** A small real PNG whose pixels (and so hash) depend on `seed`. */
export async function writePng(dir: string, name: string, seed = 1, size = { width: 64, height: 48 }): Promise<string> {
  const file = path.join(dir, name);
  const background = { r: (seed * 67) % 256, g: (seed * 131) % 256, b: (seed * 29) % 256 };
  await sharp({ create: { ...size, channels: 3, background } }).png().toFile(file);
  return file;
}

export async function writeJpeg(dir: string, name: string, seed = 1): Promise<string> {
  const file = path.join(dir, name);
  const background = { r: (seed * 17) % 256, g: (seed * 91) % 256, b: (seed * 53) % 256 };
  await sharp({ create: { width: 80, height: 60, channels: 3, background } }).jpeg().toFile(file);
  return file;
}

export async function writeText(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

/**
 * A PNG that looks like a screenshot as far as redaction is concerned: fine lines and changing
 * colours everywhere, so a blurred or pixelated region is measurably unlike the original.
 */
export async function writeBusyPng(dir: string, name: string, size = { width: 320, height: 200 }): Promise<string> {
  const file = path.join(dir, name);
  await sharp(busyPixels(size), { raw: { ...size, channels: 3 } }).png().toFile(file);
  return file;
}

export function busyPixels(size: { width: number; height: number }): Buffer {
  const { width, height } = size;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      // Text-like dark strokes ("words" of varying length) on a light, slowly changing background.
      const word = Math.imul((x >> 2) + 1, 2654435761) ^ Math.imul(Math.floor(y / 6) + 1, 40503);
      const ink = y % 6 < 2 && ((word >>> 7) & 7) < 5;
      // Ink varies from pixel to pixel, as anti-aliased glyphs do (it is what makes screenshots large).
      const shade = (Math.imul(x + 1, 73856093) ^ Math.imul(y + 1, 19349663)) >>> 27;
      pixels[at] = ink ? 20 + shade * 3 : 200 + ((x * 7) % 56);
      pixels[at + 1] = ink ? 30 + shade * 2 : 180 + ((y * 5) % 76);
      pixels[at + 2] = ink ? 40 + shade : 220 + (((x + y) * 3) % 36);
    }
  }
  return pixels;
}
