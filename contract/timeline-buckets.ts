// Timeline buckets in UTC (hours, days, months, years), as the index counts them and the
// renderer's timeline draws them: one definition for both sides.
import type { TimelineBucketSize } from './api.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function bucketStartOf(ms: number, bucket: TimelineBucketSize): number {
  if (bucket === 'hour' || bucket === 'day') {
    const unit = bucket === 'hour' ? HOUR_MS : DAY_MS;
    return ms - (((ms % unit) + unit) % unit);
  }
  const date = new Date(ms);
  return utcMonthStart(date.getUTCFullYear(), bucket === 'year' ? 0 : date.getUTCMonth());
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucketStart(start: number, bucket: TimelineBucketSize): number {
  if (bucket === 'hour') return start + HOUR_MS;
  if (bucket === 'day') return start + DAY_MS;
  const date = new Date(start);
  return bucket === 'year' ? utcMonthStart(date.getUTCFullYear() + 1, 0) : utcMonthStart(date.getUTCFullYear(), date.getUTCMonth() + 1);
}

// Not Date.UTC, which reads years 0 to 99 as 1900 to 1999. Month 12 rolls over into the next year.
export function utcMonthStart(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 1);
  return date.getTime();
}
