import { clipColumns } from './indexed-clip.js';
import type { QueryOptions } from './query-options.js';
import { chooseDriver, chooseTreeDriver, sourceOf, type QueryPlan } from './query-source.js';
import { MAX_SORT_KEY, MIN_SORT_KEY } from './sort-key.js';

export { chooseDriver, type QueryDriver, type QueryPlan } from './query-source.js';

const ORDER_COLUMNS = { imported: 'imported_at', title: 'title_key' } as const;

/**
 * How a search (or a list with several filters) in title or import order is read: `sort` its
 * matches, fast when they are few; or `walk` the order index of its most certain filter and
 * check each entry against the set of matching sort keys, fast when they are many.
 */
export type MatchStrategy = 'sort' | 'walk';

/** Whether a page needs a MatchStrategy, and so an estimate of how many clips match. */
export function needsMatchStrategy(options: QueryOptions): boolean {
  return options.orderBy !== 'captured' && chooseDriver(options) === 'fts';
}

/**
 * One page of a list, as the statements to read in turn until the page is full (each takes
 * `limit`: the rows still wanted). In capture order the driver's sort-key order is the list's
 * order; in title or import order the driver's order index is (value, sort key). Either way the
 * page is read without sorting and stops after offset + limit + 1 rows, except for a search with
 * the `sort` strategy, which sorts its matches (just their values and sort keys, not whole rows).
 */
export function planQuery(options: QueryOptions, strategy: MatchStrategy = 'sort'): QueryPlan[] {
  const direction = options.descending ? 'DESC' : 'ASC';
  const walk = strategy === 'walk' && needsMatchStrategy(options);
  const treeDriver = chooseTreeDriver(options);
  const driver = walk ? (treeDriver === 'has-text' ? 'all' : treeDriver) : chooseDriver(options);
  // An offset is skipped in the driver's index alone (a tally's source joins no clip row it can
  // do without), and only the page's rows are read: skipping 50,000 clip rows would read them.
  const skips = options.offset > 0;
  const source = sourceOf(options, { driver, orderBy: options.orderBy, purpose: skips ? 'tally' : 'page', matchSet: walk });
  const { parameters, where, key } = source;
  parameters.limit = options.limit + 1;
  if (skips) parameters.offset = options.offset;
  const paging = skips ? 'LIMIT @limit OFFSET @offset' : 'LIMIT @limit';
  const select = (conditions: string[], order: string): QueryPlan => ({
    sql: `SELECT ${clipColumns('c')} FROM ${source.from} WHERE ${conditions.join(' AND ')} ${order} ${paging}`,
    parameters,
  });
  /** Finds the page's sort keys (and values) first, then reads just those rows. */
  const keysFirst = (columns: string, conditions: string[], order: string, outerOrder: string): QueryPlan => ({
    sql: `SELECT ${clipColumns('c')} FROM (SELECT ${columns} FROM ${source.from} WHERE ${conditions.join(' AND ')} ${order} ${paging}) AS p CROSS JOIN idx_clips AS c ON c.sortkey = p.sortkey ${outerOrder}`,
    parameters,
  });

  if (options.orderBy === 'captured') {
    // The cursor narrows the key range, so the driver's index seeks straight to the page.
    let { low, high } = options;
    const after = options.after?.key;
    if (after !== undefined && options.descending && after - 1n < high) high = after - 1n;
    if (after !== undefined && !options.descending && after + 1n > low) low = after + 1n;
    Object.assign(parameters, { low, high });
    const conditions = [...where, `${key} >= @low`, `${key} <= @high`];
    const order = `ORDER BY ${key} ${direction}`;
    return [skips ? keysFirst(`${key} AS sortkey`, conditions, order, `ORDER BY p.sortkey ${direction}`) : select(conditions, order)];
  }

  if (walk || options.low !== MIN_SORT_KEY || options.high !== MAX_SORT_KEY) {
    Object.assign(parameters, { low: options.low, high: options.high });
    if (!walk) where.push(`${key} >= @low`, `${key} <= @high`);
  }
  const value = `${source.alias}.${ORDER_COLUMNS[options.orderBy]}`;
  const sortkey = `${source.alias}.sortkey`;
  const order = `ORDER BY ${value} ${direction}, ${sortkey} ${direction}`;
  const after = options.after?.orderBy === options.orderBy ? options.after : undefined;
  if (after !== undefined) Object.assign(parameters, { after_value: after.value, after_key: after.key });
  const beyond = options.descending ? '<' : '>';

  if (source.driver === 'fts' || skips) {
    // The full-text index meets its matches in sort-key order: it sorts just (value, sort key).
    const conditions = after === undefined ? where : [...where, `(${value}, ${sortkey}) ${beyond} (@after_value, @after_key)`];
    return [keysFirst(`${sortkey} AS sortkey, ${value} AS value`, conditions, order, `ORDER BY p.value ${direction}, p.sortkey ${direction}`)];
  }
  if (after === undefined) return [select(where, order)];
  // SQLite seeks an idx_clips index by the value only, not by (value, rowid), so one statement
  // would walk every earlier tie of the cursor's value on every page: the rest of its ties
  // (value = cursor, sort key beyond), then the values beyond it, are each one seek.
  return [select([...where, `${value} = @after_value`, `${sortkey} ${beyond} @after_key`], `ORDER BY ${sortkey} ${direction}`), select([...where, `${value} ${beyond} @after_value`], order)];
}
