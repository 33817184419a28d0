// Text in a video: frames sampled at a fixed interval with the bundled ffmpeg (one short seek per
// sample, so memory holds one frame however long the video), each recognised, and runs of frames
// showing the same text kept once, at the time that text first appeared.

import path from 'node:path';
import type { FrameRecognition } from '../../../contract/analysis.js';
import { runFfmpeg } from '../../library/import/ffmpeg.js';
import { ffmpegFailureReason, parseFfmpegInfo } from '../../library/import/ffmpeg-info.js';
import type { OcrEngine } from './engine.js';
import { MAX_PIXELS } from './image-checks.js';
import { OcrError } from './ocr-errors.js';

export interface VideoFrameOptions {
  /** Time between samples; default 1000 ms. */
  readonly everyMs?: number;
  /** At most this many samples; default 120. */
  readonly maxFrames?: number;
  readonly signal?: AbortSignal;
  /** Per ffmpeg run; default 30 s. */
  readonly ffmpegTimeoutMs?: number;
}

/**
 * Recognised text of sampled frames, in time order; a frame is listed only when its text differs
 * from the frame before it, and frames without text are left out. `input` is a file path or a URL
 * ffmpeg reads (such as the loopback URL of a stored blob).
 */
export async function recogniseVideoFrames(input: string, engine: OcrEngine, options: VideoFrameOptions = {}): Promise<FrameRecognition[]> {
  const everyMs = options.everyMs ?? 1000;
  const maxFrames = options.maxFrames ?? 120;
  const timeoutMs = options.ffmpegTimeoutMs ?? 30_000;
  const { signal } = options;
  if (!(everyMs > 0) || !Number.isInteger(maxFrames) || maxFrames < 1) throw new RangeError('everyMs must be positive and maxFrames a whole number of at least 1');
  // The file: protocol keeps a name like 'concat:a|b' from being read as an ffmpeg protocol.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `file:${path.resolve(input)}`;

  const probe = await runFfmpeg(['-i', url], { timeoutMs, signal });
  const info = parseFfmpegInfo(probe.stderr, url);
  if (!info) throw new OcrError('video-unreadable', `the video cannot be read: ${ffmpegFailureReason(probe.stderr, url)}`);
  if (!info.video) throw new OcrError('video-unreadable', 'the file has no video stream');
  const { width, height, index } = info.video;
  if (width * height > MAX_PIXELS) throw new OcrError('video-unreadable', `the video's frames are ${width}×${height}, larger than recognition reads`);

  const frames: FrameRecognition[] = [];
  let previousPixels: Buffer | null = null;
  let previousText: string | null = null;
  for (let sample = 0; sample < maxFrames; sample++) {
    const atMs = sample * everyMs;
    if (info.durationMs !== null && atMs >= info.durationMs && sample > 0) break;
    signal?.throwIfAborted();
    const pixels = await frameAt(url, index, atMs, width, height, timeoutMs, signal);
    if (!pixels) break;
    // Screen recordings hold still for seconds: an unchanged frame has unchanged text.
    if (previousPixels?.equals(pixels)) continue;
    previousPixels = pixels;
    const recognition = await engine.recognise({ width, height, rgb: pixels }, signal);
    if (recognition.text === previousText) continue;
    previousText = recognition.text;
    if (recognition.lines.length > 0) frames.push({ ...recognition, atMs });
  }
  return frames;
}

/** The frame shown at `atMs` as packed RGB, or null past the end of the video. */
async function frameAt(url: string, streamIndex: number, atMs: number, width: number, height: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<Buffer | null> {
  const bytes = width * height * 3;
  const run = await runFfmpeg(
    [
      ...['-v', 'error', '-ss', (atMs / 1000).toFixed(3), '-i', url, '-map', `0:${streamIndex}`, '-frames:v', '1'],
      // Scaled to the size the probe reported (rotation applied, anamorphic pixels squared), so the byte count is known.
      ...['-vf', `scale=${width}:${height},setsar=1`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ],
    { timeoutMs, maxStdoutBytes: bytes, signal },
  );
  if (run.timedOut) throw new OcrError('video-unreadable', `ffmpeg took longer than ${timeoutMs} ms to read a frame at ${atMs} ms`);
  if (run.stdout.length === 0) return null;
  if (run.stdout.length !== bytes) throw new OcrError('video-unreadable', `ffmpeg gave ${run.stdout.length} bytes for a ${width}×${height} frame at ${atMs} ms`);
  return run.stdout;
}
