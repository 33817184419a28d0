import type { ClipSortField } from '../../contract/api.js';
import { excludedFacetTokensOfQuery, facetTokensOfQuery, type FacetFilter } from './fts-facets.js';
import type { FilterOptions } from './query-options.js';

/** The index a query walks, in the list's order so that a page can stop early. */
export type QueryDriver = 'fts' | 'tag' | 'collection' | 'kind' | 'has-text' | 'all';

export type QueryParameters = Record<string, string | number | bigint>;

export interface QueryPlan {
  sql: string;
  parameters: QueryParameters;
}

/** The driving table and the filters of a query, before any order or paging. */
export interface Source {
  driver: QueryDriver;
  from: string;
  where: string[];
  parameters: QueryParameters;
  /** The driving table's sort-key expression. */
  key: string;
  /** The alias whose order columns (imported_at, title_key) a page is ordered by. */
  alias: string;
}

export interface SourceShape {
  driver: QueryDriver;
  /** Which of the driver's indexes is walked: the one in this order. */
  orderBy: ClipSortField;
  /** A page returns clip rows; a tally (count, timeline, or the rows an offset skips) only needs their sort keys. */
  purpose: 'page' | 'tally';
  /**
   * Check the search and the filters with a B-tree driver through the set of sort keys that the
   * full-text index matches, rather than let the full-text index drive.
   */
  matchSet?: boolean;
}

/** The driver of a query in capture order, or of a tally. */
export function chooseDriver(options: FilterOptions): QueryDriver {
  if (options.match !== undefined) return 'fts';
  // Two filters at once: FTS5 intersects their facet doclists, skipping ahead, where a B-tree
  // walk of one filter would read every row of it when the other rarely matches.
  if (facetTokensOfQuery(facetFilterOf(options)).length >= 2) return 'fts';
  return chooseTreeDriver(options);
}

/** The B-tree driver that narrows a query most for sure, its search and other filters aside. */
export function chooseTreeDriver(options: FilterOptions): Exclude<QueryDriver, 'fts'> {
  if (options.tag !== undefined) return 'tag';
  if (options.collection !== undefined) return 'collection';
  if (options.kind !== undefined) return 'kind';
  if (options.hasText !== undefined) return 'has-text';
  return 'all';
}

// The idx_clips index each driver walks, per order; each ends in the rowid (the sort key), which
// breaks ties. Title and import order have no has_text index: that filter matches too many
// clips to be worth one, so it is checked on the rows met.
const CLIP_INDEXES: Record<ClipSortField, Record<'kind' | 'has-text' | 'all', string>> = {
  captured: { kind: 'idx_clips_by_kind', 'has-text': 'idx_clips_by_has_text', all: 'idx_clips_by_trash' },
  imported: { kind: 'idx_clips_by_kind_imported', 'has-text': 'idx_clips_by_imported', all: 'idx_clips_by_imported' },
  title: { kind: 'idx_clips_by_kind_title', 'has-text': 'idx_clips_by_title', all: 'idx_clips_by_title' },
};
const LABEL_INDEX_SUFFIX: Record<ClipSortField, string> = { captured: '', imported: '_by_imported', title: '_by_title' };

/**
 * Builds the FROM and WHERE of a query. The driver table comes first (CROSS JOIN pins the join
 * order); filters it does not cover are checked per row. A page joins the clip rows to return
 * them; a tally joins them only when a filter needs a row column. Where the full-text index is
 * asked for a whole set of matches (a tally it drives, or a match set), kind, trash and text
 * state are held exactly by its facet tokens and need no check on the clip row.
 */
