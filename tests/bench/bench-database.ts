import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchDatabaseOptions {
  /** Encrypt the file as the library does (hex key); plain SQLite when absent. */
  hexKey?: string;
}

export interface BenchDatabase {
  db: BetterSqlite3.Database;
  file: string;
  /** Checkpoints the WAL and returns the database size in bytes. */
  sizeBytes(): number;
  /** Closes the database and removes its folder. */
  dispose(): void;
}

/** A database in a fresh temp folder, configured like the library's (WAL, 32 MB cache, temp in memory). */
export function openBenchDatabase(prefix: string, options: BenchDatabaseOptions = {}): BenchDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'bench.db');
  const db = new Database(file) as unknown as BetterSqlite3.Database;
  if (options.hexKey !== undefined) db.pragma(`hexkey='${options.hexKey}'`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  return {
    db,
    file,
    sizeBytes() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      return fs.statSync(file).size;
    },
    dispose() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function timeSync(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}
