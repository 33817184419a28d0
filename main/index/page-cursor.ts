import type { ClipSortField } from '../../contract/api.js';
import { InvalidQueryError } from './errors.js';
import { MAX_SORT_KEY, MIN_SORT_KEY, decodeCursor, encodeCursor } from './sort-key.js';
import { MAX_TITLE_KEY_BYTES } from './title-key.js';

/**
 * Where a page ended: the last row's value in the list's order, then its sort key, which breaks
 * ties. The next page starts strictly after it (keyset paging), so clips added or removed
 * meanwhile shift nothing, and a cursor stays valid when its row is gone.
 */
export type PagePosition =
  | { orderBy: 'captured'; key: bigint }
  | { orderBy: 'imported'; value: number; key: bigint }
  | { orderBy: 'title'; value: string; key: bigint };

const PREFIX_OF_ORDER = { imported: 'i', title: 't' } as const;
const ORDER_OF_PREFIX: Record<string, ClipSortField> = { k: 'captured', i: 'imported', t: 'title' };

export function encodePageCursor(position: PagePosition): string {
  if (position.orderBy === 'captured') return encodeCursor(position.key);
  return Buffer.from(`${PREFIX_OF_ORDER[position.orderBy]}${position.key}:${position.value}`, 'utf8').toString('base64url');
}

export function decodePageCursor(cursor: string, orderBy: ClipSortField): PagePosition {
  const bytes = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
  const text = bytes.toString('utf8');
  const madeFor = ORDER_OF_PREFIX[text.charAt(0)];
  if (madeFor !== undefined && madeFor !== orderBy) throw new InvalidQueryError(`the cursor belongs to a list ordered by ${madeFor}, not by ${orderBy}`);
  if (orderBy === 'captured') return { orderBy, key: decodeCursor(cursor) };

  const parts = /^[it](-?\d{1,19}):(.*)$/su.exec(text);
  const key = parts?.[1] === undefined ? null : BigInt(parts[1]);
  const raw = parts?.[2];
  // Re-encoding must give the same bytes: this rejects invalid UTF-8, which decoding would replace.
  if (key === null || key < MIN_SORT_KEY || key > MAX_SORT_KEY || raw === undefined || !Buffer.from(text, 'utf8').equals(bytes)) throw notOurs();
  if (orderBy === 'title') {
    if (Buffer.byteLength(raw, 'utf8') > MAX_TITLE_KEY_BYTES) throw notOurs();
    return { orderBy, value: raw, key };
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || String(value) !== raw) throw notOurs();
  return { orderBy, value, key };
}

function notOurs(): InvalidQueryError {
  return new InvalidQueryError('the cursor is not one this index handed out');
}
