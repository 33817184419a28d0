// `node out/tests/bench/index-bench.js [--clips N] [--plain]`: fills a ClipIndex with N synthetic
// clips and prints JSON figures (every key ends in its unit), with the bare FTS5 baseline measured
// in the same run on the same rows and queries.
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClipKind, ClipQuery } from '../../contract/clips.js';
import { ClipIndex, type IndexedClip } from '../../main/index/clip-index.js';
import { measureBareFtsBaseline, type BaselineRow } from './bare-fts-baseline.js';
import { openBenchDatabase, timeSync } from './bench-database.js';
import { cursorAfterPages, measureBrowsing } from './browse-bench.js';
import { peakRssMb, percentile } from './stats.js';
import { createZipfCorpus, type ZipfCorpus } from './zipf-corpus.js';

export interface IndexBenchOptions {
  clips: number;
  seed?: number;
  /** Encrypt the database as the library does (the default). */
  encrypted?: boolean;
}

const SPAN_MS = 3 * 365 * 24 * 3600 * 1000;
const END_MS = Date.UTC(2025, 0, 1);
const FILL_BATCH = 500;
const PAGE_REPEATS = 200;
const SEARCH_QUERIES = 500;
const TAGS = ['work', 'personal', 'receipts', 'ideas', 'travel', 'code', 'design', 'todo'];
const COLLECTIONS = ['inbox', 'projects', 'archive'];

/** Synthetic clips: seven in ten text, a quarter images, some videos; random capture times over three years; a few in the trash. */
export function syntheticClip(i: number, corpus: ZipfCorpus, seed: number): IndexedClip {
  const random = (salt: number) => (hashUint32(seed, i, salt) + 0.5) / 4294967296;
  const kind: ClipKind = i % 20 === 9 ? 'video' : i % 4 === 1 ? 'image' : 'text';
  const text = kind === 'text' ? corpus.clipText(i) : '';
  const contentHash = createHash('sha256').update(`${seed}:${i}`).digest('hex');
  const capturedAt = END_MS - Math.floor(random(1) * SPAN_MS);
  const tags = TAGS.filter((_, t) => random(10 + t) < 0.3 / (t + 1));
  const collections = COLLECTIONS.filter((_, c) => random(20 + c) < 0.1);
  const id = clipId(seed, i);
  return {
    id,
    edited: null,
    shard: hashUint32(seed, i, 99) % 256,
    kind,
    title: corpus.title(i),
    notes: random(2) < 0.05 ? corpus.title(i + 1) : '',
    tags,
    collections,
    capturedAt,
    importedAt: capturedAt + 1000,
    updatedAt: capturedAt + 1000,
    deletedAt: random(3) < 0.02 ? capturedAt + 5000 : null,
    contentHash,
    media: kind === 'text' ? null : { blob: contentHash, mime: kind === 'image' ? 'image/png' : 'video/mp4', size: 1000 + i, width: 640, height: 480, thumb: createHash('sha256').update(contentHash).digest('hex') },
    text,
    sourceName: `clip-${i}.${kind === 'text' ? 'txt' : kind === 'image' ? 'png' : 'mp4'}`,
  };
}

