import type { FilterOptions } from './query-options.js';
import { chooseDriver, fullTextMatch, sourceOf, type QueryPlan, type Source } from './query-source.js';
import { TIEBREAK_BITS } from './sort-key.js';

// Tallies walk the capture-order indexes (or the full-text index), whose key range is the date
// filter, and read no clip row unless a filter needs one: the capture millisecond of a match is
// its sort key shifted right.

/** How many clips the filters match. */
export function planCount(options: FilterOptions): QueryPlan {
  const { from, where, parameters } = tallySource(options);
  return { sql: `SELECT count(*) FROM ${from} WHERE ${where.join(' AND ')}`, parameters };
}

/**
 * Whether more than `bound` clips match a search or a set of filters, counted from the full-text
 * index alone (its facet tokens) and stopping at the bound, so it is cheap however many match.
 */
export function planMatchEstimate(options: FilterOptions, bound: number): QueryPlan {
  return {
    sql: 'SELECT count(*) FROM (SELECT 1 FROM idx_fts WHERE idx_fts MATCH @match AND rowid >= @low AND rowid <= @high LIMIT @bound)',
    parameters: { match: fullTextMatch(options, true), low: options.low, high: options.high, bound },
  };
}

/** The sort key of the first (or last) match in capture order; none when nothing matches. */
export function planCaptureExtreme(options: FilterOptions, last: boolean): QueryPlan {
  const { from, where, parameters, key } = tallySource(options);
  return { sql: `SELECT ${key} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${key} ${last ? 'DESC' : 'ASC'} LIMIT 1`, parameters };
}

/**
 * Matches per bucket of capture time, given as a JSON array `@bounds` of n + 1 millisecond
 * boundaries: bucket i counts [bounds[i], bounds[i + 1]). Each bucket is one seek and a count
 * along the index, so nothing is sorted; the date filter must lie within the bounds.
 */
export function planBucketRanges(options: FilterOptions): QueryPlan {
  const { from, where, parameters, key } = sourceOf(options, { driver: chooseDriver(options), orderBy: 'captured', purpose: 'tally' });
  const inBucket = [...where, `${key} >= (b.low << ${TIEBREAK_BITS})`, `${key} < (b.high << ${TIEBREAK_BITS})`];
  return {
    sql:
      `WITH b (i, low, high) AS (SELECT key, value, lead(value) OVER (ORDER BY key) FROM json_each(@bounds)) ` +
      `SELECT b.i AS i, (SELECT count(*) FROM ${from} WHERE ${inBucket.join(' AND ')}) AS count FROM b WHERE b.high IS NOT NULL ORDER BY b.i`,
    parameters,
  };
}

/**
 * Matches per bucket of capture time, `unitMs` wide from the epoch (UTC hours or days), in time
 * order, by grouping: it sorts the matches, so it serves when they are few (a search) or spread
 * over too many buckets to seek each.
 */
export function planBucketCounts(options: FilterOptions, unitMs: number): QueryPlan {
  const { from, where, parameters, key } = tallySource(options);
  const ms = `(${key} >> ${TIEBREAK_BITS})`;
  // % truncates toward zero; this floors, for times before 1970.
  const start = `${ms} - ((${ms} % @unit) + @unit) % @unit`;
  return {
    sql: `SELECT ${start} AS start, count(*) AS count FROM ${from} WHERE ${where.join(' AND ')} GROUP BY start ORDER BY start`,
    parameters: { ...parameters, unit: unitMs },
  };
}

function tallySource(options: FilterOptions): Source {
  const source = sourceOf(options, { driver: chooseDriver(options), orderBy: 'captured', purpose: 'tally' });
  source.where.push(`${source.key} >= @low`, `${source.key} <= @high`);
  Object.assign(source.parameters, { low: options.low, high: options.high });
  return source;
}
