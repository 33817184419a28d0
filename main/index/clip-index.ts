import type BetterSqlite3 from 'better-sqlite3';
import type { ClipPage, ClipQuery } from '../../contract/clips.js';
import { InvalidQueryError } from './errors.js';
import { checkIndexIntegrity } from './integrity.js';
import { WRITTEN_COLUMNS, clipColumns, clipToRowParameters, rowToClip, type ClipRow, type IndexedClip } from './indexed-clip.js';
import { parseClipQuery } from './query-options.js';
import { planQuery, type QueryPlan } from './query-plan.js';
import { prepareIndexSchema, recreateIndexTables, refillIndexTables } from './schema.js';
import { SortKeyAllocator, compareSortPosition, sameCaptureMillisecond } from './sort-key-allocator.js';
import { encodeCursor } from './sort-key.js';

export { InvalidQueryError };
export type { IndexedClip };

/** Where a clip's row is: its sort key, and the capture time that key was made from. */
interface Place {
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
  readonly #pages = new Map<string, BetterSqlite3.Statement>();
  readonly #keys: SortKeyAllocator;
  readonly #byId;
  readonly #placeOfId;
  readonly #insert;
  readonly #update;
  readonly #deleteByKey;
  readonly #deleteByShard;
  readonly #deleteHeads;
  readonly #putHeads;
  readonly #getHeads;
  readonly #idsFrom;
  readonly #byContentHash;
  readonly #blobs;
  readonly #count;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.needsRebuild = prepareIndexSchema(db);
    this.#keys = new SortKeyAllocator(db);
    this.#byId = db.prepare(`SELECT ${clipColumns('c')} FROM idx_clips AS c WHERE c.id = ?`).safeIntegers(true);
    this.#placeOfId = db.prepare('SELECT sortkey, captured_at FROM idx_clips WHERE id = ?').safeIntegers(true);
    this.#insert = db.prepare(
      `INSERT INTO idx_clips (sortkey, ${WRITTEN_COLUMNS.join(', ')}) VALUES (@sortkey, ${WRITTEN_COLUMNS.map((column) => `@${column}`).join(', ')})`,
    );
    this.#update = db.prepare(`UPDATE idx_clips SET ${WRITTEN_COLUMNS.map((column) => `${column} = @${column}`).join(', ')} WHERE sortkey = @sortkey`);
    this.#deleteByKey = db.prepare('DELETE FROM idx_clips WHERE sortkey = ?');
    this.#deleteByShard = db.prepare('DELETE FROM idx_clips WHERE shard = ?');
    this.#deleteHeads = db.prepare('DELETE FROM idx_shard_heads WHERE shard = ?');
    this.#putHeads = db.prepare('INSERT INTO idx_shard_heads (shard, heads) VALUES (?, ?) ON CONFLICT (shard) DO UPDATE SET heads = excluded.heads');
    this.#getHeads = db.prepare('SELECT heads FROM idx_shard_heads WHERE shard = ?').pluck();
    this.#idsFrom = db.prepare('SELECT id FROM idx_clips WHERE id >= ? ORDER BY id LIMIT ?').pluck();
    this.#byContentHash = db.prepare(`SELECT ${clipColumns('c')} FROM idx_clips AS c WHERE c.content_hash = ? ORDER BY c.sortkey DESC`).safeIntegers(true);
    this.#blobs = db.prepare('SELECT media_blob AS blob, media_thumb AS thumb FROM idx_clips WHERE media_blob IS NOT NULL');
    this.#count = db.prepare('SELECT count(*) FROM idx_clips INDEXED BY idx_clips_by_trash WHERE trashed = ?').pluck();
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
      this.#update.run({ ...row, sortkey: existing.sortkey });
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

  query(query: ClipQuery): ClipPage<IndexedClip> {
    const options = parseClipQuery(query);
    if (options.low > options.high) return { items: [], nextCursor: null };
    const plan = planQuery(options);
    const rows = this.#statement(plan).all(plan.parameters) as ClipRow[];
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return { items: page.map(rowToClip), nextCursor: rows.length > options.limit && last !== undefined ? encodeCursor(last.sortkey) : null };
  }

  /** The SQLite query plan of a query, one line per step: for tests and diagnostics. */
  explainQuery(query: ClipQuery): string[] {
    const plan = planQuery(parseClipQuery(query));
    const steps = this.#db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(plan.parameters) as { detail: string }[];
    return steps.map((step) => step.detail);
  }

  #statement(plan: QueryPlan): BetterSqlite3.Statement {
    let statement = this.#pages.get(plan.key);
    if (statement === undefined) {
      statement = this.#db.prepare(plan.sql).safeIntegers(true);
      this.#pages.set(plan.key, statement);
    }
    return statement;
  }

  /** Every clip with this content hash, trashed ones included, newest first. */
  findByContentHash(hash: string): IndexedClip[] {
    return (this.#byContentHash.all(hash) as ClipRow[]).map(rowToClip);
  }

  /** Every blob (original and thumbnail) a clip refers to, trashed clips included. */
  referencedBlobs(): Set<string> {
    const referenced = new Set<string>();
    for (const row of this.#blobs.iterate() as IterableIterator<{ blob: string; thumb: string | null }>) {
      referenced.add(row.blob);
      if (row.thumb !== null) referenced.add(row.thumb);
    }
    return referenced;
  }

  /** Clips outside the trash, or in it with `{ trash: true }`. */
  count(query: Pick<ClipQuery, 'trash'> = {}): number {
    return this.#count.get(query.trash === true ? 1 : 0) as number;
  }

  /** Empties the index (rows, full-text entries, recorded heads). */
  clear(): void {
    this.transaction(() => recreateIndexTables(this.#db));
  }

  /**
   * Empties the index and refills it through `fill` (which calls upsert and friends), building
   * the full-text index once at the end. Must run inside a transaction the caller holds.
   */
  async rebuild(fill: () => Promise<void>): Promise<void> {
    if (!this.#db.inTransaction) throw new Error('ClipIndex.rebuild must run inside a transaction');
    return refillIndexTables(this.#db, fill);
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
