import { createHash } from 'node:crypto';
import type { ClipKind } from '../../contract/clips.js';

// Filters are also written into the full-text entry as tokens of a hidden `facets` column, so a
// filtered search (or a list with two filters) is one FTS5 AND: FTS5 intersects the doclists,
// skipping ahead in the longer one, instead of walking every match of a common word to find the
// few in the trash or of one kind. Measured at 100k clips: image-only search p99 45 ms -> 5 ms,
// trash search 30 ms -> 5 ms. For pages the tokens only prune: the SQL checks on the row stay
// exact (a tag token is a hash and may collide). Counts and timelines trust the kind, trash and
// text tokens, which are exact, so that they read no clip row; tags and collections they still
// check in their own tables.

export interface FacetSource {
  kind: ClipKind;
  trashed: boolean;
  hasText: boolean;
  tags: readonly string[];
  collections: readonly string[];
}

export function facetTokensOf(source: FacetSource): string {
  const tokens = [kindToken(source.kind)];
  if (source.trashed) tokens.push(TRASHED_TOKEN);
  if (source.hasText) tokens.push(HAS_TEXT_TOKEN);
  for (const tag of new Set(source.tags)) tokens.push(tagToken(tag));
  for (const collection of new Set(source.collections)) tokens.push(collectionToken(collection));
  return tokens.join(' ');
}

export interface FacetFilter {
  kind?: ClipKind;
  trashed: boolean;
  hasText?: boolean;
  tag?: string;
  collection?: string;
}

/** The tokens a search must also match; live (not trashed) clips have no token, being nearly all of them. */
export function facetTokensOfQuery(query: FacetFilter): string[] {
  const tokens: string[] = [];
  if (query.kind !== undefined) tokens.push(kindToken(query.kind));
  if (query.trashed === true) tokens.push(TRASHED_TOKEN);
  if (query.hasText === true) tokens.push(HAS_TEXT_TOKEN);
  if (query.tag !== undefined) tokens.push(tagToken(query.tag));
  if (query.collection !== undefined) tokens.push(collectionToken(query.collection));
  return tokens;
}

/**
 * The tokens a match must lack for the facet tokens to say exactly what the filters say: live
 * clips and clips without text are the ones with no token.
 */
export function excludedFacetTokensOfQuery(query: FacetFilter): string[] {
  const tokens: string[] = [];
  if (query.trashed !== true) tokens.push(TRASHED_TOKEN);
  if (query.hasText === false) tokens.push(HAS_TEXT_TOKEN);
  return tokens;
}

const TRASHED_TOKEN = 'trashed';
const HAS_TEXT_TOKEN = 'hastext';

function kindToken(kind: ClipKind): string {
  return `k${kind}`;
}

// Hex digests, because the tokenizer would split or fold a tag's own characters.
function tagToken(tag: string): string {
  return `g${shortHash(tag)}`;
}

function collectionToken(collection: string): string {
  return `c${shortHash(collection)}`;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
}