export function runIndexBench({ clips: clipCount, seed = 42, encrypted = true }: IndexBenchOptions): Record<string, number> {
  const corpus = createZipfCorpus({ seed });
  const hexKey = encrypted ? randomBytes(32).toString('hex') : undefined;
  const bench = openBenchDatabase('clipshot-index-bench-', hexKey === undefined ? {} : { hexKey });
  const figures: Record<string, number> = { clips: clipCount };
  const queries = Array.from({ length: SEARCH_QUERIES }, (_, i) => corpus.query(i));
  const rows: BaselineRow[] = [];
  try {
    const index = new ClipIndex(bench.db);
    let fillMs = 0;
    // Generated batch by batch, so that the benchmark's own garbage does not pause the queries.
    for (let start = 0; start < clipCount; start += FILL_BATCH) {
      const batch = Array.from({ length: Math.min(FILL_BATCH, clipCount - start) }, (_, i) => syntheticClip(start + i, corpus, seed));
      for (const clip of batch) rows.push({ title: clip.title, body: `${clip.notes} ${clip.text}`, capturedAt: clip.capturedAt });
      fillMs += timeSync(() => index.upsert(batch));
    }
    figures.fill_ms = Math.round(fillMs);
    figures.fill_clips_per_s = Math.round((clipCount / fillMs) * 1000);

    const measure = (name: string, shapes: ClipQuery[], repeats: number) => {
      for (const shape of shapes) index.query(shape);
      const times = shapes.flatMap((shape) => Array.from({ length: repeats }, () => timeSync(() => index.query(shape))));
      figures[`${name}_p50_ms`] = round(percentile(times, 50));
      figures[`${name}_p99_ms`] = round(percentile(times, 99));
    };
    const middle = END_MS - SPAN_MS / 2;
    const month = { from: middle - SPAN_MS / 36, to: middle };
    measure('first_page', [{ limit: 100 }], PAGE_REPEATS);
    measure('oldest_first_page', [{ limit: 100, sort: 'oldest' }], PAGE_REPEATS);
    measure('filtered_page', [{ kind: 'image' }, { tag: 'work' }, { tag: 'todo' }, { collection: 'archive' }, month, { kind: 'text', ...month }, { hasText: true }], PAGE_REPEATS);
    measure('multi_filter_page', [{ tag: 'todo', kind: 'video' }, { collection: 'archive', tag: 'todo', ...month }, { kind: 'image', hasText: true }, { trash: true, kind: 'image' }], PAGE_REPEATS);
    measure('trash_page', [{ trash: true }], PAGE_REPEATS);
    measure('tenth_page', [{ cursor: cursorAfterPages(index, { limit: 100 }, 9) }], PAGE_REPEATS);

    measure('search', queries.map((text) => ({ text })), 1);
    measure('search_filtered', queries.slice(0, 100).flatMap((text) => [{ text, kind: 'image' as const }, { text, tag: 'work' }, { text, ...month }, { text, trash: true }]), 1);
    measure('prefix_search', queries.slice(0, 200).map((text) => ({ text: `${text.split(' ')[0]!.slice(0, 3)}*` })), 1);
    measureBrowsing(index, queries, figures);

    const sample = Array.from({ length: 1000 }, (_, i) => syntheticClip(Math.floor((i * clipCount) / 1000), corpus, seed));
    figures.get_by_id_p99_ms = round(percentile(sample.map((clip) => timeSync(() => index.get(clip.id))), 99));
    const editTimes = sample.map((clip) => timeSync(() => index.upsert([{ ...clip, tags: [...clip.tags, 'edited'] }])));
    figures.edit_p50_ms = round(percentile(editTimes, 50));
    figures.edit_p99_ms = round(percentile(editTimes, 99));

    figures.optimize_ms = Math.round(timeSync(() => index.optimize()));
    measure('search_after_optimize', queries.map((text) => ({ text })), 1);
    figures.integrity_check_ms = Math.round(timeSync(() => index.checkIntegrity()));
    figures.database_mb = round(bench.sizeBytes() / 1024 / 1024);
  } finally {
    bench.dispose();
  }

  const baseline = measureBareFtsBaseline(rows, queries, hexKey === undefined ? {} : { hexKey });
  figures.baseline_search_p50_ms = round(baseline.search_p50_ms);
  figures.baseline_search_p99_ms = round(baseline.search_p99_ms);
  figures.search_p99_vs_baseline_ratio = round(figures.search_p99_ms! / baseline.search_p99_ms);
  figures.peak_rss_mb = peakRssMb();
  return figures;
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

function clipId(seed: number, i: number): string {
  let id = '';
  for (let c = 0; c < 26; c++) id += BASE32[hashUint32(seed, i, 1000 + c) % 32];
  return id;
}

function hashUint32(seed: number, i: number, salt: number): number {
  let x = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function main(): void {
  const { values } = parseArgs({ options: { clips: { type: 'string', default: '100000' }, plain: { type: 'boolean', default: false } } });
  const clips = Number(values.clips);
  if (!Number.isInteger(clips) || clips < 1000) throw new Error('--clips must be a whole number of at least 1000');
  process.stdout.write(`${JSON.stringify(runIndexBench({ clips, encrypted: !values.plain }), null, 2)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
