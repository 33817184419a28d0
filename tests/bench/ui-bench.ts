// `npm run bench -- ui [--clips N]`: the app in Debian's Chromium against a real `clipshot serve`
// on a library of N clips — time to first paint, and frames dropped while scrolling the grid.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Library } from '../../main/library/library.js';
import { packageRoot } from '../../main/server/package-root.js';
import { launchChromium, startServe } from '../helpers/browser.js';
import { fillSyntheticLibrary } from './synthetic-library.js';
import { percentile } from './stats.js';

const PASSPHRASE = 'benchmark passphrase';
const SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };
const RELOADS = 3;
const SCROLL_MS = 4000;

export async function benchUi(clipCount: number): Promise<Record<string, number>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-ui-bench-'));
  try {
    const dir = path.join(work, 'library');
    const library = await Library.create(dir, { passphrase: PASSPHRASE, scryptCost: SCRYPT_COST });
    const fillStarted = performance.now();
    await fillSyntheticLibrary(library, clipCount, { start: Date.now() - 3 * 365 * 24 * 3600 * 1000, ms: 3 * 365 * 24 * 3600 * 1000 });
    const fillMs = performance.now() - fillStarted;
    await library.close();

    const serve = await startServe(dir, { CLIPSHOT_PASSPHRASE: PASSPHRASE });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const loads = [];
      await page.goto(serve.url);
      loads.push(await paintTimes(page));
      for (let i = 1; i < RELOADS; i++) {
        await page.reload();
        loads.push(await paintTimes(page));
      }
      const refreshMs = await measure<number>(page, 'window.clipshotMeasures.frameInterval()');
      const gentle = await measure<ScrollResult>(page, `window.clipshotMeasures.scroll(40, ${refreshMs}, ${SCROLL_MS})`);
      const fast = await measure<ScrollResult>(page, `window.clipshotMeasures.scroll(600, ${refreshMs}, ${SCROLL_MS})`);
      const jumpMs = await measure<number>(page, 'window.clipshotMeasures.jumpToMiddle()');
      // The baseline, same run: a static page of plain cards (no app, no data), scrolled the same way.
      const plain = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await plain.setContent(plainCardsPage());
      const plainGentle = await measure<ScrollResult>(plain, `window.clipshotMeasures.scroll(40, ${refreshMs}, ${SCROLL_MS})`);
      const plainFast = await measure<ScrollResult>(plain, `window.clipshotMeasures.scroll(600, ${refreshMs}, ${SCROLL_MS})`);
      return {
        clips: clipCount,
        library_fill_ms: Math.round(fillMs),
        first_load_first_paint_ms: round(loads[0]!.firstPaint),
        first_load_first_contentful_paint_ms: round(loads[0]!.fcp),
        reload_first_paint_median_ms: round(percentile(loads.slice(1).map((load) => load.firstPaint), 50)),
        frame_interval_ms: round(refreshMs),
        // Scrolled by script on every frame: 40 px is a brisk wheel scroll, 600 px a hard fling.
        scroll_40px_per_frame_frames: gentle.frames,
        scroll_40px_per_frame_dropped_frames: gentle.dropped,
        scroll_40px_per_frame_long_animation_frames: gentle.longFrames,
        scroll_40px_per_frame_max_cards_in_dom: gentle.maxCards,
        scroll_40px_per_frame_scrolled_px: Math.round(gentle.scrolled),
        scroll_600px_per_frame_frames: fast.frames,
        scroll_600px_per_frame_dropped_frames: fast.dropped,
        scroll_600px_per_frame_long_animation_frames: fast.longFrames,
        scroll_600px_per_frame_max_cards_in_dom: fast.maxCards,
        scroll_600px_per_frame_scrolled_px: Math.round(fast.scrolled),
        jump_to_middle_until_cards_ms: round(jumpMs),
        baseline_plain_page_scroll_40px_per_frame_dropped_frames: plainGentle.dropped,
        baseline_plain_page_scroll_600px_per_frame_dropped_frames: plainFast.dropped,
      };
    } finally {
      await browser.close();
      await serve.stop();
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

// A plain script kept beside the sources (tsc does not copy it to out/).
const MEASURES = path.join(packageRoot(), 'tests', 'bench', 'page-measures.js');

interface PaintTimes {
  firstPaint: number;
  fcp: number;
}

interface ScrollResult {
  frames: number;
  dropped: number;
  longFrames: number;
  maxCards: number;
  scrolled: number;
}

/**
 * Runs one of page-measures.js's functions in the page, defining them first if needed. Evaluated
 * through the DevTools protocol: the app's CSP (rightly) refuses an injected <script> tag.
 */
async function measure<T>(page: Page, call: string): Promise<T> {
  if (!(await page.evaluate('typeof window.clipshotMeasures === "object"'))) await page.evaluate(await fs.readFile(MEASURES, 'utf8'));
  return (await page.evaluate(call)) as T;
}

async function paintTimes(page: Page): Promise<PaintTimes> {
  await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
  return measure<PaintTimes>(page, 'window.clipshotMeasures.paintTimes()');
}

/** 2,400 static text cards in a grid like the app's, inside a scrolling box with data-testid="clip-grid". */
function plainCardsPage(): string {
  const card = (i: number) => `<div data-testid="clip-card" style="height:220px;border:1px solid #ccc;border-radius:6px;padding:8px;font:13px sans-serif;overflow:hidden"><b>Clip ${i}</b><p>Some words of a text clip, number ${i}, long enough to wrap onto a few lines like a real card does.</p></div>`;
  const cards = Array.from({ length: 2400 }, (_, i) => card(i)).join('');
  return `<!doctype html><body style="margin:0"><div data-testid="clip-grid" style="height:100vh;overflow:auto"><div style="display:grid;grid-template-columns:repeat(6,1fr);gap:12px;padding:12px">${cards}</div></div></body>`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
