// Not a test: prints write and read throughput of the blob store for a 50 MB file.
// Run: npx tsc -p tsconfig.json; node out/tests/unit/blobs/measure-throughput.js (other files' type errors do not stop the emit)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlobStore } from '../../../main/library/blobs/blob-store.js';

const MB = 1024 * 1024;
const SIZE = 50 * MB;
const ROUNDS = 5;

// Wall time, and this process's CPU time: other work on a shared machine inflates the first only.
const cpuSeconds: number[] = [];

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  cpuSeconds.push((used.user + used.system) / 1e6);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-blob-bench-'));
  try {
    const source = path.join(work, 'source.bin');
    await fs.writeFile(source, randomBytes(SIZE));
    const figures: Record<string, number[]> = { put_file: [], put_file_cpu: [], read_all: [], read_stream: [], read_stream_cpu: [], check: [], export: [], range_1mb_ms: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const store = new BlobStore(path.join(work, `blobs-${round}`), { contentKey: randomBytes(32), nameKey: randomBytes(32) });
      let hash = '';
      figures.put_file!.push(SIZE / MB / (await time(async () => (hash = (await store.putFile(source)).hash))));
      figures.put_file_cpu!.push(SIZE / MB / cpuSeconds.at(-1)!);
      figures.read_all!.push(SIZE / MB / (await time(() => store.readAll(hash))));
      figures.read_stream!.push(SIZE / MB / (await time(async () => {
        for await (const part of await store.createReadStream(hash)) void part;
      })));
      figures.read_stream_cpu!.push(SIZE / MB / cpuSeconds.at(-1)!);
      figures.check!.push(SIZE / MB / (await time(() => store.check(hash))));
      figures.export!.push(SIZE / MB / (await time(() => store.exportTo(hash, path.join(work, `out-${round}.bin`)))));
      figures.range_1mb_ms!.push(1000 * (await time(async () => {
        for await (const part of await store.createReadStream(hash, { start: 30 * MB + 12345, end: 31 * MB + 12344 })) void part;
      })));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(JSON.stringify(Object.fromEntries(Object.entries(figures).map(([key, values]) => [key.endsWith('_ms') ? key : `${key}_mb_per_s`, Math.round(median(values))])), null, 1));
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
