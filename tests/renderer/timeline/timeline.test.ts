// The timeline against a real core: it counts only the stretch of time in view, its bucket size
// follows the zoom (buttons, keys, Ctrl+wheel), a brush filters the grid by capture time, and a
// jump to a date selects and scrolls to that day's clips.
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import type { ApiParams, ClipShotApi } from '../../../contract/api.js';
import { DAY_MS } from '../../../contract/timeline-buckets.js';
import App from '../../../renderer/src/App.vue';
import { useLibraryStore } from '../../../renderer/src/stores/library.js';
import { useResultsStore } from '../../../renderer/src/stores/results.js';
import { useSelectionStore } from '../../../renderer/src/stores/selection.js';
import { brushRange, queryRange, spanOf, timeAt } from '../../../renderer/src/timeline/timeline-scale.js';
import { TIMELINE_STORAGE_KEY, useTimelineStore } from '../../../renderer/src/timeline/timeline-store.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { addTextClips } from '../../helpers/many-clips.js';
import { giveGridViewport, mountWithCore, press, type Mounted, unmountWithCore } from '../library/mount-library.js';

const CLIPS = 48;
const START = Date.UTC(2024, 0, 1, 12);
const WEEK = 7 * DAY_MS;
/** Clip i was captured at START + i weeks. */
const times = Array.from({ length: CLIPS }, (_, i) => START + i * WEEK);

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;
let timelineCalls: ApiParams<'timeline'>[];

/** The core's API, keeping every timeline request. */
function recordingApi(api: ClipShotApi): ClipShotApi {
  return { ...api, timeline: (params) => (timelineCalls.push(params), api.timeline(params)) };
}

beforeEach(async () => {
  localStorage.removeItem(TIMELINE_STORAGE_KEY);
  timelineCalls = [];
  core = await createTestCore();
  await addTextClips(core.library, CLIPS, { start: START, stepMs: WEEK });
  restoreViewport = giveGridViewport(800, 600);
  mounted = mountWithCore(App, core, { api: recordingApi(core.api) });
  await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBeGreaterThan(0);
  document.querySelector<HTMLElement>('[data-testid="timeline-toggle"]')!.click();
  await expect.poll(() => bars().length).toBeGreaterThan(0);
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  localStorage.removeItem(TIMELINE_STORAGE_KEY);
  await core.close();
});

const timeline = () => useTimelineStore(mounted?.pinia);
const library = () => useLibraryStore(mounted?.pinia);
const chart = () => document.querySelector<HTMLElement>('[data-testid="timeline-chart"]')!;
const bars = () => [...document.querySelectorAll<HTMLElement>('[data-testid="timeline-bar"]')];
const countedTotal = () => bars().reduce((sum, bar) => sum + Number(bar.dataset.count), 0);
const lastCall = () => timelineCalls[timelineCalls.length - 1]!;

describe('what the strip counts', () => {
  test('the whole list by month at first, asked for the view only; zooming in counts by day over a narrower stretch', async () => {
    expect(localStorage.getItem(TIMELINE_STORAGE_KEY)).toBe('shown');
    expect(chart().dataset.bucket).toBe('month');
    expect(countedTotal()).toBe(CLIPS);
    expect(lastCall()).toEqual({ query: { ...queryRange(timeline().view!, 'month') }, bucket: 'month' });
    const fullSpan = spanOf(timeline().view!);

    document.querySelector<HTMLElement>('[data-testid="timeline-zoom-in"]')!.click();
    document.querySelector<HTMLElement>('[data-testid="timeline-zoom-in"]')!.click();
    await expect.poll(() => lastCall().bucket).toBe('day');
    expect(spanOf(timeline().view!)).toBe(fullSpan / 4);
    expect(lastCall().query).toEqual(queryRange(timeline().view!, 'day'));
    await expect.poll(() => chart().dataset.bucket).toBe('day');
    // Only the clips in view were counted: about a quarter of them.
    await expect.poll(() => countedTotal()).toBeLessThan(CLIPS / 2);
    expect(countedTotal()).toBeGreaterThan(0);

    // - zooms out from the keyboard, Ctrl+wheel zooms in around the pointer.
    chart().focus();
    press('-', { target: chart() });
    press('-', { target: chart() });
    await expect.poll(() => lastCall().bucket).toBe('month');
    expect(spanOf(timeline().view!)).toBe(fullSpan);
    const wheel = new WheelEvent('wheel', { deltaY: -100, bubbles: true, cancelable: true });
    // happy-dom's WheelEvent leaves out the modifier keys.
    Object.defineProperty(wheel, 'ctrlKey', { value: true });
    chart().dispatchEvent(wheel);
    await nextTick();
    expect(spanOf(timeline().view!)).toBe(fullSpan / 2);
  });

  test('follows the list\'s filters, but not its own date range', async () => {
    await core.api.bulkTags({ selection: { ids: (await core.api.listClips({ limit: 5 })).items.map((clip) => clip.id) }, add: ['recent'] });
    library().tag = 'recent';
    await expect.poll(() => countedTotal()).toBe(5);
    expect(lastCall().query.tag).toBe('recent');
    const calls = timelineCalls.length;
    library().setDateRange({ from: times[45]!, to: times[47]! + 1 });
    await flushPromises();
    await expect.poll(() => useResultsStore(mounted?.pinia).count).toBe(3);
    // The strip still shows all five: brushing it did not make it count again.
    expect(timelineCalls.length).toBe(calls);
    expect(countedTotal()).toBe(5);
  });
});

