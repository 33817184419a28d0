import type BetterSqlite3 from 'better-sqlite3';
import type { ClipSortField, TimelineBucket, TimelineBucketSize } from '../../contract/api.js';
import type { ClipEdited, ClipPage, ClipQuery, ClipView } from '../../contract/clips.js';
import { IndexRebuildingError, InvalidQueryError } from './errors.js';
import { checkIndexIntegrity } from './integrity.js';
import { INDEXED_COLUMNS, UNINDEXED_COLUMNS, WRITTEN_COLUMNS, clipColumns, analysisOfRow, clipToRowParameters, rowToClip, type ClipRow, type IndexedClip } from './indexed-clip.js';
import { OverviewReader, type IndexOverview } from './overview.js';
import { encodePageCursor, type PagePosition } from './page-cursor.js';
import { parseClipQuery, type FilterOptions, type QueryOptions } from './query-options.js';
import { needsMatchStrategy, planQuery, type MatchStrategy } from './query-plan.js';
import { chooseDriver, type QueryPlan } from './query-source.js';
import { prepareIndexSchema, recreateIndexTables, refillIndexTables } from './schema.js';
import { SortKeyAllocator, compareSortPosition, sameCaptureMillisecond } from './sort-key-allocator.js';
import { TIEBREAK_BITS } from './sort-key.js';
import { planBucketCounts, planBucketRanges, planCaptureExtreme, planCount, planMatchEstimate } from './tally-plan.js';
import { MAX_SEEKED_BUCKETS, bucketStarts, foldIntoBuckets, groupingUnitMs } from './timeline.js';

export { IndexRebuildingError, InvalidQueryError };
export type { IndexedClip, IndexOverview };

/** What explainQuery explains: a page of the list, its count, or its timeline (seeking each bucket, or grouping). */
export type ExplainedRead = 'page' | 'count' | 'timeline' | 'timeline-grouped';

/** A clip as analysis decides whether to analyse it (analysis-keys.ts). */
export type AnalysisState = Pick<ClipView, 'id' | 'importedAt' | 'contentHash' | 'deletedAt' | 'edited' | 'analysis'>;

// A search (or several filters) in title or import order sorts its matches when at most this
// many, and otherwise walks the order index, checking entries against the set of matches: then
// a page reads about (offset + limit) × library size / matches entries. At 100k clips, sorting
// 500 matches and walking for a page of 500 matches both take a few ms.
const MAX_SORTED_MATCHES = 500;

/** Where a clip's row is: its sort key, the capture time that key was made from, and its indexed columns. */
interface Place extends Record<(typeof INDEXED_COLUMNS)[number], string | number | bigint> {
  sortkey: bigint;
  captured_at: number;
}

/**
 * The SQLite + FTS5 index of clip metadata, derived from the shard documents: lists, filters,
 * sorting, paging and full-text search read only this. Lives in the library's database, which the
 * caller opens (and configures: WAL, cache size) and hands in.
 */
