import type BetterSqlite3 from 'better-sqlite3';
import { INDEX_SCHEMA_VERSION, readSchemaVersion } from './schema.js';

const MAX_REPORTED = 20;

/** Checks the index against itself; returns problems as sentences, [] when healthy. */
export function checkIndexIntegrity(db: BetterSqlite3.Database): string[] {
  const version = readSchemaVersion(db);
  if (version !== INDEX_SCHEMA_VERSION) return [`the index has schema version ${version}, expected ${INDEX_SCHEMA_VERSION} (run reindex)`];
  return [...checkFullText(db), ...checkRows(db), ...checkLabels(db, 'tags', 'idx_tags', 'tag'), ...checkLabels(db, 'collections', 'idx_collections', 'collection')];
}

function checkFullText(db: BetterSqlite3.Database): string[] {
  try {
    // rank = 1 also re-reads every row of the content table and compares it with the index.
    db.prepare(`INSERT INTO idx_fts (idx_fts, rank) VALUES ('integrity-check', 1)`).run();
    return [];
  } catch (error) {
    return [`the full-text index does not match the clip rows (run reindex): ${error instanceof Error ? error.message : String(error)}`];
  }
}

function checkRows(db: BetterSqlite3.Database): string[] {
  const rows = db
    .prepare(
      `SELECT id FROM idx_clips
       WHERE trashed IS NOT (deleted_at IS NOT NULL) OR json_valid(tags) = 0 OR json_valid(collections) = 0
          OR sortkey < (CAST(floor(min(max(captured_at, -140737488355328), 140737488355327)) AS INTEGER) << 16)
       LIMIT ${MAX_REPORTED}`,
    )
    .pluck()
    .all() as string[];
  return rows.map((id) => `index row of clip ${id} is inconsistent (trash flag, labels or sort key; run reindex)`);
}

function checkLabels(db: BetterSqlite3.Database, column: string, table: string, label: string): string[] {
  const missing = db
    .prepare(
      `SELECT c.id, j.value AS label FROM idx_clips AS c, json_each(c.${column}) AS j
       WHERE NOT EXISTS (
         SELECT 1 FROM ${table} AS l
         WHERE l.${label} = j.value AND l.trashed = c.trashed AND l.sortkey = c.sortkey AND l.imported_at = c.imported_at AND l.title_key = c.title_key
       )
       LIMIT ${MAX_REPORTED}`,
    )
    .all() as { id: string; label: string }[];
  const stray = db
    .prepare(
      `SELECT l.${label} AS label, l.sortkey FROM ${table} AS l
       WHERE NOT EXISTS (SELECT 1 FROM idx_clips AS c, json_each(c.${column}) AS j WHERE c.sortkey = l.sortkey AND c.trashed = l.trashed AND j.value = l.${label})
       LIMIT ${MAX_REPORTED}`,
    )
    .all() as { label: string; sortkey: number }[];
  return [
    ...missing.map((row) => `${label} "${row.label}" of clip ${row.id} is missing from ${table} or out of date there (run reindex)`),
    ...stray.map((row) => `${table} lists ${label} "${row.label}" for a row that does not have it (run reindex)`),
  ];
}