describe('brushing', () => {
  test('dragging across the bars sets the list\'s date range to whole buckets; the grid lists just those clips; Esc clears it', async () => {
    chart().getBoundingClientRect = () => ({ left: 0, top: 0, right: 1000, bottom: 88, width: 1000, height: 88, x: 0, y: 0, toJSON: () => ({}) });
    const view = timeline().view!;
    chart().dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true, button: 0, clientX: 100, clientY: 20 }));
    window.dispatchEvent(new MouseEvent('mousemove', { clientX: 250, clientY: 20 }));
    await nextTick();
    expect(document.querySelector('[data-testid="timeline-brush"]')).not.toBeNull();
    window.dispatchEvent(new MouseEvent('mousemove', { clientX: 400, clientY: 20 }));
    window.dispatchEvent(new MouseEvent('mouseup', { clientX: 400, clientY: 20 }));
    const expected = brushRange(timeAt(view, 0.1), timeAt(view, 0.4), 'month');
    expect(library().dateRange).toEqual(expected);
    expect(library().listQuery).toMatchObject(expected);

    const inRange = times.filter((time) => time >= expected.from && time < expected.to).length;
    await expect.poll(() => useResultsStore(mounted?.pinia).count).toBe(inRange);
    expect(inRange).toBeGreaterThan(0);
    expect(inRange).toBeLessThan(CLIPS);
    const chip = document.querySelector<HTMLElement>('[data-testid="date-range-chip"]')!;
    expect(Number(chip.dataset.from)).toBe(expected.from);
    // The bars in the range are marked as chosen.
    expect(bars().filter((bar) => bar.getAttribute('aria-selected') === 'true').length).toBeGreaterThan(0);

    press('Escape', { target: chart() });
    await nextTick();
    expect(library().dateRange).toBeNull();
    await expect.poll(() => useResultsStore(mounted?.pinia).count).toBe(CLIPS);
    expect(document.querySelector('[data-testid="date-range-chip"]')).toBeNull();
  });

  test('from the keyboard: each bar is announced with its count; Enter brushes it, Shift+arrows a stretch', async () => {
    chart().focus();
    await nextTick();
    const active = () => document.getElementById(chart().getAttribute('aria-activedescendant') ?? '')!;
    const last = bars()[bars().length - 1]!;
    expect(active()).toBe(last);
    expect(active().getAttribute('aria-label')).toMatch(new RegExp(`: ${last.dataset.count} clips?$`));

    press('ArrowLeft', { target: chart() });
    await nextTick();
    const focused = active();
    expect(focused).toBe(bars()[bars().length - 2]);
    press('Enter', { target: chart() });
    expect(library().dateRange).toEqual(brushRange(Number(focused.dataset.start), Number(focused.dataset.start), 'month'));

    press('ArrowLeft', { shiftKey: true, target: chart() });
    press('ArrowLeft', { shiftKey: true, target: chart() });
    await nextTick();
    const from = Number(bars()[bars().length - 4]!.dataset.start);
    expect(library().dateRange).toEqual({ from, to: brushRange(Number(focused.dataset.start), Number(focused.dataset.start), 'month').to });
  });
});

describe('jumping to a date', () => {
  test('selects the first clip of that day (or before it), switching to capture order when needed, and scrolls to it', async () => {
    library().setOrder('title');
    await flushPromises();
    press('g', { target: document.body });
    await flushPromises();
    const input = document.querySelector<HTMLInputElement>('[data-testid="jump-date-input"]')!;
    expect(document.activeElement).toBe(input);
    input.value = '2024-03-13';
    input.dispatchEvent(new Event('input'));
    document.querySelector<HTMLFormElement>('[data-testid="jump-to-date"]')!.requestSubmit();

    // Newest first, the clips captured after 13 March come first; 13 March itself has none, so the one before it is chosen.
    const after = times.filter((time) => time >= Date.UTC(2024, 2, 14)).length;
    await expect.poll(() => useSelectionStore(mounted?.pinia).index).toBe(after);
    expect(library().orderBy).toBe('captured');
    const selected = useSelectionStore(mounted?.pinia).selectedClip!;
    expect(selected.capturedAt).toBe(times[CLIPS - 1 - after]);
    expect(selected.capturedAt).toBeLessThan(Date.UTC(2024, 2, 14));
    await expect.poll(() => document.querySelector('[data-testid="toast"]')?.textContent).toContain('sorted by date captured');
  });
});
