import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ClipQuery } from '../../../contract/clips.js';
import { ClipIndex, type IndexedClip } from '../../../main/index/clip-index.js';
import { tempDir } from '../../helpers/temp.js';

export const DAY_MS = 24 * 3600 * 1000;
export const T0 = Date.UTC(2024, 0, 1);

/** A real SQLite file in a temp folder (removed after the test), opened as the library opens it. */
export async function openTestDatabase(options: { hexKey?: string } = {}): Promise<{ db: BetterSqlite3.Database; file: string }> {
  const file = path.join(await tempDir('clipshot-index-'), 'library.db');
  return { db: openDatabaseFile(file, options), file };
}

export function openDatabaseFile(file: string, options: { hexKey?: string } = {}): BetterSqlite3.Database {
  const db = new Database(file) as unknown as BetterSqlite3.Database;
  if (options.hexKey !== undefined) db.pragma(`hexkey='${options.hexKey}'`);
  db.pragma('journal_mode = WAL');
  return db;
}

export async function openTestIndex(): Promise<{ index: ClipIndex; db: BetterSqlite3.Database; file: string }> {
  const { db, file } = await openTestDatabase();
  return { index: new ClipIndex(db), db, file };
}

/** A 26-character lowercase id, distinct for each n. */
export function clipId(n: number): string {
  return `c${n.toString(36).padStart(25, '0')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A text clip captured n days after T0, with everything else filled in. */
export function makeClip(n: number, overrides: Partial<IndexedClip> = {}): IndexedClip {
  const capturedAt = T0 + n * DAY_MS;
  return {
    id: clipId(n),
    edited: null,
    shard: n % 256,
    kind: 'text',
    title: `clip ${n}`,
    notes: '',
    tags: [],
    collections: [],
    capturedAt,
    importedAt: capturedAt + 1,
    updatedAt: capturedAt + 2,
    deletedAt: null,
    contentHash: sha256(`content ${n}`),
    media: null,
    text: '',
    sourceName: `clip-${n}.txt`,
    ...overrides,
  };
}

export function makeImage(n: number, overrides: Partial<IndexedClip> = {}): IndexedClip {
  return makeClip(n, { kind: 'image', media: { blob: sha256(`blob ${n}`), mime: 'image/png', size: 100 + n, width: 32, height: 24 }, sourceName: `clip-${n}.png`, ...overrides });
}

export function ids(clips: { id: string }[]): string[] {
  return clips.map((clip) => clip.id);
}

/** Every page of a query, following cursors to the end. */
export function allPages(index: ClipIndex, query: ClipQuery): IndexedClip[][] {
  const pages: IndexedClip[][] = [];
  let cursor: string | undefined;
  do {
    const page = index.query(cursor === undefined ? query : { ...query, cursor });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 1000);
  return pages;
}
