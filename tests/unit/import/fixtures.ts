// Real media files for the import tests, generated on the fly with sharp and the bundled ffmpeg.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { expect } from 'vitest';
import { ffmpegPath, ImportRejection } from '../../../main/library/import/probe.js';

const run = promisify(execFile);

/** Deterministic noise, so images do not compress to nothing and truncation hits pixel data. */
export function noisyRaw(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919 + (i >> 7) * 31) % 251;
  return raw;
}

export async function writeNoisyImage(file: string, format: 'png' | 'jpeg' | 'webp' | 'gif', width = 200, height = 150): Promise<string> {
  await sharp(noisyRaw(width, height), { raw: { width, height, channels: 3 } })
    .toFormat(format)
    .toFile(file);
  return file;
}

export async function writeSolidImage(file: string, format: 'png' | 'jpeg' | 'webp' | 'gif', width: number, height: number, colour = '#c03030'): Promise<string> {
  await sharp({ create: { width, height, channels: 3, background: colour } })
    .toFormat(format)
    .toFile(file);
  return file;
}

/** Three solid frames (red, green, blue) joined into an animation. */
export async function writeAnimation(file: string, format: 'gif' | 'webp'): Promise<string> {
  const frames = await Promise.all(['#ff0000', '#00ff00', '#0000ff'].map((colour) => sharp({ create: { width: 40, height: 30, channels: 3, background: colour } }).png().toBuffer()));
  await sharp(frames, { join: { animated: true } })
    .toFormat(format)
    .toFile(file);
  return file;
}

/**
 * A valid single-colour PNG that declares width × height pixels yet stays small on disk: the classic
 * decompression bomb. Written by hand because asking sharp to encode 400 megapixels takes most of a minute.
 */
export async function writeSolidPng(file: string, width: number, height: number): Promise<string> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // 1-bit greyscale, deflate, adaptive filtering, no interlace
  const rowBytes = 1 + Math.ceil(width / 8);
  const pixels = zlib.deflateSync(Buffer.alloc(rowBytes * height), { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await fs.writeFile(file, Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', pixels), pngChunk('IEND', Buffer.alloc(0))]));
  return file;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

export async function ffmpeg(args: string[]): Promise<void> {
  await run(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);
}

const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

export interface VideoOptions {
  size?: string;
  seconds?: number;
  audio?: boolean;
  extra?: string[];
}

export async function writeMp4(file: string, options: VideoOptions = {}): Promise<string> {
  const { size = '320x240', seconds = 2, audio = true, extra = [] } = options;
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25:duration=${seconds}`],
    ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac'] : []),
    ...X264,
    ...extra,
    '-f',
    'mp4',
    file,
  ]);
  return file;
}

export async function writeMov(file: string, options: VideoOptions = {}): Promise<string> {
  const { size = '640x360', seconds = 2, extra = [] } = options;
  await ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25:duration=${seconds}`, ...X264, ...extra, '-f', 'mov', file]);
  return file;
}

export async function writeWebm(file: string, codec: 'libvpx' | 'libvpx-vp9', options: VideoOptions = {}): Promise<string> {
  const { size = '320x240', seconds = 2, audio = true } = options;
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25:duration=${seconds}`],
    ...(audio ? ['-f', 'lavfi', '-i', `sine=duration=${seconds}`, '-c:a', 'libopus'] : []),
    ...['-c:v', codec, '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k'],
    '-f',
    'webm',
    file,
  ]);
  return file;
}

/** A clip that is red for its first `redSeconds`, then blue, to tell which frame became the poster. */
export async function writeRedThenBlueMp4(file: string, redSeconds: number, blueSeconds: number): Promise<string> {
  await ffmpeg([
    ...['-f', 'lavfi', '-i', `color=c=red:size=160x120:rate=25:duration=${redSeconds}`],
    ...['-f', 'lavfi', '-i', `color=c=blue:size=160x120:rate=25:duration=${blueSeconds}`],
    ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]'],
    ...X264,
    file,
  ]);
  return file;
}

export async function writeAudioOnlyMp4(file: string): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', '-f', 'mp4', file]);
  return file;
}

/** The top-level boxes of an MP4/MOV file, in order. */
export async function topLevelBoxes(file: string): Promise<{ type: string; offset: number; size: number }[]> {
  const bytes = await fs.readFile(file);
  const boxes: { type: string; offset: number; size: number }[] = [];
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(offset);
    boxes.push({ type: bytes.toString('latin1', offset + 4, offset + 8), offset, size });
    if (size < 8) break;
    offset += size;
  }
  return boxes;
}

export async function truncateCopy(source: string, target: string, length: number): Promise<string> {
  const bytes = await fs.readFile(source);
  await fs.writeFile(target, bytes.subarray(0, length));
  return target;
}

/** The average colour of an encoded image, as [r, g, b]. */
export async function averageColour(image: Buffer): Promise<[number, number, number]> {
  const { channels } = await sharp(image).stats();
  return [channels[0]!.mean, channels[1]!.mean, channels[2]!.mean].map(Math.round) as [number, number, number];
}

export function inDir(dir: string, name: string): string {
  return path.join(dir, name);
}

/** The ImportRejection a probe fails with (the test fails if it succeeds or fails otherwise). */
export async function rejectionOf(promise: Promise<unknown>): Promise<ImportRejection> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ImportRejection);
  return error as ImportRejection;
}

/**
 * An H.264 MP4 (with an AAC tone unless `audio` is false) at 25 fps whose keyframes fall exactly
 * every `keyframeSeconds` (no scene-cut keyframes in between): where a stream copy can start is known.
 */
export async function writeKeyframedMp4(file: string, options: { seconds?: number; keyframeSeconds?: number; audio?: boolean; size?: string } = {}): Promise<string> {
  const { seconds = 6, keyframeSeconds = 1, audio = true, size = '320x240' } = options;
  const interval = Math.round(keyframeSeconds * 25);
  return writeMp4(file, { seconds, audio, size, extra: ['-x264-params', `keyint=${interval}:min-keyint=${interval}:scenecut=0`] });
}
