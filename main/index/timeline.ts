import type { TimelineBucket, TimelineBucketSize } from '../../contract/api.js';
import { bucketStartOf, DAY_MS, HOUR_MS, nextBucketStart } from '../../contract/timeline-buckets.js';

/** Above this many buckets between the first and the last match, a timeline groups rather than seeks each bucket. */
export const MAX_SEEKED_BUCKETS = 5000;

/**
 * The start of every bucket from the one holding firstMs to the one holding lastMs, in order;
 * null when there would be more than `max`.
 */
export function bucketStarts(firstMs: number, lastMs: number, bucket: TimelineBucketSize, max: number): number[] | null {
  const first = bucketStartOf(firstMs, bucket);
  const last = bucketStartOf(lastMs, bucket);
  if (bucketsBetween(first, last, bucket) + 1 > max) return null;
  const starts: number[] = [];
  for (let start = first; start <= last; start = nextBucketStart(start, bucket)) starts.push(start);
  return starts;
}

/** The fixed-width bucket SQLite groups by: hours for an hourly timeline, days for the rest (UTC days are 86,400,000 ms in epoch time). */
export function groupingUnitMs(bucket: TimelineBucketSize): number {
  return bucket === 'hour' ? HOUR_MS : DAY_MS;
}

/**
 * Turns counts per hour or day (in time order) into counts per bucket: months and years have
 * no fixed width, so their days are added up here rather than in SQL.
 */
export function foldIntoBuckets(counts: TimelineBucket[], bucket: TimelineBucketSize): TimelineBucket[] {
  if (bucket === 'hour' || bucket === 'day') return counts;
  const buckets: TimelineBucket[] = [];
  for (const { start, count } of counts) {
    const bucketStart = bucketStartOf(start, bucket);
    const last = buckets[buckets.length - 1];
    if (last?.start === bucketStart) last.count += count;
    else buckets.push({ start: bucketStart, count });
  }
  return buckets;
}

function bucketsBetween(first: number, last: number, bucket: TimelineBucketSize): number {
  if (bucket === 'hour' || bucket === 'day') return (last - first) / groupingUnitMs(bucket);
  const [a, b] = [new Date(first), new Date(last)];
  const years = b.getUTCFullYear() - a.getUTCFullYear();
  return bucket === 'year' ? years : years * 12 + b.getUTCMonth() - a.getUTCMonth();
}
