// The baseline the index must beat: a bare FTS5 table joined to its rows, newest first by a
// plain ORDER BY on the capture time (which makes SQLite sort every match of a common word).
import { toFtsMatch } from '../../main/index/fts-match.js';
import { openBenchDatabase, timeSync, type BenchDatabaseOptions } from './bench-database.js';
import { percentile } from './stats.js';

export interface BaselineRow {
  title: string;
  body: string;
  capturedAt: number;
}

export function measureBareFtsBaseline(rows: BaselineRow[], queries: string[], options: BenchDatabaseOptions = {}): { search_p50_ms: number; search_p99_ms: number } {
  const bench = openBenchDatabase('clipshot-baseline-', options);
  try {
    const { db } = bench;
    db.exec(`
      CREATE TABLE rows (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, captured_at INTEGER NOT NULL);
      CREATE INDEX rows_by_captured_at ON rows (captured_at);
      CREATE VIRTUAL TABLE fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');
    `);
    const insertRow = db.prepare('INSERT INTO rows (id, title, body, captured_at) VALUES (?, ?, ?, ?)');
    const insertText = db.prepare('INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)');
    db.transaction(() => {
      rows.forEach((row, i) => {
        insertRow.run(i + 1, row.title, row.body, Math.floor(row.capturedAt));
        insertText.run(i + 1, row.title, row.body);
      });
    })();
    const search = db.prepare(
      `SELECT rows.id, rows.title, rows.body, rows.captured_at FROM fts JOIN rows ON rows.id = fts.rowid
       WHERE fts MATCH ? ORDER BY rows.captured_at DESC LIMIT 100`,
    );
    const matches = queries.map(toFtsMatch);
    if (matches[0] !== undefined) search.all(matches[0]);
    const times = matches.map((match) => timeSync(() => search.all(match)));
    return { search_p50_ms: percentile(times, 50), search_p99_ms: percentile(times, 99) };
  } finally {
    bench.dispose();
  }
}
