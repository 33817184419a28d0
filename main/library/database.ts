import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import { LibraryError, LibraryInUseError } from './errors.js';

export type LibraryDatabase = BetterSqlite3.Database;

const SCHEMA_VERSION = 1;

/**
 * Opens the library's single encrypted SQLite file (Automerge chunks + index + bookkeeping)
 * and takes an exclusive lock on it for the life of the connection, so a second process gets
 * "library is in use" instead of two writers. The kernel drops the lock if the process dies.
 */
export function openLibraryDatabase(path: string, databaseKey: Buffer): LibraryDatabase {
  const db = new Database(path) as unknown as LibraryDatabase;
  try {
    db.pragma(`hexkey='${databaseKey.toString('hex')}'`);
    db.pragma('busy_timeout = 100');
    assertKeyOpensDatabase(db);
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // In EXCLUSIVE locking mode the lock taken here is kept until the connection closes.
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    // FULL: a change reported as done survives power loss too, not only a killed process.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    // 16 MB holds the hot index pages; with encryption each cached page costs about twice its size.
    db.pragma('cache_size = -16000');
    // Checkpoints every ~40 MB of WAL instead of ~4 MB, so fewer commits pay for one.
    db.pragma('wal_autocheckpoint = 10000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new LibraryInUseError(path.replace(/[/\\]library\.db$/, ''));
    throw error;
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_BUSY');
}

function assertKeyOpensDatabase(db: LibraryDatabase): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if (!isBusy(error) && error instanceof Error && /not a database|encrypted/i.test(error.message)) {
      throw new LibraryError('the library database cannot be decrypted with this key (wrong key or damaged file)', 'bad-key');
    }
    throw error;
  }
}

function migrate(db: LibraryDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS doc_dirty (doc_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    -- Clips whose edits changed after their rendering (entry.edited) was last written: rendered
    -- again when the library next opens, should the process have stopped in between.
    CREATE TABLE IF NOT EXISTS edits_pending (clip_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS quarantine (
      doc_id TEXT NOT NULL,
      entry_key TEXT NOT NULL,
      reason TEXT NOT NULL,
      detected_at INTEGER NOT NULL,
      raw TEXT NOT NULL,
      PRIMARY KEY (doc_id, entry_key)
    ) STRICT, WITHOUT ROWID;
    -- The audit log (main/security/audit/): append-only, hash-chained; audit_head holds one row, the
    -- signed last seq and hash. New tables only, so an older ClipShot still opens the file.
    CREATE TABLE IF NOT EXISTS audit_log (
      seq INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      actor_type TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS audit_log_kind ON audit_log (kind, seq);
    CREATE TABLE IF NOT EXISTS audit_head (
      one INTEGER PRIMARY KEY CHECK (one = 1),
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL,
      library_mac TEXT NOT NULL,
      device_public TEXT,
      device_signature TEXT
    ) STRICT;
  `);
  const stored = readMeta(db, 'schema_version');
  if (stored !== null && Number(stored) > SCHEMA_VERSION) {
    throw new LibraryError(`the library was written by a newer ClipShot (database schema ${stored})`, 'newer-schema');
  }
  writeMeta(db, 'schema_version', String(SCHEMA_VERSION));
}

export function readMeta(db: LibraryDatabase, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function writeMeta(db: LibraryDatabase, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
