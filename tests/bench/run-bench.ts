// `npm run bench -- library [--clips N]` (and `ui`, `timeline`, `video`, `export`, `sync`, `ocr`, `plugins`: see ui-bench.ts, timeline-bench.ts, video-bench.ts, export-bench.ts, sync-bench.ts, ocr-bench.ts, plugin-bench.ts): builds a library of N synthetic clips through the real
// import pipeline and prints JSON figures (every key ends in its unit), with a bare FTS5 baseline
// measured in the same run. The corpus is made and the baseline measured in child processes,
// so the peak RSS reported is the library's own.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClipQuery } from '../../contract/clips.js';
import { relaunchWithCoreFlags } from '../../main/cli/core-process.js';
import { importFiles } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { changeClipTags } from '../../main/library/operations/clip-edits.js';
import { reindexLibrary } from '../../main/library/operations/reindex.js';
import { runBenchChild } from './bench-child.js';
import { benchTimeline } from './timeline-bench.js';
import { benchExport } from './export-bench.js';
import { benchSync } from './sync-bench.js';
import { benchUi } from './ui-bench.js';
import { benchVideo } from './video-bench.js';
import { benchOcr } from './ocr-bench.js';
import { benchAnalysisLag } from './analysis-lag-bench.js';
import { benchPlugins } from './plugin-bench.js';
import { benchQueries } from './bench-corpus.js';
import { peakRssMb, percentile, timeMs } from './stats.js';

export const BENCH_PASSPHRASE = 'benchmark passphrase';
// The bench library uses a cheap KDF so that "open" measures the library, not scrypt; the
// production cost is measured on its own (unlock_production_kdf_ms).
export const BENCH_SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };
const PAGE_REPEATS = 200;
const TAGGED_CLIPS = 500;

