import { InvalidQueryError } from './errors.js';

// The integer rowid of a clip's row (and of its full-text entry) is its sort key: capture time in
// ms shifted left, plus a tiebreak. Newest-first is then `ORDER BY rowid DESC`, which every index
// (and FTS5's doclists) already walks in order and can stop after a page.
export const TIEBREAK_BITS = 16n;
export const TIEBREAK_SLOTS = 1 << Number(TIEBREAK_BITS);
// Capture times are clamped so that every key fits a signed 64-bit integer (about ±4,400 years).
const MAX_MS = 2 ** 47 - 1;
const MIN_MS = -(2 ** 47);
export const MIN_SORT_KEY = -(2n ** 63n);
export const MAX_SORT_KEY = 2n ** 63n - 1n;

export function captureMillisecond(capturedAt: number): number {
  return Math.min(MAX_MS, Math.max(MIN_MS, Math.floor(capturedAt)));
}

export function firstKeyOfMillisecond(ms: number): bigint {
  return BigInt(ms) << TIEBREAK_BITS;
}

/** The tiebreak a clip tries first: from its id, so a rebuild gives ties the same order. */
export function preferredTiebreak(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TIEBREAK_SLOTS;
}

/** Inclusive key bounds of the capture-time range [from, to). */
export function keyRangeOfCaptureRange(from: number | undefined, to: number | undefined): { low: bigint; high: bigint } {
  const low = from === undefined ? MIN_SORT_KEY : clampKey(BigInt(Math.ceil(from)) << TIEBREAK_BITS);
  const high = to === undefined ? MAX_SORT_KEY : clampKey((BigInt(Math.ceil(to)) << TIEBREAK_BITS) - 1n);
  return { low, high };
}

function clampKey(key: bigint): bigint {
  return key < MIN_SORT_KEY ? MIN_SORT_KEY : key > MAX_SORT_KEY ? MAX_SORT_KEY : key;
}

const CURSOR_PREFIX = 'k';

export function encodeCursor(key: bigint): string {
  return Buffer.from(`${CURSOR_PREFIX}${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): bigint {
  const decoded = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const digits = /^k(-?\d{1,19})$/.exec(decoded)?.[1];
  const key = digits === undefined ? null : BigInt(digits);
  if (key === null || key < MIN_SORT_KEY || key > MAX_SORT_KEY) throw new InvalidQueryError('the cursor is not one this index handed out');
  return key;
}
