import sharp from 'sharp';
import type { ClipView } from '../../../contract/clips.js';
import { LibraryError } from '../errors.js';
import { runFfmpeg } from '../import/ffmpeg.js';
import type { Library } from '../library.js';
import { videoKeyframes } from './keyframes.js';
import { Limiter } from './limiter.js';
import { PromiseCache } from './promise-cache.js';
import { withVideoSource, type VideoSource } from './video-source.js';

export interface FrameStrip {
  bytes: Buffer;
  mime: 'image/webp' | 'image/jpeg';
  /** Each frame's width; the strip is count × frameWidth wide. */
  frameWidth: number;
}

/** WebP cannot be wider than this; JPEG can go to 65535. */
const WEBP_MAX_SIDE = 16383;
const JPEG_MAX_SIDE = 65535;
const FRAME_TIMEOUT_MS = 15_000;
/** Frames decoded at once, whatever the number of strips asked for: the machine has other work. */
const frameDecoders = new Limiter(2);
const strips = new PromiseCache<FrameStrip>(24);

/** How wide a strip of `count` frames of `height` pixels would be, and whether it can be made. */
export function stripWidth(video: { width: number; height: number }, count: number, height: number): { frameWidth: number; width: number } {
  const frameWidth = Math.max(1, Math.round((height * video.width) / video.height));
  return { frameWidth, width: frameWidth * count };
}

/**
 * The moments the strip shows, one in each of `count` equal parts of the video: the keyframe
 * nearest the part's middle when the part has one (decoding it takes one frame, where any other
 * moment takes every frame since the keyframe before it), else the middle itself.
 */
export function stripTimes(durationMs: number, count: number, frameMs: number, keyframesMs: readonly number[] = []): number[] {
  const last = Math.max(0, durationMs - frameMs);
  const part = durationMs / count;
  return Array.from({ length: count }, (_, i) => {
    const middle = (i + 0.5) * part;
    let best: number | null = null;
    for (const keyframe of keyframesMs) {
      if (keyframe >= i * part && keyframe < (i + 1) * part && (best === null || Math.abs(keyframe - middle) < Math.abs(best - middle))) best = keyframe;
    }
    return Math.min(last, best ?? middle);
  });
}

/**
 * `count` evenly spaced frames of a video side by side, each `height` pixels high: a timeline's
 * filmstrip. Each frame is its own short ffmpeg seek (two at a time in all), so a long video costs no
 * more than a short one; a frame that does not decode stays dark. Remembered per original.
 */
export async function videoFrameStrip(library: Library, clip: ClipView, count: number, height: number): Promise<FrameStrip> {
  const hash = clip.media?.blob;
  if (clip.kind !== 'video' || !hash) throw new LibraryError('frames can only be taken from a video clip', 'unsupported');
  if (clip.media?.width && clip.media.height) assertStripFits(stripWidth({ width: clip.media.width, height: clip.media.height }, count, height).width, count);
  return strips.get(`${hash}:${count}:${height}`, () => withVideoSource(library, clip, (source) => makeStrip(source, count, height)));
}

function assertStripFits(width: number, count: number): void {
  if (width > JPEG_MAX_SIDE) throw new LibraryError(`${count} frames that high make a strip ${width} pixels wide, more than ${JPEG_MAX_SIDE}; ask for fewer or lower frames`, 'bad-request');
}

async function makeStrip(source: VideoSource, count: number, height: number): Promise<FrameStrip> {
  const { facts } = source;
  const { frameWidth, width } = stripWidth(facts.video, count, height);
  assertStripFits(width, count);
  const times = stripTimes(facts.durationMs, count, facts.frameMs, await videoKeyframes(source));
  const frames = await Promise.all(times.map((atMs) => frameDecoders.run(() => frameAt(source, atMs, frameWidth, height))));
  if (frames.every((frame) => frame === null)) throw new LibraryError('no frame of the video could be decoded', 'video-failed');
  const canvas = sharp({ create: { width, height, channels: 3, background: '#000000' } }).composite(
    frames.flatMap((frame, index) => (frame ? [{ input: frame, raw: { width: frameWidth, height, channels: 3 as const }, left: index * frameWidth, top: 0 }] : [])),
  );
  if (width <= WEBP_MAX_SIDE) return { bytes: await canvas.webp({ quality: 70, effort: 2 }).toBuffer(), mime: 'image/webp', frameWidth };
  return { bytes: await canvas.jpeg({ quality: 75 }).toBuffer(), mime: 'image/jpeg', frameWidth };
}

/** One frame as raw RGB, exactly width × height (the display aspect is kept by the strip's frame width). */
async function frameAt(source: VideoSource, atMs: number, width: number, height: number): Promise<Buffer | null> {
  const run = await runFfmpeg(
    ['-v', 'error', '-ss', (atMs / 1000).toFixed(3), '-i', source.url, '-map', `0:${source.facts.video.index}`, '-frames:v', '1', '-vf', `scale=${width}:${height},setsar=1`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { timeoutMs: FRAME_TIMEOUT_MS, maxStdoutBytes: width * height * 3 },
  );
  const expected = width * height * 3;
  return run.stdout.length === expected && !run.timedOut ? run.stdout : null;
}