async function benchLibrary(clipCount: number): Promise<Record<string, number | string>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-bench-'));
  try {
    const spanMs = 3 * 365 * 24 * 3600 * 1000;
    const start = Date.now() - spanMs;
    const files = runBenchChild<{ inbox: string; rows: string }>('write-corpus.js', [work, String(clipCount), String(start), String(spanMs)]);
    const inbox = files.inbox;

    const dir = path.join(work, 'library');
    let library = await Library.create(dir, { passphrase: BENCH_PASSPHRASE, scryptCost: BENCH_SCRYPT_COST });
    const peakRssBeforeImport = peakRssMb();
    const importStarted = performance.now();
    const report = await importFiles(library, [inbox]);
    const importMs = performance.now() - importStarted;
    const peakRssAfterImport = peakRssMb();
    if (report.imported.length !== clipCount) throw new Error(`imported ${report.imported.length} of ${clipCount}: ${JSON.stringify(report.failed.slice(0, 3))}`);

    const ids = report.imported.map((event) => event.id);
    const editTimes: number[] = [];
    for (let i = 0; i < TAGGED_CLIPS; i++) {
      const id = ids[Math.floor((i * ids.length) / TAGGED_CLIPS)]!;
      editTimes.push(await timeMs(() => changeClipTags(library, id, { add: ['work'] })));
    }
    await library.close();
    const peakRssAfterEdits = peakRssMb();

    const cold = coldOpen(dir);
    library = await Library.open(dir, { method: 'passphrase', passphrase: BENCH_PASSPHRASE });

    const pageTimes = (query: ClipQuery) => repeat(PAGE_REPEATS, () => library.query(query));
    const firstPage = pageTimes({ limit: 100 });
    const mid = start + spanMs / 2;
    const filtered = [
      ...pageTimes({ kind: 'image', limit: 100 }),
      ...pageTimes({ tag: 'work', limit: 100 }),
      ...pageTimes({ from: mid - spanMs / 12, to: mid, limit: 100 }),
      ...pageTimes({ kind: 'text', from: mid - spanMs / 12, to: mid, limit: 100 }),
    ];
    const queries = benchQueries();
    library.query({ text: queries[0]!, limit: 100 });
    const searchTimes = queries.map((text) => timeMsSync(() => library.query({ text, limit: 100 })));
    // What the app's grid and sidebar ask for: other orders, a jump to the middle, counts, the
    // overview and a timeline.
    const orderedPages = [...pageTimes({ orderBy: 'title', limit: 100 }), ...pageTimes({ orderBy: 'imported', limit: 100 }), ...pageTimes({ orderBy: 'title', kind: 'image', limit: 100 })];
    const middleOffset = Math.floor(clipCount / 2);
    const offsetPages = [...repeat(50, () => library.query({ offset: middleOffset, limit: 100 })), ...repeat(50, () => library.query({ orderBy: 'title', offset: middleOffset, limit: 100 }))];
    const counts = [...repeat(100, () => library.count({})), ...queries.map((text) => timeMsSync(() => library.count({ text })))];
    const overviews = repeat(50, () => library.overview());
    const timelines = repeat(50, () => library.timeline({}, 'month'));

    const peakRssAfterQueries = peakRssMb();
    const reindexStarted = performance.now();
    await reindexLibrary(library);
    const reindexMs = performance.now() - reindexStarted;
    const peakRssAfterReindex = peakRssMb();
    await library.close();

    const baseline = runBenchChild<{ search_p50_ms: number; search_p99_ms: number }>('baseline-child.js', [files.rows]);
    const libraryBytes = await folderBytes(dir);
    return {
      clips: clipCount,
      import_clips_per_s: Math.round((clipCount / importMs) * 1000),
      import_ms: Math.round(importMs),
      edit_p50_ms: round(percentile(editTimes, 50)),
      edit_p99_ms: round(percentile(editTimes, 99)),
      cold_open_ms: cold.open_ms,
      cold_open_first_page_ms: cold.first_page_ms,
      cold_open_rss_mb: cold.rss_mb,
      unlock_production_kdf_ms: cold.production_kdf_ms,
      first_page_p50_ms: round(percentile(firstPage, 50)),
      first_page_p99_ms: round(percentile(firstPage, 99)),
      filtered_page_p50_ms: round(percentile(filtered, 50)),
      filtered_page_p99_ms: round(percentile(filtered, 99)),
      search_p50_ms: round(percentile(searchTimes, 50)),
      search_p99_ms: round(percentile(searchTimes, 99)),
      baseline_search_p50_ms: round(baseline.search_p50_ms),
      baseline_search_p99_ms: round(baseline.search_p99_ms),
      search_p99_vs_baseline_ratio: round(percentile(searchTimes, 99) / baseline.search_p99_ms),
      title_and_import_order_page_p99_ms: round(percentile(orderedPages, 99)),
      middle_offset_page_p99_ms: round(percentile(offsetPages, 99)),
      count_p99_ms: round(percentile(counts, 99)),
      overview_p99_ms: round(percentile(overviews, 99)),
      timeline_by_month_p99_ms: round(percentile(timelines, 99)),
      reindex_ms: Math.round(reindexMs),
      library_size_mb: round(libraryBytes / 1024 / 1024),
      peak_rss_mb: peakRssMb(),
      // maxRSS only grows: these say which phase set the peak.
      peak_rss_before_import_mb: peakRssBeforeImport,
      peak_rss_after_import_mb: peakRssAfterImport,
      peak_rss_after_edits_mb: peakRssAfterEdits,
      peak_rss_after_queries_mb: peakRssAfterQueries,
      peak_rss_after_reindex_mb: peakRssAfterReindex,
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Opens the library in a fresh process, as the app does at start-up. */
function coldOpen(dir: string): { open_ms: number; first_page_ms: number; rss_mb: number; production_kdf_ms: number } {
  return runBenchChild('cold-open.js', [dir], { CLIPSHOT_PASSPHRASE: BENCH_PASSPHRASE });
}

function repeat(times: number, run: () => unknown): number[] {
  return Array.from({ length: times }, () => timeMsSync(run));
}

function timeMsSync(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const BENCHMARKS: Record<string, (clips: number) => Promise<Record<string, number | string>>> = {
  library: benchLibrary,
  ui: benchUi,
  timeline: benchTimeline,
  video: benchVideo,
  export: benchExport,
  sync: benchSync,
  // Recognition against tesseract, then what background analysis costs the main process.
  ocr: async () => ({ ...(await benchOcr()), ...(await benchAnalysisLag()) }),
  plugins: benchPlugins,
};

async function main(): Promise<void> {
  // Measured in a process started as the app's core is, with its heap bound.
  await relaunchWithCoreFlags(fileURLToPath(import.meta.url));
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { clips: { type: 'string', default: '100000' } } });
  const suite = positionals[0] ?? 'library';
  const clips = Number(values.clips);
  if (!Number.isInteger(clips) || clips < 100) throw new Error('--clips must be a whole number of at least 100');
  const run = BENCHMARKS[suite];
  if (!run) throw new Error(`unknown benchmark "${suite}" (available: ${Object.keys(BENCHMARKS).join(', ')})`);
  process.stdout.write(`${JSON.stringify({ benchmark: suite, ...(await run(clips)) }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
