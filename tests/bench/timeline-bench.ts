// `npm run bench -- timeline [--clips N]`: the timeline at N clips. In the core: timeline counts
// per bucket size over the whole span and over the windows the strip asks for when zoomed in, the
// span query, and a bulk tag of a tenth of the library. In Debian's Chromium against a real
// `clipshot serve`: opening the timeline until its strip is painted, brushing until the grid shows
// only that range, and each zoom step until the strip is painted again.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ClipQuery } from '../../contract/clips.js';
import type { TimelineBucketSize } from '../../contract/api.js';
import { DAY_MS } from '../../contract/timeline-buckets.js';
import { changeLabels } from '../../main/library/bulk/label-changes.js';
import { resolveSelection } from '../../main/library/bulk/bulk-selection.js';
import { Library } from '../../main/library/library.js';
import { packageRoot } from '../../main/server/package-root.js';
import { launchChromium, startServe } from '../helpers/browser.js';
import { fillSyntheticLibrary } from './synthetic-library.js';
import { percentile } from './stats.js';

const PASSPHRASE = 'benchmark passphrase';
const SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };
const SPAN_MS = 3 * 365 * DAY_MS;
const REPEATS = 30;
const OPENS = 5;
const BRUSHES = 6;
/** The stretch the strip shows at each bucket size when zoomed in as far as that size goes (see timeline-scale.ts). */
const ZOOMED_WINDOW_MS: Record<TimelineBucketSize, number> = { year: SPAN_MS, month: SPAN_MS, day: 120 * DAY_MS, hour: 5 * DAY_MS };
const MEASURES = path.join(packageRoot(), 'tests', 'bench', 'page-timeline-measures.js');

