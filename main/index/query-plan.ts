import { facetTokensOfQuery, type FacetFilter } from './fts-facets.js';
import { clipColumns } from './indexed-clip.js';
import type { QueryOptions } from './query-options.js';

/** The index a page is read from, walked in sort-key order so that it can stop after one page. */
export type QueryDriver = 'fts' | 'tag' | 'collection' | 'kind' | 'has-text' | 'all';

export interface QueryPlan {
  /** Identifies the SQL text, for the prepared-statement cache. */
  key: string;
  sql: string;
  parameters: Record<string, string | number | bigint>;
}

export function chooseDriver(options: QueryOptions): QueryDriver {
  if (options.match !== undefined) return 'fts';
  // Two filters at once: FTS5 intersects their facet doclists, skipping ahead, where a B-tree
  // walk of one filter would read every row of it when the other rarely matches.
  if (facetTokensOfQuery(facetFilterOf(options)).length >= 2) return 'fts';
  if (options.tag !== undefined) return 'tag';
  if (options.collection !== undefined) return 'collection';
  if (options.kind !== undefined) return 'kind';
  if (options.hasText !== undefined) return 'has-text';
  return 'all';
}

/**
 * Builds the SQL of one page. The driver table comes first (CROSS JOIN pins the join order) and
 * its sort-key order satisfies ORDER BY, so no query sorts its matches; the other filters are
 * checked per row. The page asks for one row more than the limit, to know whether another follows.
 */
export function planQuery(options: QueryOptions): QueryPlan {
  const driver = chooseDriver(options);
  const direction = options.descending ? 'DESC' : 'ASC';
  const parameters: QueryPlan['parameters'] = { trashed: options.trashed, low: options.low, high: options.high, limit: options.limit + 1 };
  const where: string[] = [];
  let from: string;
  let order: string;

  switch (driver) {
    case 'fts':
      from = 'idx_fts CROSS JOIN idx_clips AS c ON c.sortkey = idx_fts.rowid';
      where.push('idx_fts MATCH @match', 'idx_fts.rowid >= @low', 'idx_fts.rowid <= @high', 'c.trashed = @trashed');
      order = 'idx_fts.rowid';
      break;
    case 'tag':
      from = 'idx_tags AS t CROSS JOIN idx_clips AS c ON c.sortkey = t.sortkey';
      where.push('t.tag = @tag', 't.trashed = @trashed', 't.sortkey >= @low', 't.sortkey <= @high');
      order = 't.sortkey';
      break;
    case 'collection':
      from = 'idx_collections AS k CROSS JOIN idx_clips AS c ON c.sortkey = k.sortkey';
      where.push('k.collection = @collection', 'k.trashed = @trashed', 'k.sortkey >= @low', 'k.sortkey <= @high');
      order = 'k.sortkey';
      break;
    case 'kind':
    case 'has-text':
    case 'all': {
      const index = driver === 'kind' ? 'idx_clips_by_kind' : driver === 'has-text' ? 'idx_clips_by_has_text' : 'idx_clips_by_trash';
      from = `idx_clips AS c INDEXED BY ${index}`;
      where.push('c.trashed = @trashed', 'c.sortkey >= @low', 'c.sortkey <= @high');
      order = 'c.sortkey';
      break;
    }
  }

  if (driver === 'fts') parameters.match = fullTextMatch(options);
  if (options.kind !== undefined) {
    where.push('c.kind = @kind');
    parameters.kind = options.kind;
  }
  if (options.hasText !== undefined) {
    where.push('c.has_text = @has_text');
    parameters.has_text = options.hasText ? 1 : 0;
  }
  if (options.tag !== undefined) {
    parameters.tag = options.tag;
    if (driver !== 'tag') where.push('EXISTS (SELECT 1 FROM idx_tags AS t WHERE t.tag = @tag AND t.trashed = c.trashed AND t.sortkey = c.sortkey)');
  }
  if (options.collection !== undefined) {
    parameters.collection = options.collection;
    if (driver !== 'collection') {
      where.push('EXISTS (SELECT 1 FROM idx_collections AS k WHERE k.collection = @collection AND k.trashed = c.trashed AND k.sortkey = c.sortkey)');
    }
  }

  const sql = `SELECT ${clipColumns('c')} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} ${direction} LIMIT @limit`;
  const key = [driver, direction, ...Object.keys(parameters).sort()].join(' ');
  return { key, sql, parameters };
}

/** The person's words, searched in the visible columns only, ANDed with the filters' facet tokens. */
function fullTextMatch(options: QueryOptions): string {
  const facets = facetTokensOfQuery(facetFilterOf(options));
  const parts = facets.length === 0 ? [] : [`facets : (${facets.map((token) => `"${token}"`).join(' ')})`];
  if (options.match !== undefined) parts.unshift(`{title notes body} : (${options.match})`);
  return parts.join(' AND ');
}

function facetFilterOf(options: QueryOptions): FacetFilter {
  const { kind, hasText, tag, collection } = options;
  return { kind, hasText, tag, collection, trashed: options.trashed === 1 };
}
