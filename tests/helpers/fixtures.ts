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
