import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import type { LibraryDatabase } from '../database.js';

const SEPARATOR = '/';
// The character after SEPARATOR in code-point order: keys in [prefix + '/', prefix + '0') share the prefix.
const AFTER_SEPARATOR = String.fromCharCode(SEPARATOR.charCodeAt(0) + 1);
const GROUP_COMMIT_MS = 10;

/**
 * automerge-repo's storage in the library's SQLite file: one transactional file instead of
 * thousands of small ones, encrypted with the rest of the database.
 */
export class SqliteStorageAdapter implements StorageAdapterInterface {
  readonly #statements;
  #closed = false;
  /** Saves waiting to be committed together (see `save`). */
  #pending: { key: string; data: Uint8Array; done: () => void; failed: (error: unknown) => void }[] = [];
  #flushTimer: NodeJS.Timeout | null = null;

  constructor(private readonly db: LibraryDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS am_chunks (key TEXT NOT NULL UNIQUE, data BLOB NOT NULL) STRICT`);
    this.#statements = {
      load: db.prepare('SELECT data FROM am_chunks WHERE key = ?'),
      save: db.prepare('INSERT INTO am_chunks (key, data) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET data = excluded.data'),
      remove: db.prepare('DELETE FROM am_chunks WHERE key = ?'),
      loadRange: db.prepare('SELECT key, data FROM am_chunks WHERE key = ? OR (key >= ? AND key < ?)'),
      removeRange: db.prepare('DELETE FROM am_chunks WHERE key = ? OR (key >= ? AND key < ?)'),
      hasDocument: db.prepare('SELECT 1 FROM am_chunks WHERE key >= ? AND key < ? LIMIT 1'),
    };
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    this.#settle();
    const row = this.#statements.load.get(joinKey(key)) as { data: Buffer } | undefined;
    return row ? new Uint8Array(row.data) : undefined;
  }

  /**
   * Inside a library write, a save joins its transaction. Outside one (automerge-repo saving what
   * peers sent), saves made within a few milliseconds of each other commit together and each
   * resolves once that commit is on disk: one fsync for a burst of sync messages, not one each.
   */
  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    if (this.#closed) return;
    if (this.db.inTransaction) {
      this.#statements.save.run(joinKey(key), data);
      return;
    }
    const joined = joinKey(key);
    return new Promise((done, failed) => {
      this.#pending.push({ key: joined, data, done, failed });
      this.#flushTimer ??= setTimeout(() => this.#flushSaves(), GROUP_COMMIT_MS);
    });
  }

  /** Reads and removals see every save made before them: waiting ones are committed first. */
  #settle(): void {
    if (this.#pending.length === 0) return;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushSaves();
  }

  #flushSaves(): void {
    this.#flushTimer = null;
    const saves = this.#pending;
    this.#pending = [];
    try {
      const write = () => {
        for (const { key, data } of saves) this.#statements.save.run(key, data);
      };
      if (this.db.inTransaction) write();
      else this.db.transaction(write)();
    } catch (error) {
      for (const save of saves) save.failed(error);
      return;
    }
    for (const save of saves) save.done();
  }

  async remove(key: StorageKey): Promise<void> {
    if (this.#closed) return;
    this.#settle();
    this.#statements.remove.run(joinKey(key));
  }

  /**
   * automerge-repo's throttled saves can fire after the library closed; the library flushes every
   * document before closing, so what they would write is already stored.
   */
  close(): void {
    this.#settle();
    this.#closed = true;
  }

  async loadRange(keyPrefix: StorageKey): Promise<Chunk[]> {
    this.#settle();
    const rows = this.#statements.loadRange.all(...rangeArguments(keyPrefix)) as { key: string; data: Buffer }[];
    return rows.map((row) => ({ key: row.key.split(SEPARATOR), data: new Uint8Array(row.data) }));
  }

  async removeRange(keyPrefix: StorageKey): Promise<void> {
    if (this.#closed) return;
    this.#settle();
    this.#statements.removeRange.run(...rangeArguments(keyPrefix));
  }

  /** Whether any chunk of a document is stored, without loading it. */
  hasDocument(documentId: string): boolean {
    this.#settle();
    const [, start, end] = rangeArguments([documentId]);
    return this.#statements.hasDocument.get(start, end) !== undefined;
  }
}

function joinKey(key: StorageKey): string {
  for (const part of key) {
    if (part.includes(SEPARATOR)) throw new Error(`storage key part contains "${SEPARATOR}": ${part}`);
  }
  return key.join(SEPARATOR);
}

function rangeArguments(keyPrefix: StorageKey): [string, string, string] {
  const joined = joinKey(keyPrefix);
  return [joined, joined + SEPARATOR, joined + AFTER_SEPARATOR];
}
