import type BetterSqlite3 from 'better-sqlite3';

/** Bump when the tables below change: the index is derived, so a mismatch means drop and rebuild. */
export const INDEX_SCHEMA_VERSION = 5;

// Large columns (notes, body) come last: SQLite reads a record front to back, so filters on the
// small columns never touch the overflow pages of a long text.
const CREATE_TABLES = `
  CREATE TABLE idx_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;

  CREATE TABLE idx_clips (
    sortkey INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    shard INTEGER NOT NULL,
    kind TEXT NOT NULL,
    trashed INTEGER NOT NULL,
    has_text INTEGER NOT NULL,
    captured_at REAL NOT NULL,
    imported_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    deleted_at REAL,
    title_key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    media_blob TEXT,
    media_mime TEXT,
    media_size INTEGER,
    media_width INTEGER,
    media_height INTEGER,
    media_duration_ms REAL,
    media_thumb TEXT,
    source_name TEXT NOT NULL,
    tags TEXT NOT NULL,
    collections TEXT NOT NULL,
    facets TEXT NOT NULL,
    edited TEXT,
    title TEXT NOT NULL,
    analysis TEXT,
    notes TEXT NOT NULL,
    body TEXT NOT NULL,
    recognised TEXT NOT NULL
  ) STRICT;
  CREATE INDEX idx_clips_by_shard ON idx_clips (shard);

  -- A label row copies the clip's order values, so that a tag or collection lists in import or
  -- title order from its own index (which ends in the primary key's sort key).
  CREATE TABLE idx_tags (
    tag TEXT NOT NULL, trashed INTEGER NOT NULL, sortkey INTEGER NOT NULL, imported_at REAL NOT NULL, title_key TEXT NOT NULL,
    PRIMARY KEY (tag, trashed, sortkey)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE idx_collections (
    collection TEXT NOT NULL, trashed INTEGER NOT NULL, sortkey INTEGER NOT NULL, imported_at REAL NOT NULL, title_key TEXT NOT NULL,
    PRIMARY KEY (collection, trashed, sortkey)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE idx_shard_heads (shard INTEGER PRIMARY KEY, heads TEXT NOT NULL) STRICT;

  -- External content: the text is stored once (in idx_clips) and snippet()/highlight() still work.
  CREATE VIRTUAL TABLE idx_fts USING fts5 (
    title, notes, body, facets, recognised,
    content = 'idx_clips', content_rowid = 'sortkey',
    tokenize = 'unicode61 remove_diacritics 2'
  );

  -- The label rows (and, through FULL_TEXT_TRIGGERS, the full-text entry) follow the clip row in
  -- the same statement, so no code path can update one and forget the other.
  CREATE TRIGGER idx_clips_inserted AFTER INSERT ON idx_clips BEGIN
    INSERT OR IGNORE INTO idx_tags (tag, trashed, sortkey, imported_at, title_key)
      SELECT value, new.trashed, new.sortkey, new.imported_at, new.title_key FROM json_each(new.tags);
    INSERT OR IGNORE INTO idx_collections (collection, trashed, sortkey, imported_at, title_key)
      SELECT value, new.trashed, new.sortkey, new.imported_at, new.title_key FROM json_each(new.collections);
  END;

  CREATE TRIGGER idx_clips_deleted AFTER DELETE ON idx_clips BEGIN
    DELETE FROM idx_tags WHERE tag IN (SELECT value FROM json_each(old.tags)) AND trashed = old.trashed AND sortkey = old.sortkey;
    DELETE FROM idx_collections WHERE collection IN (SELECT value FROM json_each(old.collections)) AND trashed = old.trashed AND sortkey = old.sortkey;
  END;

  CREATE TRIGGER idx_clips_labels_updated AFTER UPDATE OF tags, collections, trashed, imported_at, title_key ON idx_clips
  WHEN old.tags IS NOT new.tags OR old.collections IS NOT new.collections OR old.trashed IS NOT new.trashed
    OR old.imported_at IS NOT new.imported_at OR old.title_key IS NOT new.title_key BEGIN
    DELETE FROM idx_tags WHERE tag IN (SELECT value FROM json_each(old.tags)) AND trashed = old.trashed AND sortkey = old.sortkey;
    DELETE FROM idx_collections WHERE collection IN (SELECT value FROM json_each(old.collections)) AND trashed = old.trashed AND sortkey = old.sortkey;
    INSERT OR IGNORE INTO idx_tags (tag, trashed, sortkey, imported_at, title_key)
      SELECT value, new.trashed, new.sortkey, new.imported_at, new.title_key FROM json_each(new.tags);
    INSERT OR IGNORE INTO idx_collections (collection, trashed, sortkey, imported_at, title_key)
      SELECT value, new.trashed, new.sortkey, new.imported_at, new.title_key FROM json_each(new.collections);
  END;

  -- The sort key is the identity of the full-text entry; a new capture time means a new row.
  CREATE TRIGGER idx_clips_sortkey_fixed BEFORE UPDATE OF sortkey ON idx_clips
  WHEN old.sortkey IS NOT new.sortkey BEGIN
    SELECT RAISE(ABORT, 'idx_clips.sortkey cannot change; delete and insert the row');
  END;
`;

