// Inside the analysis worker: one clip in, what the local models find out.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AnalysisImage, FrameRecognition, SuggestedTag } from '../../../contract/analysis.js';
import type { OcrEngine } from '../ocr/engine.js';
import type { ClipTagger } from '../tagging/clip-tagger.js';
import type { AnalysisTask, TaskModels, WorkerResult } from './worker-protocol.js';

/** Larger pictures are scaled down before analysis: OCR caps its own input, and tagging needs far less. */
const MAX_DECODED_PIXELS = 40_000_000;

const engines = new Map<string, Promise<OcrEngine>>();
const taggers = new Map<string, Promise<ClipTagger>>();

export async function analyseTask(task: AnalysisTask, signal: AbortSignal): Promise<WorkerResult> {
  switch (task.kind) {
    case 'image':
      return analyseImage(task, signal);
    case 'video':
      return analyseVideo(task, signal);
    case 'text':
      return { recognition: null, frames: [], tags: await textAndMetadataTags(task, task.text, null) };
  }
}

async function analyseImage(task: AnalysisTask, signal: AbortSignal): Promise<WorkerResult> {
  const image = await decodeImage(task.bytes, task.mime);
  signal.throwIfAborted();
  const recognition = task.models.ocr ? await (await ocrEngine(task.models)).recognise(image, signal) : null;
  signal.throwIfAborted();
  const tags: SuggestedTag[] = [];
  if (task.models.clip) tags.push(...(await (await clipTagger(task.models)).tag(image, signal)));
  tags.push(...(await textAndMetadataTags(task, recognition?.text ?? '', image)));
  return { recognition, frames: [], tags };
}

async function analyseVideo(task: AnalysisTask, signal: AbortSignal): Promise<WorkerResult> {
  if (!task.models.ocr) return { recognition: null, frames: [], tags: await textAndMetadataTags(task, '', null) };
  const engine = await ocrEngine(task.models);
  // ffmpeg seeks in a file, not in a pipe (an MP4's index may sit at its end): the video goes to a
  // file only this process can read, overwritten and removed as soon as the frames are read.
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-analysis-'));
  const file = path.join(folder, 'video');
  try {
    await fs.writeFile(file, task.bytes, { mode: 0o600 });
    const { recogniseVideoFrames } = await import('../ocr/video-frames.js');
    const frames: FrameRecognition[] = await recogniseVideoFrames(file, engine, { signal });
    const text = frames.map((frame) => frame.text).join('\n');
    return { recognition: null, frames, tags: await textAndMetadataTags(task, text, null) };
  } finally {
    await wipe(file);
    await fs.rm(folder, { recursive: true, force: true });
  }
}

async function textAndMetadataTags(task: AnalysisTask, text: string, image: AnalysisImage | null): Promise<SuggestedTag[]> {
  const { textTags } = await import('../tagging/text-tags.js');
  return textTags({ recognisedText: text, kind: task.kind, sourceName: task.sourceName }, image ? { width: image.width, height: image.height } : null);
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

function ocrEngine(models: TaskModels): Promise<OcrEngine> {
  const { dir } = models.ocr!;
  let engine = engines.get(dir);
  if (!engine) {
    engine = import('../ocr/engine.js').then(({ OcrEngine }) => OcrEngine.load({ modelDir: dir, modelVersion: models.ocr!.model.version }));
    engine.catch(() => engines.delete(dir));
    engines.set(dir, engine);
  }
  return engine;
}

function clipTagger(models: TaskModels): Promise<ClipTagger> {
  const { dir, cacheDir, model } = models.clip!;
  let tagger = taggers.get(dir);
  if (!tagger) {
    tagger = import('../tagging/clip-tagger.js').then(({ ClipTagger }) => ClipTagger.load(dir, { cacheDir, model }));
    tagger.catch(() => taggers.delete(dir));
    taggers.set(dir, tagger);
  }
  return tagger;
}

async function wipe(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+').catch(() => null);
  if (!handle) return;
  try {
    const { size } = await handle.stat();
    const zeros = Buffer.alloc(Math.min(size, 1 << 20));
    for (let offset = 0; offset < size; offset += zeros.length) await handle.write(zeros, 0, Math.min(zeros.length, size - offset), offset);
  } finally {
    await handle.close();
  }
}

