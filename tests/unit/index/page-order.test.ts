import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../../../main/index/errors.js';
import { decodePageCursor, encodePageCursor } from '../../../main/index/page-cursor.js';
import { MAX_SORT_KEY, MIN_SORT_KEY } from '../../../main/index/sort-key.js';
import { MAX_TITLE_KEY_BYTES, titleSortKey } from '../../../main/index/title-key.js';

describe('titleSortKey', () => {
  it('folds case in every script and drops accents, so variants of a word sort together', () => {
    expect(titleSortKey('Apple')).toBe('apple');
    expect(titleSortKey('ÉCLAIR')).toBe('eclair');
    expect(titleSortKey('Éclair')).toBe(titleSortKey('eclair'));
    expect(titleSortKey('Ärger')).toBe(titleSortKey('ärger'));
    expect(titleSortKey('ЖУРНАЛ')).toBe('журнал');
    expect(titleSortKey('İstanbul')).toBe('istanbul');
    expect(titleSortKey('ﬁle')).toBe('file');
  });

  it('puts accented titles among their letters, where NOCASE would put them after z', () => {
    const titles = ['zebra', 'Émile', 'echo', 'Eagle', 'ömer', 'Oscar'];
    const sorted = [...titles].sort((a, b) => (titleSortKey(a) < titleSortKey(b) ? -1 : 1));
    expect(sorted).toEqual(['Eagle', 'echo', 'Émile', 'ömer', 'Oscar', 'zebra']);
  });

  it('ignores leading, trailing and repeated white space', () => {
    expect(titleSortKey('  two \t words \n')).toBe('two words');
    expect(titleSortKey('')).toBe('');
  });

  it('keeps at most MAX_TITLE_KEY_BYTES of UTF-8, never splitting a character', () => {
    expect(titleSortKey('a'.repeat(200))).toBe('a'.repeat(MAX_TITLE_KEY_BYTES));
    const emoji = titleSortKey('😀'.repeat(40));
    expect(emoji).toBe('😀'.repeat(MAX_TITLE_KEY_BYTES / 4));
    const mixed = titleSortKey(`a${'日'.repeat(40)}`);
    expect(Buffer.byteLength(mixed)).toBeLessThanOrEqual(MAX_TITLE_KEY_BYTES);
    expect(mixed).toBe(`a${'日'.repeat(31)}`);
  });
});

describe('page cursors', () => {
  it('round-trip for every order, extreme keys and long title keys included', () => {
    const positions = [
      { orderBy: 'captured', key: MIN_SORT_KEY },
      { orderBy: 'captured', key: MAX_SORT_KEY },
      { orderBy: 'imported', value: 1_700_000_000_123.25, key: -5n },
      { orderBy: 'imported', value: -1e21, key: 0n },
      { orderBy: 'title', value: '', key: 7n },
      { orderBy: 'title', value: 'with: colons', key: MAX_SORT_KEY },
      { orderBy: 'title', value: titleSortKey('😀'.repeat(40)), key: MIN_SORT_KEY },
    ] as const;
    for (const position of positions) {
      const cursor = encodePageCursor(position);
      expect(cursor.length).toBeLessThanOrEqual(200);
      expect(decodePageCursor(cursor, position.orderBy)).toEqual(position);
    }
  });

  it('refuses a cursor made for another order, saying which', () => {
    const title = encodePageCursor({ orderBy: 'title', value: 'a', key: 1n });
    const captured = encodePageCursor({ orderBy: 'captured', key: 1n });
    expect(() => decodePageCursor(title, 'imported')).toThrow(/ordered by title, not by imported/);
    expect(() => decodePageCursor(title, 'captured')).toThrow(InvalidQueryError);
    expect(() => decodePageCursor(captured, 'title')).toThrow(/ordered by captured, not by title/);
  });

  it('refuses cursors it did not make', () => {
    const forged = (text: string | Buffer) => Buffer.from(text).toString('base64url');
    const bad: [string, 'imported' | 'title'][] = [
      ['', 'title'],
      ['not base64!', 'title'],
      [forged('t12'), 'title'],
      [forged('tx:abc'), 'title'],
      [forged(`t1:${'a'.repeat(MAX_TITLE_KEY_BYTES + 1)}`), 'title'],
      [forged(Buffer.from([0x74, 0x31, 0x3a, 0xff, 0xfe])), 'title'],
      [forged('i1:1e3'), 'imported'],
      [forged('i1:NaN'), 'imported'],
      [forged('i1:Infinity'), 'imported'],
      [forged('i1:'), 'imported'],
      [forged('i99999999999999999999:1'), 'imported'],
    ];
    for (const [cursor, orderBy] of bad) expect(() => decodePageCursor(cursor, orderBy), cursor).toThrow(InvalidQueryError);
  });
});
