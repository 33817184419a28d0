// Runs our OCR engine over the benchmark's images in a process of its own, so that its peak RSS is
// the engine's alone. Prints JSON: each image's lines and time (PNG decoding included, as
// tesseract's includes reading its file), the load time and the process's peak RSS.
import fs from 'node:fs/promises';
import sharp from 'sharp';
import { OcrEngine, type OcrEngineOptions } from '../../main/ai/ocr/engine.js';
import { peakRssMb } from './stats.js';

async function main(): Promise<void> {
  const [filesJson, optionsJson] = process.argv.slice(2);
  const files = JSON.parse(filesJson ?? '[]') as string[];
  const options = JSON.parse(optionsJson ?? '{}') as OcrEngineOptions;
  const loadStarted = performance.now();
  const engine = await OcrEngine.load(options);
  const loadMs = performance.now() - loadStarted;
  const results: { file: string; lines: string[]; ms: number }[] = [];
  for (const file of files) {
    const started = performance.now();
    const encoded = await fs.readFile(file);
    const { data, info } = await sharp(encoded).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const recognition = await engine.recognise({ width: info.width, height: info.height, rgb: data });
    results.push({ file, lines: recognition.lines.map((line) => line.text), ms: performance.now() - started });
  }
  await engine.close();
  process.stdout.write(JSON.stringify({ load_ms: loadMs, results, peak_rss_mb: peakRssMb() }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
