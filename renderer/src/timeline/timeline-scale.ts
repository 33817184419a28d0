// The timeline's arithmetic: which stretch of time is in view, which bucket size that calls for,
// zooming and panning it, and turning positions on the strip into times and back. All UTC, as
// the index counts buckets.
import { TIMELINE_BUCKETS, type TimelineBucketSize } from '../../../contract/api.js';
import { bucketStartOf, DAY_MS, HOUR_MS, nextBucketStart } from '../../../contract/timeline-buckets.js';

/** A stretch of time, ms since the epoch: start inclusive, end exclusive. */
export interface TimelineView {
  start: number;
  end: number;
}

const TYPICAL_MS: Record<TimelineBucketSize, number> = { hour: HOUR_MS, day: DAY_MS, month: 30.44 * DAY_MS, year: 365.25 * DAY_MS };
/** More bars than this and they get too thin to point at: the next bucket size up is used. */
export const MAX_BARS = 120;
/** Zoomed all the way in: half a day of hourly bars. */
export const MIN_SPAN_MS = 12 * HOUR_MS;
/** Zoomed all the way out: a century of yearly bars. */
export const MAX_SPAN_MS = 100 * TYPICAL_MS.year;
/** One zoom step (a button, + or -, a notch of Ctrl+wheel) halves or doubles the span. */
export const ZOOM_STEP = 2;

export function spanOf(view: TimelineView): number {
  return view.end - view.start;
}

/** The finest bucket size that keeps the view to at most MAX_BARS bars. */
export function bucketForSpan(spanMs: number): TimelineBucketSize {
  return TIMELINE_BUCKETS.slice().reverse().find((bucket) => spanMs / TYPICAL_MS[bucket] <= MAX_BARS) ?? 'year';
}

/** A view showing everything from `first` to `last` (capture times), a little margin either side, in whole buckets, within the zoom limits. */
export function fitView(first: number, last: number): TimelineView {
  const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, (last - first) * 1.04));
  const middle = (first + last) / 2;
  const bucket = bucketForSpan(span);
  return { start: bucketStartOf(middle - span / 2, bucket), end: nextBucketStart(bucketStartOf(middle + span / 2 - 1, bucket), bucket) };
}

/** Zooms by `factor` (below 1: in) keeping the time at `anchor` where it is on the strip. */
export function zoomView(view: TimelineView, factor: number, anchor = (view.start + view.end) / 2): TimelineView {
  const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, spanOf(view) * factor));
  const fraction = (anchor - view.start) / spanOf(view);
  const start = anchor - fraction * span;
  return { start: Math.round(start), end: Math.round(start + span) };
}

export function panView(view: TimelineView, deltaMs: number): TimelineView {
  return { start: Math.round(view.start + deltaMs), end: Math.round(view.end + deltaMs) };
}

/** Where a time is on the strip: 0 at its left edge, 1 at its right. */
export function fractionOf(view: TimelineView, ms: number): number {
  return (ms - view.start) / spanOf(view);
}

export function timeAt(view: TimelineView, fraction: number): number {
  return view.start + fraction * spanOf(view);
}

/** The whole buckets a view needs from the index: from the start of the first to the end of the last. */
export function queryRange(view: TimelineView, bucket: TimelineBucketSize): { from: number; to: number } {
  return { from: bucketStartOf(view.start, bucket), to: nextBucketStart(bucketStartOf(view.end - 1, bucket), bucket) };
}

/** The date range a brush from one time to another selects: the whole buckets both ends fall in. */
export function brushRange(a: number, b: number, bucket: TimelineBucketSize): { from: number; to: number } {
  return { from: bucketStartOf(Math.min(a, b), bucket), to: nextBucketStart(bucketStartOf(Math.max(a, b), bucket), bucket) };
}

const LABELS: Record<TimelineBucketSize, Intl.DateTimeFormat> = {
  year: new Intl.DateTimeFormat(undefined, { year: 'numeric', timeZone: 'UTC' }),
  month: new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', timeZone: 'UTC' }),
  day: new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short', timeZone: 'UTC' }),
  hour: new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }),
};

/** A bucket for a person: "2024", "March 2024", "Tue, 5 Mar 2024", "5 Mar 2024, 14:00 UTC". */
export function bucketLabel(start: number, bucket: TimelineBucketSize): string {
  return LABELS[bucket].format(start);
}

const RANGE_DAYS = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const RANGE_HOURS = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/** A date range for its chip, as short as the dates allow: "May 1 – Aug 31, 2023", or with hours (UTC) when it does not fall on whole days. */
export function rangeLabel(range: { from: number; to: number }): string {
  if (range.from % DAY_MS === 0 && range.to % DAY_MS === 0) return RANGE_DAYS.formatRange(range.from, Math.max(range.from, range.to - DAY_MS));
  return `${RANGE_HOURS.formatRange(range.from, range.to)} UTC`;
}

/** Axis marks: the start of each bucket of the next size up (or of this size when few), in view. */
export function axisTicks(view: TimelineView, bucket: TimelineBucketSize): { at: number; label: string }[] {
  const coarser: Record<TimelineBucketSize, TimelineBucketSize> = { hour: 'day', day: 'month', month: 'year', year: 'year' };
  const fine = spanOf(view) / TYPICAL_MS[coarser[bucket]] < 2;
  const unit = fine ? bucket : coarser[bucket];
  const format = TICK_LABELS[unit];
  const ticks: { at: number; label: string }[] = [];
  const step = Math.max(1, Math.ceil(spanOf(view) / TYPICAL_MS[unit] / 12));
  let count = 0;
  for (let at = nextBucketStart(bucketStartOf(view.start, unit), unit); at < view.end && ticks.length < 24; at = nextBucketStart(at, unit)) {
    if (count++ % step === 0) ticks.push({ at, label: format.format(at) });
  }
  return ticks;
}

const TICK_LABELS: Record<TimelineBucketSize, Intl.DateTimeFormat> = {
  year: new Intl.DateTimeFormat(undefined, { year: 'numeric', timeZone: 'UTC' }),
  month: new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' }),
  day: new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
  hour: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }),
};
