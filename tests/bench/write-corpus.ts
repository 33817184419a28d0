// Child process of the library benchmark: writes the synthetic clips to import (text files and
// small PNGs, with file times spread over `spanMs`) and the same rows for the bare baseline.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { BaselineRow } from './bare-fts-baseline.js';
import { createBenchCorpus } from './bench-corpus.js';

const IMAGE_EVERY = 10;

async function main(): Promise<void> {
  const [work, clipsArgument, startArgument, spanArgument] = process.argv.slice(2);
  const clipCount = Number(clipsArgument);
  const start = Number(startArgument);
  const spanMs = Number(spanArgument);
  const corpus = createBenchCorpus();
  const inbox = path.join(work!, 'inbox');
  const rows: BaselineRow[] = [];
  for (let i = 0; i < clipCount; i++) {
    const folder = path.join(inbox, String(Math.floor(i / 1000)));
    if (i % 1000 === 0) await fs.mkdir(folder, { recursive: true });
    const capturedAt = start + Math.floor((i / clipCount) * spanMs) + (i % 997) * 1000;
    const name = `${corpus.title(i).replace(/[^a-z0-9]+/gi, '-')}-${i}`;
    let file: string;
    if (i % IMAGE_EVERY === 0) {
      file = path.join(folder, `${name}.png`);
      await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: (i >> 16) % 256 } } }).png().toFile(file);
      rows.push({ title: name, body: '', capturedAt });
    } else {
      file = path.join(folder, `${name}.txt`);
      const body = corpus.clipText(i);
      await fs.writeFile(file, body);
      rows.push({ title: name, body, capturedAt });
    }
    const seconds = capturedAt / 1000;
    await fs.utimes(file, seconds, seconds);
  }
  await fs.writeFile(path.join(work!, 'rows.json'), JSON.stringify(rows));
  process.stdout.write(JSON.stringify({ inbox, rows: path.join(work!, 'rows.json') }));
}

await main();
