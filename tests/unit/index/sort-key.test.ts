import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../../../main/index/errors.js';
import { SortKeyAllocator } from '../../../main/index/sort-key-allocator.js';
import { MAX_SORT_KEY, MIN_SORT_KEY, TIEBREAK_SLOTS, decodeCursor, encodeCursor, firstKeyOfMillisecond, keyRangeOfCaptureRange } from '../../../main/index/sort-key.js';
import { openTestDatabase } from './index-fixtures.js';

describe('sort keys', () => {
  it('round-trips cursors, negative and extreme keys included', () => {
    for (const key of [0n, 1n, -1n, 123456789012345678n, MIN_SORT_KEY, MAX_SORT_KEY]) expect(decodeCursor(encodeCursor(key))).toBe(key);
  });

  it('rejects cursors it did not make', () => {
    for (const cursor of ['', '!!', Buffer.from('k').toString('base64url'), Buffer.from('k1.5').toString('base64url'), Buffer.from('k9223372036854775808').toString('base64url')]) {
      expect(() => decodeCursor(cursor)).toThrow(InvalidQueryError);
    }
  });

  it('turns a capture range into inclusive key bounds that keep whole milliseconds', () => {
    expect(keyRangeOfCaptureRange(10, 20)).toEqual({ low: firstKeyOfMillisecond(10), high: firstKeyOfMillisecond(20) - 1n });
    expect(keyRangeOfCaptureRange(undefined, undefined)).toEqual({ low: MIN_SORT_KEY, high: MAX_SORT_KEY });
    expect(keyRangeOfCaptureRange(1e300, undefined).low).toBe(MAX_SORT_KEY);
  });
});

describe('SortKeyAllocator', () => {
  async function keyTable() {
    const { db } = await openTestDatabase();
    db.exec('CREATE TABLE idx_clips (sortkey INTEGER PRIMARY KEY)');
    return { db, allocator: new SortKeyAllocator(db) };
  }

  it('gives clips of one millisecond distinct keys inside that millisecond', async () => {
    const { db, allocator } = await keyTable();
    const keys = new Set<bigint>();
    for (let n = 0; n < 500; n++) {
      const key = allocator.allocate(1000.5, `clip${n}`);
      db.prepare('INSERT INTO idx_clips (sortkey) VALUES (?)').run(key);
      keys.add(key);
    }
    expect(keys.size).toBe(500);
    expect([...keys].every((key) => key >= firstKeyOfMillisecond(1000) && key < firstKeyOfMillisecond(1001))).toBe(true);
  });

  it('prefers the same key for the same id, so a rebuild keeps the order of ties', async () => {
    const { allocator } = await keyTable();
    expect(allocator.allocate(5, 'abc')).toBe(allocator.allocate(5, 'abc'));
    expect(allocator.allocate(5, 'abc')).not.toBe(allocator.allocate(5, 'abd'));
  });

  it('places a clip just after a millisecond whose every key is taken', async () => {
    const { db, allocator } = await keyTable();
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${TIEBREAK_SLOTS + 3})
       INSERT INTO idx_clips (sortkey) SELECT ? + i FROM n`,
    ).run(firstKeyOfMillisecond(7));
    expect(allocator.allocate(7, 'late')).toBe(firstKeyOfMillisecond(8) + 3n);
  });
});
