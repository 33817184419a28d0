import { z } from 'zod';
import { CLIP_SORT_FIELDS, type ClipSortField } from '../../contract/api.js';
import { CLIP_KINDS, type ClipKind, type ClipQuery } from '../../contract/clips.js';
import { InvalidQueryError } from './errors.js';
import { toFtsMatch } from './fts-match.js';
import { decodePageCursor, type PagePosition } from './page-cursor.js';
import { keyRangeOfCaptureRange } from './sort-key.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** Which clips a query matches: what a page, a count and a timeline have in common. */
export interface FilterOptions {
  trashed: 0 | 1;
  kind?: ClipKind;
  tag?: string;
  collection?: string;
  hasText?: boolean;
  match?: string;
  /** Inclusive sort-key bounds of the capture-time range (the cursor is not folded in). */
  low: bigint;
  high: bigint;
}

/** A validated query: its filters, and which page of them in which order. */
export interface QueryOptions extends FilterOptions {
  orderBy: ClipSortField;
  descending: boolean;
  limit: number;
  offset: number;
  /** The page starts strictly after this position (from the cursor). */
  after?: PagePosition;
}

const clipQuerySchema = z
  .object({
    kind: z.enum(CLIP_KINDS).optional(),
    tag: z.string().optional(),
    collection: z.string().optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    hasText: z.boolean().optional(),
    text: z.string().optional(),
    trash: z.boolean().optional(),
    sort: z.enum(['newest', 'oldest']).optional(),
    orderBy: z.enum(CLIP_SORT_FIELDS).optional(),
    direction: z.enum(['asc', 'desc']).optional(),
    limit: z.number().int().min(1).max(MAX_LIMIT).optional(),
    cursor: z.string().optional(),
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((q) => q.cursor === undefined || q.offset === undefined, 'give a cursor or an offset, not both')
  .refine((q) => q.sort === undefined || q.direction === undefined, 'give sort or direction, not both')
  .refine((q) => q.sort === undefined || (q.orderBy ?? 'captured') === 'captured', 'sort orders by capture time; give direction with orderBy');

export function parseClipQuery(query: ClipQuery): QueryOptions {
  const parsed = clipQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new InvalidQueryError(field === '' ? (issue?.message ?? 'the query is invalid') : `${field}: ${issue?.message ?? 'invalid'}`);
  }
  const q = parsed.data;
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw new InvalidQueryError('the date range ends before it starts');
  const orderBy = q.orderBy ?? 'captured';
  const descending = q.direction !== undefined ? q.direction === 'desc' : q.sort !== undefined ? q.sort === 'newest' : orderBy !== 'title';
  const { low, high } = keyRangeOfCaptureRange(q.from, q.to);
  const options: QueryOptions = { trashed: q.trash === true ? 1 : 0, orderBy, descending, limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0, low, high };
  if (q.cursor !== undefined) options.after = decodePageCursor(q.cursor, orderBy);
  if (q.kind !== undefined) options.kind = q.kind;
  if (q.tag !== undefined) options.tag = q.tag;
  if (q.collection !== undefined) options.collection = q.collection;
  if (q.hasText !== undefined) options.hasText = q.hasText;
  if (q.text !== undefined) options.match = toFtsMatch(q.text);
  return options;
}
