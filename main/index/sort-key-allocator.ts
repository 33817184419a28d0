import type BetterSqlite3 from 'better-sqlite3';
import { MAX_SORT_KEY, TIEBREAK_SLOTS, captureMillisecond, firstKeyOfMillisecond, preferredTiebreak } from './sort-key.js';

/** Finds a free sort key for a clip within its capture millisecond. */
export class SortKeyAllocator {
  readonly #taken;

  constructor(db: BetterSqlite3.Database) {
    this.#taken = db.prepare('SELECT 1 FROM idx_clips WHERE sortkey = ?').pluck();
  }

  allocate(capturedAt: number, id: string): bigint {
    const first = firstKeyOfMillisecond(captureMillisecond(capturedAt));
    const preferred = preferredTiebreak(id);
    for (let probe = 0; probe < TIEBREAK_SLOTS; probe++) {
      const key = first + BigInt((preferred + probe) % TIEBREAK_SLOTS);
      if (this.#taken.get(key) === undefined) return key;
    }
    // 65,536 clips captured in one millisecond: the rest sort just after it rather than fail.
    for (let key = first + BigInt(TIEBREAK_SLOTS); key <= MAX_SORT_KEY; key++) {
      if (this.#taken.get(key) === undefined) return key;
    }
    throw new RangeError('no sort key is free after this capture time');
  }
}

export function sameCaptureMillisecond(a: number, b: number): boolean {
  return captureMillisecond(a) === captureMillisecond(b);
}

/** Orders clips as their sort keys will most likely be ordered. */
export function compareSortPosition(a: { capturedAt: number; id: string }, b: { capturedAt: number; id: string }): number {
  return captureMillisecond(a.capturedAt) - captureMillisecond(b.capturedAt) || preferredTiebreak(a.id) - preferredTiebreak(b.id);
}