export class ClipIndex {
  /** True when this open created the index tables (new database or other schema version): rebuild it from the documents. */
  readonly needsRebuild: boolean;
  readonly #db: BetterSqlite3.Database;
  /** Prepared reads, by SQL text: a query's shape (filters, order, paging) decides its text. */
  readonly #reads = new Map<string, BetterSqlite3.Statement>();
  readonly #overview: OverviewReader;
  #rebuilding = false;
  readonly #keys: SortKeyAllocator;
  readonly #byId;
  readonly #placeOfId;
  readonly #insert;
  readonly #update;
  readonly #updateUnindexed;
  readonly #deleteByKey;
  readonly #deleteByShard;
  readonly #deleteHeads;
  readonly #putHeads;
  readonly #getHeads;
  readonly #allIds;
  readonly #thumbnailRefs;
  readonly #originalRefs;
  readonly #idsFrom;
  readonly #byContentHash;
  readonly #blobs;
  readonly #blobInUse;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.needsRebuild = prepareIndexSchema(db);
    this.#keys = new SortKeyAllocator(db);
    this.#byId = db.prepare(`SELECT ${clipColumns('c')} FROM idx_clips AS c WHERE c.id = ?`).safeIntegers(true);
    this.#placeOfId = db.prepare(`SELECT sortkey, captured_at, ${INDEXED_COLUMNS.join(', ')} FROM idx_clips WHERE id = ?`).safeIntegers(true);
    this.#insert = db.prepare(
      `INSERT INTO idx_clips (sortkey, ${WRITTEN_COLUMNS.join(', ')}) VALUES (@sortkey, ${WRITTEN_COLUMNS.map((column) => `@${column}`).join(', ')})`,
    );
    const setting = (columns: readonly string[]) => db.prepare(`UPDATE idx_clips SET ${columns.map((column) => `${column} = @${column}`).join(', ')} WHERE sortkey = @sortkey`);
    this.#update = setting(WRITTEN_COLUMNS);
    // Most edits (notes, tags, text) change no indexed column: then no idx_clips index is touched.
    this.#updateUnindexed = setting(UNINDEXED_COLUMNS);
    this.#deleteByKey = db.prepare('DELETE FROM idx_clips WHERE sortkey = ?');
    this.#deleteByShard = db.prepare('DELETE FROM idx_clips WHERE shard = ?');
    this.#deleteHeads = db.prepare('DELETE FROM idx_shard_heads WHERE shard = ?');
    this.#putHeads = db.prepare('INSERT INTO idx_shard_heads (shard, heads) VALUES (?, ?) ON CONFLICT (shard) DO UPDATE SET heads = excluded.heads');
    this.#getHeads = db.prepare('SELECT heads FROM idx_shard_heads WHERE shard = ?').pluck();
    this.#allIds = db.prepare('SELECT id FROM idx_clips').pluck();
    this.#thumbnailRefs = db
      .prepare(`SELECT media_thumb FROM idx_clips WHERE media_thumb IS NOT NULL UNION SELECT json_extract(edited, '$.thumb') FROM idx_clips WHERE json_extract(edited, '$.thumb') IS NOT NULL`)
      .pluck();
    this.#originalRefs = db.prepare('SELECT DISTINCT media_blob FROM idx_clips WHERE media_blob IS NOT NULL').pluck();
    this.#idsFrom = db.prepare('SELECT id FROM idx_clips WHERE id >= ? ORDER BY id LIMIT ?').pluck();
    this.#byContentHash = db.prepare(`SELECT ${clipColumns('c')} FROM idx_clips AS c WHERE c.content_hash = ? ORDER BY c.sortkey DESC`).safeIntegers(true);
    this.#blobInUse = db.prepare(`SELECT 1 FROM idx_clips WHERE media_blob = @hash OR media_thumb = @hash OR edited ->> '$.thumb' = @hash LIMIT 1`).pluck();
    this.#blobs = db.prepare(`SELECT media_blob AS blob, media_thumb AS thumb, edited ->> '$.thumb' AS editedThumb FROM idx_clips WHERE media_blob IS NOT NULL OR edited IS NOT NULL`);
    this.#overview = new OverviewReader(db);
  }

  /** Adds or replaces clips by id, in one transaction. Writing the same clip twice changes nothing. */
  upsert(clips: IndexedClip[]): void {
    // In sort-key order: FTS5 builds a transaction's doclists about twice as fast when rowids
    // ascend (measured), and neighbouring rows share B-tree pages.
    const ordered = [...clips].sort(compareSortPosition);
    this.transaction(() => {
      for (const clip of ordered) this.#upsertOne(clip);
    });
  }

  #upsertOne(clip: IndexedClip): void {
    if (!Number.isInteger(clip.shard) || clip.shard < 0 || clip.shard > 255) throw new RangeError(`clip ${clip.id}: shard ${clip.shard} is not in 0..255`);
    if (!Number.isFinite(clip.capturedAt)) throw new RangeError(`clip ${clip.id}: capturedAt ${clip.capturedAt} is not a time`);
    const row = clipToRowParameters(clip);
    const existing = this.#placeOfId.get(clip.id) as Place | undefined;
    if (existing !== undefined && sameCaptureMillisecond(existing.captured_at, clip.capturedAt)) {
      const changesIndexed = INDEXED_COLUMNS.some((column) => {
        const value = existing[column];
        return (typeof value === 'bigint' ? Number(value) : value) !== row[column];
      });
      (changesIndexed ? this.#update : this.#updateUnindexed).run({ ...row, sortkey: existing.sortkey });
      return;
    }
    if (existing !== undefined) this.#deleteByKey.run(existing.sortkey);
    this.#insert.run({ ...row, sortkey: this.#keys.allocate(clip.capturedAt, clip.id) });
  }

  remove(ids: string[]): void {
    this.transaction(() => {
      for (const id of ids) {
        const existing = this.#placeOfId.get(id) as Place | undefined;
        if (existing !== undefined) this.#deleteByKey.run(existing.sortkey);
      }
    });
  }

  /** Drops every row of a shard, and its recorded heads: the index no longer reflects that document. */
  removeShard(shard: number): void {
    this.transaction(() => {
      this.#deleteByShard.run(shard);
      this.#deleteHeads.run(shard);
    });
  }

  recordShardHeads(shard: number, heads: string[]): void {
    this.#putHeads.run(shard, JSON.stringify(heads));
  }

  /** The blobs the clips refer to, the trash included: thumbnails (originals' and edits') and originals. */
  blobReferences(): { thumbnails: string[]; originals: string[] } {
    const thumbnails = this.#thumbnailRefs.all() as string[];
    const originals = this.#originalRefs.all() as string[];
    return { thumbnails, originals };
  }

  /** Every clip's id, the trash included. */
  allClipIds(): string[] {
    return this.#allIds.all() as string[];
  }

  /** What analysis needs to know of every clip outside the trash, without their texts: which ones to analyse. */
  analysisStates(): AnalysisState[] {
    const rows = this.#db.prepare('SELECT id, imported_at, content_hash, edited, analysis FROM idx_clips WHERE trashed = 0').all() as { id: string; imported_at: number; content_hash: string; edited: string | null; analysis: string | null }[];
    return rows.map((row) => ({
      id: row.id,
      importedAt: row.imported_at,
      contentHash: row.content_hash,
      deletedAt: null,
      edited: row.edited === null ? null : (JSON.parse(row.edited) as ClipEdited),
      // Without the recognised text: deciding what to analyse never needs it.
      ...(row.analysis !== null && { analysis: analysisOfRow(row.analysis, '') }),
    }));
  }

  shardHeads(shard: number): string[] | null {
    const heads = this.#getHeads.get(shard) as string | undefined;
    return heads === undefined ? null : (JSON.parse(heads) as string[]);
  }

  get(id: string): IndexedClip | null {
    const row = this.#byId.get(id) as ClipRow | undefined;
    return row === undefined ? null : rowToClip(row);
  }

  /** Ids that start with prefix, in id order; the CLI accepts any unique prefix. */
  resolveIdPrefix(prefix: string, limit = 10): string[] {
    const matches: string[] = [];
    for (const id of this.#idsFrom.iterate(prefix, limit) as IterableIterator<string>) {
      if (!id.startsWith(prefix)) break;
      matches.push(id);
    }
    return matches;
  }

  /**
   * One page of clips in the query's order (capture time by default), after its cursor or offset.
   * The next cursor continues the same order, whatever changes in between.
   */
  query(query: ClipQuery): ClipPage<IndexedClip> {
    this.#checkReadable();
    const options = parseClipQuery(query);
    const rows: ClipRow[] = [];
    for (const plan of planQuery(options, this.#matchStrategy(options))) {
      const wanted = options.limit + 1 - rows.length;
      if (wanted <= 0) break;
      const statement = this.#read(plan, (sql) => this.#db.prepare(sql).safeIntegers(true));
      rows.push(...(statement.all({ ...plan.parameters, limit: wanted }) as ClipRow[]));
    }
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return { items: page.map(rowToClip), nextCursor: rows.length > options.limit && last !== undefined ? encodePageCursor(positionOf(last, options.orderBy)) : null };
  }

  /**
   * How many clips a list or search matches: outside the trash, or in it with `{ trash: true }`.
   * Order and paging (cursor, offset, limit) do not change the count, though they are checked.
   */
  count(query: ClipQuery = {}): number {
    this.#checkReadable();
    const plan = planCount(parseClipQuery(query));
    return this.#read(plan, (sql) => this.#db.prepare(sql).pluck()).get(plan.parameters) as number;
  }

  /** Clips outside the trash per kind, tag and collection, and how many are in the trash. */
  overview(): IndexOverview {
    this.#checkReadable();
    return this.#overview.read();
  }

  /**
   * How many of the clips a query matches were captured in each UTC hour, day, month or year, in
   * time order; empty buckets are left out. Order and paging of the query do not matter.
   */
  timeline(query: ClipQuery, bucket: TimelineBucketSize): TimelineBucket[] {
    this.#checkReadable();
    const options = parseClipQuery(query);
    // A search's matches are grouped; B-tree walks seek each bucket between the first and the
    // last match and count along the index, which sorts nothing.
    if (chooseDriver(options) !== 'fts') {
      const first = this.#captureExtreme(options, false);
      const last = this.#captureExtreme(options, true);
      if (first === null || last === null) return [];
      const firstMs = Number(first >> TIEBREAK_BITS);
      const lastMs = Number(last >> TIEBREAK_BITS);
      const starts = bucketStarts(firstMs, lastMs, bucket, MAX_SEEKED_BUCKETS);
      if (starts !== null) {
        const plan = planBucketRanges(options);
        const bounds = JSON.stringify([firstMs, ...starts.slice(1), lastMs + 1]);
        const rows = this.#read(plan, (sql) => this.#db.prepare(sql)).all({ ...plan.parameters, bounds }) as { i: number; count: number }[];
        return rows.filter((row) => row.count > 0).map((row) => ({ start: starts[row.i]!, count: row.count }));
      }
    }
    const plan = planBucketCounts(options, groupingUnitMs(bucket));
    const counts = this.#read(plan, (sql) => this.#db.prepare(sql)).all(plan.parameters) as TimelineBucket[];
    return foldIntoBuckets(counts, bucket);
  }

  /** The capture times (ms) of the first and last clip a query matches; null when none does. Order and paging do not matter. */
  captureSpan(query: ClipQuery): { first: number; last: number } | null {
    this.#checkReadable();
    const options = parseClipQuery(query);
    const first = this.#captureExtreme(options, false);
    const last = this.#captureExtreme(options, true);
    if (first === null || last === null) return null;
    return { first: Number(first >> TIEBREAK_BITS), last: Number(last >> TIEBREAK_BITS) };
  }

  /** The SQLite query plan of a page (or count, or timeline) of a query, one line per step: for tests and diagnostics. */
  explainQuery(query: ClipQuery, read: ExplainedRead = 'page'): string[] {
    const options = parseClipQuery(query);
    const plans: Record<ExplainedRead, () => QueryPlan[]> = {
      page: () => planQuery(options, this.#matchStrategy(options)),
      count: () => [planCount(options)],
      timeline: () => {
        const plan = planBucketRanges(options);
        return [{ sql: plan.sql, parameters: { ...plan.parameters, bounds: '[0, 1]' } }];
      },
      'timeline-grouped': () => [planBucketCounts(options, groupingUnitMs('day'))],
    };
    return plans[read]().flatMap((plan) => {
      const steps = this.#db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(plan.parameters) as { detail: string }[];
      return steps.map((step) => step.detail);
    });
  }

  /** A rebuild builds the list indexes last, and other reads may run while it awaits its documents. */
  #checkReadable(): void {
    if (this.#rebuilding) throw new IndexRebuildingError();
  }

  #matchStrategy(options: QueryOptions): MatchStrategy | undefined {
    if (!needsMatchStrategy(options)) return undefined;
    const plan = planMatchEstimate(options, MAX_SORTED_MATCHES + 1);
    const matches = this.#read(plan, (sql) => this.#db.prepare(sql).pluck()).get(plan.parameters) as number;
    return matches > MAX_SORTED_MATCHES ? 'walk' : 'sort';
  }

  #captureExtreme(options: FilterOptions, last: boolean): bigint | null {
    const plan = planCaptureExtreme(options, last);
    const key = this.#read(plan, (sql) => this.#db.prepare(sql).pluck().safeIntegers(true)).get(plan.parameters) as bigint | undefined;
    return key ?? null;
  }

  #read(plan: QueryPlan, prepare: (sql: string) => BetterSqlite3.Statement): BetterSqlite3.Statement {
    let statement = this.#reads.get(plan.sql);
    if (statement === undefined) {
      statement = prepare(plan.sql);
      this.#reads.set(plan.sql, statement);
    }
    return statement;
  }

  /** Every clip with this content hash, trashed ones included, newest first. */
  findByContentHash(hash: string): IndexedClip[] {
    return (this.#byContentHash.all(hash) as ClipRow[]).map(rowToClip);
  }

  /** Whether any clip, trashed ones included, refers to this blob. */
  isBlobReferenced(hash: string): boolean {
    return this.#blobInUse.get({ hash }) !== undefined;
  }

  /** Every blob (original, thumbnail, edited thumbnail) a clip refers to, trashed clips included. */
  referencedBlobs(): Set<string> {
    const referenced = new Set<string>();
    for (const row of this.#blobs.iterate() as IterableIterator<{ blob: string | null; thumb: string | null; editedThumb: string | null }>) {
      for (const hash of [row.blob, row.thumb, row.editedThumb]) if (hash !== null) referenced.add(hash);
    }
    return referenced;
  }

  /** Empties the index (rows, full-text entries, recorded heads). */
  clear(): void {
    this.transaction(() => recreateIndexTables(this.#db));
  }

  /**
   * Empties the index and refills it through `fill` (which calls upsert and friends), building
   * the list and full-text indexes once at the end. Must run inside a transaction the caller
   * holds. Meanwhile lists, counts, the overview and timelines throw IndexRebuildingError.
   */
  async rebuild(fill: () => Promise<void>): Promise<void> {
    if (!this.#db.inTransaction) throw new Error('ClipIndex.rebuild must run inside a transaction');
    this.#rebuilding = true;
    try {
      await refillIndexTables(this.#db, fill);
    } finally {
      this.#rebuilding = false;
    }
  }

  /**
   * Merges the full-text index into one segment. Searches then read one doclist per word instead
   * of one per segment; worth running after a rebuild (clear, then upsert everything) or when idle.
   */
  optimize(): void {
    this.#db.prepare(`INSERT INTO idx_fts (idx_fts) VALUES ('optimize')`).run();
  }

  /** Problems found, as sentences; [] when the index is healthy. */
  checkIntegrity(): string[] {
    return checkIndexIntegrity(this.#db);
  }

  /** Runs fn in one transaction (a savepoint when one is already open). */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }
}

function positionOf(row: ClipRow, orderBy: ClipSortField): PagePosition {
  switch (orderBy) {
    case 'captured':
      return { orderBy, key: row.sortkey };
    case 'imported':
      return { orderBy, value: row.imported_at, key: row.sortkey };
    case 'title':
      return { orderBy, value: row.title_key, key: row.sortkey };
  }
}
