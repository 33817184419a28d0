import { z } from 'zod';
import { CLIP_KINDS, type ClipKind, type ClipQuery } from '../../contract/clips.js';
import { InvalidQueryError } from './errors.js';
import { toFtsMatch } from './fts-match.js';
import { decodeCursor, keyRangeOfCaptureRange } from './sort-key.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** A validated query, with the date range and the cursor folded into one inclusive sort-key range. */
export interface QueryOptions {
  trashed: 0 | 1;
  descending: boolean;
  limit: number;
  kind?: ClipKind;
  tag?: string;
  collection?: string;
  hasText?: boolean;
  match?: string;
  low: bigint;
  high: bigint;
}

const clipQuerySchema = z.object({
  kind: z.enum(CLIP_KINDS).optional(),
  tag: z.string().optional(),
  collection: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  hasText: z.boolean().optional(),
  text: z.string().optional(),
  trash: z.boolean().optional(),
  sort: z.enum(['newest', 'oldest']).optional(),
  limit: z.number().int().min(1).max(MAX_LIMIT).optional(),
  cursor: z.string().optional(),
});

export function parseClipQuery(query: ClipQuery): QueryOptions {
  const parsed = clipQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'query';
    throw new InvalidQueryError(`${field}: ${issue?.message ?? 'invalid'}`);
  }
  const q = parsed.data;
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw new InvalidQueryError('the date range ends before it starts');
  const descending = q.sort !== 'oldest';
  let { low, high } = keyRangeOfCaptureRange(q.from, q.to);
  if (q.cursor !== undefined) {
    const after = decodeCursor(q.cursor);
    if (descending && after - 1n < high) high = after - 1n;
    if (!descending && after + 1n > low) low = after + 1n;
  }
  const options: QueryOptions = { trashed: q.trash === true ? 1 : 0, descending, limit: q.limit ?? DEFAULT_LIMIT, low, high };
  if (q.kind !== undefined) options.kind = q.kind;
  if (q.tag !== undefined) options.tag = q.tag;
  if (q.collection !== undefined) options.collection = q.collection;
  if (q.hasText !== undefined) options.hasText = q.hasText;
  if (q.text !== undefined) options.match = toFtsMatch(q.text);
  return options;
}
