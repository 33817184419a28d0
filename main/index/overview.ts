import type BetterSqlite3 from 'better-sqlite3';
import type { LibraryOverview } from '../../contract/api.js';
import { CLIP_KINDS, type ClipKind } from '../../contract/clips.js';

/** The library's sidebar figures; which library they belong to is not the index's business. */
export type IndexOverview = Omit<LibraryOverview, 'libraryId'>;

/** Tags (and collections) listed by the overview, most used first; the rest are left out. */
export const OVERVIEW_LABEL_LIMIT = 500;

/**
 * Reads the overview with GROUP BY over the indexes (no counters to keep in step): the kind
 * index walks the live clips once in kind order, and the label tables are grouped in their
 * primary-key order, so nothing is sorted but the groups themselves.
 */
export class OverviewReader {
  readonly #kinds;
  readonly #trash;
  readonly #tags;
  readonly #collections;

  constructor(db: BetterSqlite3.Database) {
    this.#kinds = db.prepare('SELECT kind, count(*) AS count FROM idx_clips INDEXED BY idx_clips_by_kind WHERE trashed = 0 GROUP BY kind');
    this.#trash = db.prepare('SELECT count(*) FROM idx_clips INDEXED BY idx_clips_by_trash WHERE trashed = 1').pluck();
    const labels = (table: string, column: string) =>
      db.prepare(`SELECT ${column} AS name, count(*) AS count FROM ${table} WHERE trashed = 0 GROUP BY ${column} ORDER BY count DESC, name LIMIT ${OVERVIEW_LABEL_LIMIT}`);
    this.#tags = labels('idx_tags', 'tag');
    this.#collections = labels('idx_collections', 'collection');
  }

  /** Counts clips outside the trash, except `trash`. */
  read(): IndexOverview {
    const kinds = Object.fromEntries(CLIP_KINDS.map((kind) => [kind, 0])) as Record<ClipKind, number>;
    let total = 0;
    for (const row of this.#kinds.all() as { kind: ClipKind; count: number }[]) {
      kinds[row.kind] = row.count;
      total += row.count;
    }
    return {
      total,
      trash: this.#trash.get() as number,
      kinds,
      tags: this.#tags.all() as { name: string; count: number }[],
      collections: this.#collections.all() as { name: string; count: number }[],
    };
  }
}