// The indexes that lists, counts and duplicate checks read, apart so that a rebuild creates each
// in one sorted pass after the rows are in. Inserting 100,000 clips into them one by one writes
// their pages in random order, over and over within the one transaction: at 100k clips that
// made a reindex a third slower and its peak memory 24 MB higher (measured).
// Each idx_clips index ends in the rowid, so an equality prefix walks in sort-key order, and the
// import and title ones in (value, sort key) order: the sort key breaks ties.
const LIST_INDEXES = `
  CREATE INDEX idx_clips_by_trash ON idx_clips (trashed);
  CREATE INDEX idx_clips_by_kind ON idx_clips (trashed, kind);
  CREATE INDEX idx_clips_by_has_text ON idx_clips (trashed, has_text);
  CREATE INDEX idx_clips_by_imported ON idx_clips (trashed, imported_at);
  CREATE INDEX idx_clips_by_kind_imported ON idx_clips (trashed, kind, imported_at);
  CREATE INDEX idx_clips_by_title ON idx_clips (trashed, title_key);
  CREATE INDEX idx_clips_by_kind_title ON idx_clips (trashed, kind, title_key);
  CREATE INDEX idx_clips_by_content_hash ON idx_clips (content_hash);
  CREATE INDEX idx_tags_by_imported ON idx_tags (tag, trashed, imported_at);
  CREATE INDEX idx_tags_by_title ON idx_tags (tag, trashed, title_key);
  CREATE INDEX idx_collections_by_imported ON idx_collections (collection, trashed, imported_at);
  CREATE INDEX idx_collections_by_title ON idx_collections (collection, trashed, title_key);
`;

// Apart from the others so that a rebuild can fill idx_clips without them and build the
// full-text index once, in sort-key order: rows arriving out of rowid order make FTS5 flush and
// merge tiny segments over and over, which costs time and memory.
const FULL_TEXT_TRIGGERS = `
  CREATE TRIGGER idx_fts_follows_insert AFTER INSERT ON idx_clips BEGIN
    INSERT INTO idx_fts (rowid, title, notes, body, facets, recognised) VALUES (new.sortkey, new.title, new.notes, new.body, new.facets, new.recognised);
  END;

  CREATE TRIGGER idx_fts_follows_delete AFTER DELETE ON idx_clips BEGIN
    INSERT INTO idx_fts (idx_fts, rowid, title, notes, body, facets, recognised) VALUES ('delete', old.sortkey, old.title, old.notes, old.body, old.facets, old.recognised);
  END;

  -- An edit that changes neither text nor filters (most of them) leaves the full-text entry alone.
  CREATE TRIGGER idx_fts_follows_text_update AFTER UPDATE OF title, notes, body, facets, recognised ON idx_clips
  WHEN old.title IS NOT new.title OR old.notes IS NOT new.notes OR old.body IS NOT new.body OR old.facets IS NOT new.facets OR old.recognised IS NOT new.recognised BEGIN
    INSERT INTO idx_fts (idx_fts, rowid, title, notes, body, facets, recognised) VALUES ('delete', old.sortkey, old.title, old.notes, old.body, old.facets, old.recognised);
    INSERT INTO idx_fts (rowid, title, notes, body, facets, recognised) VALUES (new.sortkey, new.title, new.notes, new.body, new.facets, new.recognised);
  END;
`;

const INDEX_TABLES = ['idx_fts', 'idx_tags', 'idx_collections', 'idx_shard_heads', 'idx_clips', 'idx_meta'];
const LIST_INDEX_NAMES = [...LIST_INDEXES.matchAll(/CREATE INDEX (\w+)/g)].map((match) => match[1]!);

/**
 * Creates the index tables, or drops and recreates them when they were written by another
 * schema version. Returns true when the index starts empty and must be rebuilt from the documents.
 */
export function prepareIndexSchema(db: BetterSqlite3.Database): boolean {
  const version = readSchemaVersion(db);
  if (version === INDEX_SCHEMA_VERSION) return false;
  db.transaction(() => recreateIndexTables(db))();
  return true;
}

export function recreateIndexTables(db: BetterSqlite3.Database, { forRefill = false } = {}): void {
  // The library's database has secure_delete on, so a DROP overwrites every page it frees, and
  // one statement's pages add up in memory until it ends: dropping the indexes one by one before
  // their table kept a reindex at 100k clips 30 MB lower (measured).
  for (const index of LIST_INDEX_NAMES) db.exec(`DROP INDEX IF EXISTS ${index}`);
  for (const table of INDEX_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
  db.exec(CREATE_TABLES);
  if (!forRefill) db.exec(LIST_INDEXES);
  if (!forRefill) db.exec(FULL_TEXT_TRIGGERS);
  db.prepare(`INSERT INTO idx_meta (key, value) VALUES ('schema_version', ?)`).run(String(INDEX_SCHEMA_VERSION));
}

export function readSchemaVersion(db: BetterSqlite3.Database): number | null {
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'idx_meta'`).get();
  if (exists === undefined) return null;
  const row = db.prepare(`SELECT value FROM idx_meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
  return row === undefined ? null : Number(row.value);
}

/**
 * Empties the index, lets `fill` insert every clip with the list indexes and the full-text index
 * left aside, then builds each of those in one pass. Call inside a transaction, so that a
 * failure keeps the old index.
 */
export async function refillIndexTables(db: BetterSqlite3.Database, fill: () => Promise<void>): Promise<void> {
  recreateIndexTables(db, { forRefill: true });
  await fill();
  db.exec(LIST_INDEXES);
  db.exec(FULL_TEXT_TRIGGERS);
  db.exec(`INSERT INTO idx_fts (idx_fts) VALUES ('rebuild')`);
}
