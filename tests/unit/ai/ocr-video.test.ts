// Text in sampled video frames: a short video made with the bundled ffmpeg from rendered slides.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OcrEngine } from '../../../main/ai/ocr/engine.js';
import { OcrError } from '../../../main/ai/ocr/ocr-errors.js';
import { recogniseVideoFrames } from '../../../main/ai/ocr/video-frames.js';
import { ffmpegPath } from '../../../main/library/import/ffmpeg.js';
import { renderTextLines } from '../../helpers/ocr-images.js';
import { tempDir } from '../../helpers/temp.js';

// Slides change half-way between samples (at 1.5 s and 3.5 s; samples every second), so a frame
// or two of encoder timing cannot move a change across a sample.
const SLIDES = [
  { text: 'Welcome to the quarterly review', seconds: 1.5 },
  { text: 'Revenue grew by 12 percent', seconds: 2 },
  { text: 'Questions and answers', seconds: 1.5 },
];

let engine: OcrEngine;
let video: string;
let dir: string;

beforeAll(async () => {
  engine = await OcrEngine.load();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-ocr-video-'));
  const inputs: string[] = [];
  for (const [i, slide] of SLIDES.entries()) {
    const { image } = await renderTextLines([slide.text], { fontSize: 32, width: 640, margin: 60 });
    const file = path.join(dir, `slide-${i}.png`);
    await fs.writeFile(file, image.encoded.bytes);
    inputs.push('-framerate', '10', '-loop', '1', '-t', String(slide.seconds), '-i', file);
  }
  video = path.join(dir, 'slides.mp4');
  const scale = SLIDES.map((_, i) => `[${i}:v]scale=640:160,setsar=1[v${i}]`).join(';');
  await promisify(execFile)(ffmpegPath(), [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...inputs],
    ...['-filter_complex', `${scale};${SLIDES.map((_, i) => `[v${i}]`).join('')}concat=n=${SLIDES.length}:v=1:a=0[out]`, '-map', '[out]'],
    ...['-r', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video],
  ]);
});

afterAll(async () => {
  await engine.close();
  await fs.rm(dir, { recursive: true, force: true });
});

test('each new text is listed once, at the time it first appears', async () => {
  const frames = await recogniseVideoFrames(video, engine, { everyMs: 1000 });
  expect(frames.map((frame) => ({ atMs: frame.atMs, text: frame.text }))).toEqual([
    { atMs: 0, text: SLIDES[0]!.text },
    { atMs: 2000, text: SLIDES[1]!.text },
    { atMs: 4000, text: SLIDES[2]!.text },
  ]);
  expect(frames[0]).toMatchObject({ width: 640, height: 160, model: engine.model });
  expect(frames[0]!.lines[0]!.box[1][0]).toBeGreaterThan(frames[0]!.lines[0]!.box[0][0]);
});

test('maxFrames bounds the samples taken', async () => {
  const frames = await recogniseVideoFrames(video, engine, { everyMs: 1000, maxFrames: 3 });
  expect(frames.map((frame) => frame.atMs)).toEqual([0, 2000]);
});

test('an aborted signal stops sampling', async () => {
  const controller = new AbortController();
  controller.abort(new Error('stop sampling'));
  await expect(recogniseVideoFrames(video, engine, { signal: controller.signal })).rejects.toThrow('stop sampling');
});

test('a file that is not a video is refused with a typed error', async () => {
  const notVideo = path.join(await tempDir(), 'notes.mp4');
  await fs.writeFile(notVideo, 'plain text, not a video');
  const error: unknown = await recogniseVideoFrames(notVideo, engine).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(OcrError);
  expect((error as OcrError).code).toBe('video-unreadable');
  await expect(recogniseVideoFrames(video, engine, { everyMs: 0 })).rejects.toThrow(RangeError);
});
