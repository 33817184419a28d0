// A 50 MB picture on the clipboard becomes a clip while the event loop keeps its pace: the
// Electron main process runs this, and a stall there freezes every window.
import { createHash, randomFillSync } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_CLIPBOARD_SETTINGS } from '../../../contract/clipboard-settings.js';
import { clipboardLibrarySink } from '../../../main/capture/clipboard/clipboard-library-sink.js';
import { ClipboardMonitor, type ClipboardEvent } from '../../../main/capture/clipboard/clipboard-monitor.js';
import { MemoryClipboard } from '../../../main/capture/clipboard/memory-clipboard.js';
import type { Library } from '../../../main/library/library.js';
import { createTestLibrary } from '../../helpers/library.js';

/**
 * The longest the event loop may stall while the picture is handled: 50 ms, or on a machine so
 * loaded that everything runs slower, a sixth of what hashing the picture at once five times took
 * just before (so still less than hashing it once on the event loop).
 */
const STALL_FLOOR_MS = 50;
let STALL_BOUND_MS = STALL_FLOOR_MS;
const WIDTH = 3544;
const HEIGHT = 3544; // 3544 × 3544 × 4 bytes: 50.2 MB

let library: Library;

beforeEach(async () => {
  ({ library } = await createTestLibrary());
});

afterEach(async () => {
  await library.close();
});

/** Runs `work` while measuring the longest event-loop delay (ms). */
async function longestStall(work: () => Promise<void>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  try {
    await work();
  } finally {
    histogram.disable();
  }
  return histogram.max / 1e6;
}

/**
 * The smallest of the longest stalls over up to three runs. A blocking step stalls every run; the
 * other agents sharing this machine's two cores (and the odd garbage collection) stall one now and
 * then, which a single run would blame on the code.
 */
async function leastStall(runs: number, work: (run: number) => Promise<void>): Promise<number> {
  let least = Infinity;
  for (let run = 0; run < runs && least >= STALL_BOUND_MS; run++) least = Math.min(least, await longestStall(() => work(run)));
  return least;
}

it('records a 50 MB bitmap as an image clip without stalling the event loop', async () => {
  const pixels = new Uint8Array(WIDTH * HEIGHT * 4);
  // Noise in half the picture, flat colour in the rest: real screenshots compress, photos do not.
  randomFillSync(pixels, 0, pixels.length / 2);
  pixels.fill(255, pixels.length / 2);
  expect(pixels.length).toBeGreaterThan(50 * 1000 * 1000);

  // The measurement can fail: hashing the same bytes in one go (five times) stalls past the bound.
  const blocking = await longestStall(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 5; i++) createHash('sha256').update(pixels).digest();
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  expect(blocking).toBeGreaterThan(STALL_FLOOR_MS);
  STALL_BOUND_MS = Math.max(STALL_FLOOR_MS, blocking / 6);

  const clipboard = new MemoryClipboard();
  const events: ClipboardEvent[] = [];
  const monitor = new ClipboardMonitor({
    reader: clipboard,
    sink: clipboardLibrarySink(library),
    settings: () => DEFAULT_CLIPBOARD_SETTINGS,
    onEvent: (event) => events.push(event),
    pollMs: 3_600_000,
  });
  await monitor.start();

  const started = performance.now();
  const stall = await leastStall(3, async (run) => {
    pixels[0] = run; // a different picture each run: each is a new clip
    clipboard.write({ image: { encoding: 'rgba', width: WIDTH, height: HEIGHT, bytes: pixels.slice() }, sourceApp: 'gimp' });
    await monitor.check();
  });
  const took = performance.now() - started;
  const recorded = events.filter((event) => event.type === 'recorded');
  expect(recorded.length).toBe(events.length);
  expect(recorded.every((event) => !event.folded && event.kind === 'image')).toBe(true);
  const clip = library.get(recorded.at(-1)!.clipId);
  expect(clip.media).toMatchObject({ mime: 'image/png', width: WIDTH, height: HEIGHT });
  expect(clip.media!.thumb).toMatch(/^[0-9a-f]{64}$/);
  console.log(`50 MB bitmap: ${recorded.length} run(s) in ${Math.round(took)} ms, longest event-loop stall ${stall.toFixed(1)} ms (hashing at once, 5 times: ${blocking.toFixed(1)} ms; bound ${STALL_BOUND_MS.toFixed(1)} ms)`);
  expect(stall).toBeLessThan(STALL_BOUND_MS);

  // The same picture copied again folds into its clip, still without a stall.
  const foldStall = await leastStall(3, async () => {
    clipboard.write({ image: { encoding: 'rgba', width: WIDTH, height: HEIGHT, bytes: pixels.slice() }, sourceApp: 'gimp' });
    await monitor.check();
  });
  await monitor.stop();
  expect(events.at(-1)).toMatchObject({ type: 'recorded', clipId: clip.id, folded: true });
  expect(foldStall).toBeLessThan(STALL_BOUND_MS);
  expect(library.count({ kind: 'image' })).toBe(recorded.length);
});