export async function benchTimeline(clipCount: number): Promise<Record<string, number | string>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-timeline-bench-'));
  try {
    const dir = path.join(work, 'library');
    const start = Date.now() - SPAN_MS;
    let library = await Library.create(dir, { passphrase: PASSPHRASE, scryptCost: SCRYPT_COST });
    const fillStarted = performance.now();
    await fillSyntheticLibrary(library, clipCount, { start, ms: SPAN_MS });
    const fillMs = performance.now() - fillStarted;
    await library.close();

    library = await Library.open(dir, { method: 'passphrase', passphrase: PASSPHRASE });
    const figures: Record<string, number | string> = { clips: clipCount, library_fill_ms: Math.round(fillMs) };
    Object.assign(figures, indexFigures(library, start));
    Object.assign(figures, await bulkTagFigures(library, clipCount));
    await library.close();

    Object.assign(figures, await browserFigures(dir, clipCount));
    return figures;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Counts per bucket size, whole span and zoomed windows; plain list, a kind filter and a search. */
function indexFigures(library: Library, start: number): Record<string, number> {
  const figures: Record<string, number> = {};
  const filters: ClipQuery[] = [{}, { kind: 'image' }, { tag: 'work' }];
  for (const bucket of ['year', 'month', 'day', 'hour'] as const) {
    const whole = repeat(REPEATS, (i) => library.timeline(filters[i % filters.length]!, bucket));
    figures[`timeline_whole_span_by_${bucket}_p50_ms`] = round(percentile(whole, 50));
    figures[`timeline_whole_span_by_${bucket}_p99_ms`] = round(percentile(whole, 99));
    const window = ZOOMED_WINDOW_MS[bucket];
    const zoomed = repeat(REPEATS, (i) => {
      // Windows spread over the whole span, as panning would take them.
      const from = start + ((i * 7919) % REPEATS) * ((SPAN_MS - window) / REPEATS);
      return library.timeline({ ...filters[i % filters.length]!, from, to: from + window }, bucket);
    });
    figures[`timeline_zoomed_${bucket}_window_p50_ms`] = round(percentile(zoomed, 50));
    figures[`timeline_zoomed_${bucket}_window_p99_ms`] = round(percentile(zoomed, 99));
  }
  const searched = repeat(REPEATS, () => library.timeline({ text: 'the' }, 'month'));
  figures.timeline_search_by_month_p99_ms = round(percentile(searched, 99));
  const spans = repeat(REPEATS, (i) => library.timelineSpan(filters[i % filters.length]!));
  figures.timeline_span_p99_ms = round(percentile(spans, 99));
  return figures;
}

/** Select-all of a query (a tenth of the library) resolved by the core, then one tag on every clip. */
async function bulkTagFigures(library: Library, clipCount: number): Promise<Record<string, number>> {
  const wanted = Math.floor(clipCount / 10);
  const rssBefore = currentRssMb();
  const resolveStarted = performance.now();
  const ids = (await resolveSelection(library, { query: {} })).slice(0, wanted);
  const resolveMs = performance.now() - resolveStarted;
  const started = performance.now();
  const outcome = await changeLabels(library, ids, 'tags', { add: ['bench-bulk'] });
  const tagMs = performance.now() - started;
  if (outcome.changed !== ids.length) throw new Error(`tagged ${outcome.changed} of ${ids.length}`);
  return {
    select_all_resolve_whole_library_ms: Math.round(resolveMs),
    bulk_tag_clips: ids.length,
    bulk_tag_ms: Math.round(tagMs),
    bulk_tag_clips_per_s: Math.round((ids.length / tagMs) * 1000),
    rss_before_bulk_tag_mb: rssBefore,
    rss_after_bulk_tag_mb: currentRssMb(),
  };
}

async function browserFigures(dir: string, clipCount: number): Promise<Record<string, number>> {
  const serve = await startServe(dir, { CLIPSHOT_PASSPHRASE: PASSPHRASE });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
    const opens: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      opens.push(await measure<number>(page, 'window.clipshotTimelineMeasures.open()'));
      if (i < OPENS - 1) await measure(page, 'window.clipshotTimelineMeasures.hide()');
    }
    const brushes: number[] = [];
    let brushedClips = 0;
    for (let i = 0; i < BRUSHES; i++) {
      const from = 0.1 + (i * 0.7) / BRUSHES;
      const result = await measure<{ ms: number; clips: number }>(page, `window.clipshotTimelineMeasures.brush(${from}, ${from + 0.08})`);
      brushes.push(result.ms);
      brushedClips += result.clips;
      await measure(page, `window.clipshotTimelineMeasures.clearBrush(${clipCount})`);
    }
    const zoomIn = await zoomAll(page, 'in');
    const zoomOut = await zoomAll(page, 'out');
    const steps = [...zoomIn.map((step) => step.ms), ...zoomOut.map((step) => step.ms)];
    return {
      timeline_open_until_painted_first_ms: round(opens[0]!),
      timeline_open_until_painted_median_ms: round(percentile(opens, 50)),
      brush_until_filtered_cards_median_ms: round(percentile(brushes, 50)),
      brush_until_filtered_cards_max_ms: round(Math.max(...brushes)),
      brush_mean_clips_in_range: Math.round(brushedClips / BRUSHES),
      zoom_steps_years_to_hours: zoomIn.length,
      zoom_step_until_painted_median_ms: round(percentile(steps, 50)),
      zoom_step_until_painted_max_ms: round(Math.max(...steps)),
      zoom_step_to_hours_until_painted_ms: round(zoomIn.filter((step) => step.bucket === 'hour')[0]?.ms ?? Number.NaN),
    };
  } finally {
    await browser.close();
    await serve.stop();
  }
}

async function zoomAll(page: Page, direction: 'in' | 'out'): Promise<{ ms: number; bucket: string }[]> {
  const steps: { ms: number; bucket: string }[] = [];
  for (let i = 0; i < 40; i++) {
    const step = await measure<{ ms: number; bucket: string } | null>(page, `window.clipshotTimelineMeasures.zoom('${direction}')`);
    if (step === null) break;
    steps.push(step);
  }
  return steps;
}

/** Runs one of the page measures, defining them first if needed (evaluated through DevTools: the CSP refuses injected scripts). */
async function measure<T>(page: Page, call: string): Promise<T> {
  if (!(await page.evaluate('typeof window.clipshotTimelineMeasures === "object"'))) await page.evaluate(await fs.readFile(MEASURES, 'utf8'));
  return (await page.evaluate(call)) as T;
}

function repeat(times: number, run: (i: number) => unknown): number[] {
  return Array.from({ length: times }, (_, i) => {
    const started = performance.now();
    run(i);
    return performance.now() - started;
  });
}

function currentRssMb(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