export function sourceOf(options: FilterOptions, shape: SourceShape): Source {
  const { driver, orderBy, purpose } = shape;
  const matchSet = shape.matchSet === true && driver !== 'fts';
  const exactTokens = matchSet || (driver === 'fts' && purpose === 'tally');
  const parameters: QueryParameters = { trashed: options.trashed };
  const onDriver: string[] = [];
  let table: string;
  let alias: string;

  switch (driver) {
    case 'fts':
      table = 'idx_fts';
      alias = 'idx_fts';
      onDriver.push('idx_fts MATCH @match');
      break;
    case 'tag':
    case 'collection': {
      const [name, column, short] = driver === 'tag' ? ['idx_tags', 'tag', 't'] : ['idx_collections', 'collection', 'k'];
      const index = LABEL_INDEX_SUFFIX[orderBy];
      table = `${name} AS ${short}${index === '' ? '' : ` INDEXED BY ${name}${index}`}`;
      alias = short;
      onDriver.push(`${short}.${column} = @${column}`, `${short}.trashed = @trashed`);
      break;
    }
    case 'kind':
    case 'has-text':
    case 'all':
      table = `idx_clips AS c INDEXED BY ${CLIP_INDEXES[orderBy][driver]}`;
      alias = 'c';
      onDriver.push('c.trashed = @trashed');
      break;
  }
  const key = driver === 'fts' ? 'idx_fts.rowid' : `${alias}.sortkey`;
  if (driver === 'fts' || matchSet) parameters.match = fullTextMatch(options, exactTokens);
  // The date range narrows the set to build; the walk checks it on its index.
  if (matchSet) onDriver.push(`${key} IN (SELECT rowid FROM idx_fts WHERE idx_fts MATCH @match AND rowid >= @low AND rowid <= @high)`);

  const onRow: string[] = [];
  if (driver === 'fts' && !exactTokens) onRow.push('c.trashed = @trashed');
  if (options.kind !== undefined && (!exactTokens || driver === 'kind')) {
    parameters.kind = options.kind;
    (driver === 'kind' ? onDriver : onRow).push('c.kind = @kind');
  }
  if (options.hasText !== undefined && (!exactTokens || driver === 'has-text')) {
    parameters.has_text = options.hasText ? 1 : 0;
    onRow.push('c.has_text = @has_text');
  }
  if (options.tag !== undefined) {
    parameters.tag = options.tag;
    if (driver !== 'tag') onDriver.push(`EXISTS (SELECT 1 FROM idx_tags AS t WHERE t.tag = @tag AND t.trashed = @trashed AND t.sortkey = ${key})`);
  }
  if (options.collection !== undefined) {
    parameters.collection = options.collection;
    if (driver !== 'collection') onDriver.push(`EXISTS (SELECT 1 FROM idx_collections AS k WHERE k.collection = @collection AND k.trashed = @trashed AND k.sortkey = ${key})`);
  }

  const where = [...onDriver, ...onRow];
  if (alias === 'c') return { driver, from: table, where, parameters, key, alias };
  // Title and import order read their values from the clip row when the full-text index drives.
  const joinsRows = purpose === 'page' || onRow.length > 0 || (driver === 'fts' && orderBy !== 'captured');
  const from = joinsRows ? `${table} CROSS JOIN idx_clips AS c ON c.sortkey = ${key}` : table;
  return { driver, from, where, parameters, key, alias: driver === 'fts' ? 'c' : alias };
}

/**
 * The person's words, searched in the visible columns only, ANDed with the filters' facet tokens.
 * `exact` also rules out the tokens that a live or textless clip lacks (trashed, hastext), so
 * that kind, trash and text state need no check on the clip row.
 */
export function fullTextMatch(options: FilterOptions, exact: boolean): string {
  const filter = facetFilterOf(options);
  const quoted = (tokens: string[]) => tokens.map((token) => `"${token}"`);
  const facets = facetTokensOfQuery(filter);
  const parts = facets.length === 0 ? [] : [`facets : (${quoted(facets).join(' ')})`];
  if (options.match !== undefined) parts.unshift(`{title notes body recognised} : (${options.match})`);
  const excluded = exact ? excludedFacetTokensOfQuery(filter) : [];
  const match = parts.join(' AND ');
  return excluded.length === 0 ? match : `(${match}) NOT facets : (${quoted(excluded).join(' OR ')})`;
}

function facetFilterOf(options: FilterOptions): FacetFilter {
  const { kind, hasText, tag, collection } = options;
  return { kind, hasText, tag, collection, trashed: options.trashed === 1 };
}
