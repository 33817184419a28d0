// `npm run bench -- ocr`: our PP-OCR pipeline against Debian's tesseract (5.x, eng) on images
// rendered here with known text (see ocr-corpus.ts). Both are scored with the same reading-order-
// independent error rates (ocr-metrics.ts). Ours runs in a child process (its peak RSS is its
// own); tesseract runs once per image as `tesseract IMAGE stdout` (start-up included, as a caller
// would spawn it), with its default OpenMP threads and with one thread, and once over all images
// in one process (start-up paid once, one thread), all under /usr/bin/time for peak RSS.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { OcrEngineOptions } from '../../main/ai/ocr/engine.js';
import { renderOcrCorpus, type CorpusImage } from './ocr-corpus.js';
import { characterErrors, wordErrors, type ErrorCount } from './ocr-metrics.js';

const run = promisify(execFile);
const TIME = '/usr/bin/time';

interface Transcript {
  readonly lines: readonly string[];
}

export async function benchOcr(): Promise<Record<string, number | string>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-ocr-bench-'));
  try {
    const corpus = await renderOcrCorpus(work);
    const options = benchOptions();
    const ours = await runOurs(corpus, options);
    const tesseractEach = await runTesseractEach(corpus, {});
    // Debian's tesseract runs OpenMP threads; on a busy 2-core machine they cost it more than they gain.
    const tesseractOneThread = await runTesseractEach(corpus, { OMP_THREAD_LIMIT: '1' });
    const tesseractBatch = await runTesseractBatch(corpus, work);
    const score = (transcripts: readonly Transcript[], images = corpus) => scoreAll(images, transcripts);
    const figures: Record<string, number | string> = {
      images: corpus.length,
      known_characters: corpus.reduce((sum, image) => sum + image.lines.join('').length, 0),
      ours_options: JSON.stringify(options),
      ours_cer_percent: score(ours.transcripts).cer,
      tesseract_cer_percent: score(tesseractEach.transcripts).cer,
      ours_wer_percent: score(ours.transcripts).wer,
      tesseract_wer_percent: score(tesseractEach.transcripts).wer,
      ours_ms_per_image: round(mean(ours.ms)),
      tesseract_ms_per_image: round(mean(tesseractEach.ms)),
      tesseract_one_thread_ms_per_image: round(mean(tesseractOneThread.ms)),
      tesseract_one_process_ms_per_image: round(tesseractBatch.totalMs / corpus.length),
      ours_full_screen_ms_per_image: round(mean(corpus.flatMap((image, i) => (image.categories.includes('full-screen') ? [ours.ms[i]!] : [])))),
      tesseract_full_screen_ms_per_image: round(mean(corpus.flatMap((image, i) => (image.categories.includes('full-screen') ? [tesseractEach.ms[i]!] : [])))),
      tesseract_one_thread_full_screen_ms_per_image: round(mean(corpus.flatMap((image, i) => (image.categories.includes('full-screen') ? [tesseractOneThread.ms[i]!] : [])))),
      ours_load_ms: round(ours.loadMs),
      ours_peak_rss_mb: ours.peakRssMb,
      tesseract_peak_rss_mb: tesseractEach.peakRssMb,
      tesseract_one_process_peak_rss_mb: tesseractBatch.peakRssMb,
    };
    for (const category of ['document', 'code', 'ui', 'dark', 'small', 'full-screen']) {
      const picked = corpus.map((image, i) => ({ image, i })).filter(({ image }) => image.categories.includes(category));
      const key = category.replace('-', '_');
      figures[`ours_cer_${key}_percent`] = score(picked.map(({ i }) => ours.transcripts[i]!), picked.map(({ image }) => image)).cer;
      figures[`tesseract_cer_${key}_percent`] = score(picked.map(({ i }) => tesseractEach.transcripts[i]!), picked.map(({ image }) => image)).cer;
    }
    if (process.env.OCR_BENCH_DETAIL) figures.detail = JSON.stringify(corpus.map((image, i) => ({ name: image.name, ours: scoreAll([image], [ours.transcripts[i]!]).cer, tesseract: scoreAll([image], [tesseractEach.transcripts[i]!]).cer, ours_ms: Math.round(ours.ms[i]!) })));
    if (process.env.OCR_BENCH_KEEP) {
      await fs.writeFile(path.join(process.env.OCR_BENCH_KEEP, 'transcripts.json'), JSON.stringify({ corpus, ours: ours.transcripts, tesseract: tesseractEach.transcripts }, null, 1));
      await fs.cp(work, process.env.OCR_BENCH_KEEP, { recursive: true });
    }
    return figures;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The engine's settings under test; OCR_BENCH_OPTIONS (JSON) overrides them for tuning runs. */
function benchOptions(): OcrEngineOptions {
  return JSON.parse(process.env.OCR_BENCH_OPTIONS ?? '{}') as OcrEngineOptions;
}

function scoreAll(images: readonly CorpusImage[], transcripts: readonly Transcript[]): { cer: number; wer: number } {
  const add = (a: ErrorCount, b: ErrorCount) => ({ errors: a.errors + b.errors, total: a.total + b.total });
  let chars: ErrorCount = { errors: 0, total: 0 };
  let words: ErrorCount = { errors: 0, total: 0 };
  images.forEach((image, i) => {
    chars = add(chars, characterErrors(image.lines, transcripts[i]!.lines));
    words = add(words, wordErrors(image.lines, transcripts[i]!.lines));
  });
  return { cer: round((100 * chars.errors) / chars.total), wer: round((100 * words.errors) / words.total) };
}

async function runOurs(corpus: readonly CorpusImage[], options: OcrEngineOptions): Promise<{ transcripts: Transcript[]; ms: number[]; loadMs: number; peakRssMb: number }> {
  const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ocr-bench-child.js');
  // The child is a plain Node process, not one started with the core's heap flags: the analysis
  // worker that will host the engine is its own process too.
  const { stdout } = await run(process.execPath, [child, JSON.stringify(corpus.map((image) => image.file)), JSON.stringify(options)], { maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { load_ms: number; results: { lines: string[]; ms: number }[]; peak_rss_mb: number };
  return { transcripts: parsed.results, ms: parsed.results.map((result) => result.ms), loadMs: parsed.load_ms, peakRssMb: parsed.peak_rss_mb };
}

async function runTesseractEach(corpus: readonly CorpusImage[], env: NodeJS.ProcessEnv): Promise<{ transcripts: Transcript[]; ms: number[]; peakRssMb: number }> {
  const transcripts: Transcript[] = [];
  const ms: number[] = [];
  let peakKb = 0;
  for (const image of corpus) {
    const started = performance.now();
    const { stdout, stderr } = await run(TIME, ['-v', 'tesseract', image.file, 'stdout'], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } });
    ms.push(performance.now() - started);
    transcripts.push({ lines: stdout.split('\n') });
    peakKb = Math.max(peakKb, maxRssKb(stderr));
  }
  return { transcripts, ms, peakRssMb: Math.round(peakKb / 1024) };
}

/** tesseract reads a list of images in one process when given a text file naming them. */
async function runTesseractBatch(corpus: readonly CorpusImage[], work: string): Promise<{ totalMs: number; peakRssMb: number }> {
  const list = path.join(work, 'images.txt');
  await fs.writeFile(list, `${corpus.map((image) => image.file).join('\n')}\n`);
  const started = performance.now();
  const { stderr } = await run(TIME, ['-v', 'tesseract', list, 'stdout'], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
  return { totalMs: performance.now() - started, peakRssMb: Math.round(maxRssKb(stderr) / 1024) };
}

function maxRssKb(timeOutput: string): number {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeOutput);
  if (!match) throw new Error(`/usr/bin/time -v printed no peak RSS: ${timeOutput.slice(-500)}`);
  return Number(match[1]);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
