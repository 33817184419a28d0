// The timeline's arithmetic: bucket size per zoom, zoom and pan, whole-bucket queries and brushes.
import { describe, expect, test } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../contract/timeline-buckets.js';
import { brushRange, bucketForSpan, fitView, MAX_BARS, MAX_SPAN_MS, MIN_SPAN_MS, queryRange, rangeLabel, spanOf, zoomView } from '../../../renderer/src/timeline/timeline-scale.js';

const T = Date.UTC(2024, 2, 15, 13, 30);

describe('the bucket size follows the zoom', () => {
  test('from years down to hours, never more than MAX_BARS bars', () => {
    expect(bucketForSpan(30 * 365 * DAY_MS)).toBe('year');
    expect(bucketForSpan(3 * 365 * DAY_MS)).toBe('month');
    expect(bucketForSpan(60 * DAY_MS)).toBe('day');
    expect(bucketForSpan(2 * DAY_MS)).toBe('hour');
    for (let span = MIN_SPAN_MS; span < MAX_SPAN_MS; span *= 1.7) {
      const bucket = bucketForSpan(span);
      const typical = { hour: HOUR_MS, day: DAY_MS, month: 30.44 * DAY_MS, year: 365.25 * DAY_MS }[bucket];
      expect(span / typical).toBeLessThanOrEqual(MAX_BARS);
    }
  });
});

describe('zooming and fitting', () => {
  test('a zoom step halves the span around the anchor, which stays where it was on the strip', () => {
    const view = { start: T - 40 * DAY_MS, end: T + 20 * DAY_MS };
    const zoomed = zoomView(view, 0.5, T);
    expect(spanOf(zoomed)).toBe(30 * DAY_MS);
    expect((T - zoomed.start) / spanOf(zoomed)).toBeCloseTo((T - view.start) / spanOf(view), 6);
    expect(spanOf(zoomView(view, 1e-9))).toBe(MIN_SPAN_MS);
    expect(spanOf(zoomView(view, 1e9))).toBe(MAX_SPAN_MS);
  });

  test('fitting shows every clip in whole buckets', () => {
    const first = Date.UTC(2021, 4, 3, 8);
    const last = Date.UTC(2024, 1, 20, 17);
    const view = fitView(first, last);
    expect(view.start).toBeLessThanOrEqual(first);
    expect(view.end).toBeGreaterThan(last);
    expect(new Date(view.start).getUTCDate()).toBe(1);
    // One clip: half a day of hours around it.
    const single = fitView(T, T);
    expect(single.start).toBeLessThanOrEqual(T);
    expect(single.end).toBeGreaterThan(T);
    expect(spanOf(single)).toBeGreaterThanOrEqual(MIN_SPAN_MS);
  });
});

describe('what is asked of the index, and what a brush selects', () => {
  test('a view is counted in whole buckets; a brush covers whole buckets at both ends', () => {
    const view = { start: Date.UTC(2024, 2, 10, 5), end: Date.UTC(2024, 4, 2, 7) };
    expect(queryRange(view, 'day')).toEqual({ from: Date.UTC(2024, 2, 10), to: Date.UTC(2024, 4, 3) });
    expect(queryRange(view, 'month')).toEqual({ from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 5, 1) });
    expect(brushRange(Date.UTC(2024, 5, 9, 11), Date.UTC(2024, 2, 3), 'month')).toEqual({ from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 6, 1) });
    expect(brushRange(T, T, 'hour')).toEqual({ from: Date.UTC(2024, 2, 15, 13), to: Date.UTC(2024, 2, 15, 14) });
    expect(brushRange(T, T, 'year')).toEqual({ from: Date.UTC(2024, 0, 1), to: Date.UTC(2025, 0, 1) });
  });

  test('a range reads as dates, with hours when it does not fall on whole days', () => {
    expect(rangeLabel({ from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 2, 2) })).toMatch(/2024/);
    expect(rangeLabel({ from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 4, 1) })).toMatch(/–|-/);
    expect(rangeLabel({ from: Date.UTC(2024, 2, 1, 13), to: Date.UTC(2024, 2, 1, 15) })).toMatch(/UTC$/);
  });
});
