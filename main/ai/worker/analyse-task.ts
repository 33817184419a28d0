// Inside the analysis worker: one clip in, what the local models find out.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AnalysisImage, FrameRecognition } from '../../../contract/analysis.js';
import type { TagContext } from '../ai-provider.js';
import { localProvider, type LocalProvider } from './local-provider.js';
import type { AnalysisTask, WorkerResult } from './worker-protocol.js';
import { wipeFolder } from '../../security/wipe.js';

/** Larger pictures are scaled down before analysis: OCR caps its own input, and tagging needs far less. */
const MAX_DECODED_PIXELS = 40_000_000;

export async function analyseTask(task: AnalysisTask, signal: AbortSignal): Promise<WorkerResult> {
  const local = localProvider(task.models);
  switch (task.kind) {
    case 'image':
      return analyseImage(task, local, signal);
    case 'video':
      return analyseVideo(task, local, signal);
    case 'text':
      return { recognition: null, frames: [], tags: await local.tag!(NO_PICTURE, contextOf(task, task.text), signal) };
  }
}

async function analyseImage(task: AnalysisTask, local: LocalProvider, signal: AbortSignal): Promise<WorkerResult> {
  const image = await decodeImage(task.bytes, task.mime);
  signal.throwIfAborted();
  const recognition = local.capabilities.has('recognise-text') ? await local.recogniseText!(image, signal) : null;
  signal.throwIfAborted();
  const tags = await local.tag!(image, contextOf(task, recognition?.text ?? ''), signal);
  return { recognition, frames: [], tags };
}

async function analyseVideo(task: AnalysisTask, local: LocalProvider, signal: AbortSignal): Promise<WorkerResult> {
  const engine = local.ocrEngine();
  if (!engine) return { recognition: null, frames: [], tags: await local.tag!(NO_PICTURE, contextOf(task, ''), signal) };
  // ffmpeg seeks in a file, not in a pipe (an MP4's index may sit at its end): the video goes to a
  // file only this process can read, overwritten and removed as soon as the frames are read.
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-analysis-'));
  const file = path.join(folder, 'video');
  try {
    await fs.writeFile(file, task.bytes, { mode: 0o600 });
    const { recogniseVideoFrames } = await import('../ocr/video-frames.js');
    const frames: FrameRecognition[] = await recogniseVideoFrames(file, await engine, { signal });
    const text = frames.map((frame) => frame.text).join('\n');
    return { recognition: null, frames, tags: await local.tag!(NO_PICTURE, contextOf(task, text), signal) };
  } finally {
    await wipeFolder(folder);
  }
}

/** A clip without a picture to look at (text, video): tags come from its text alone. */
const NO_PICTURE: AnalysisImage = { width: 0, height: 0, rgb: new Uint8Array(0), encoded: { bytes: new Uint8Array(0), mime: 'image/png' } };

function contextOf(task: AnalysisTask, text: string): TagContext {
  return { recognisedText: text, kind: task.kind, sourceName: task.sourceName };
}

async function decodeImage(bytes: Uint8Array, mime: string): Promise<AnalysisImage> {
  const { default: sharp } = await import('sharp');
  const source = sharp(bytes, { autoOrient: true, limitInputPixels: MAX_DECODED_PIXELS * 4 });
  const metadata = await source.metadata().catch(() => {
    throw new Error(`the picture (${mime}) cannot be decoded`);
  });
  const width = metadata.autoOrient.width;
  const height = metadata.autoOrient.height;
  const scale = Math.min(1, Math.sqrt(MAX_DECODED_PIXELS / (width * height)));
  const resized = scale < 1 ? source.resize(Math.round(width * scale), Math.round(height * scale)) : source;
  // Transparent screenshots (window shadows) read as text on white, as they are seen.
  const { data, info } = await resized.flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const encoded = mime === 'image/png' || mime === 'image/jpeg' ? { bytes, mime } : { bytes: await sharp(bytes, { autoOrient: true }).png().toBuffer(), mime: 'image/png' as const };
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), encoded: encoded as AnalysisImage['encoded'] };
}


