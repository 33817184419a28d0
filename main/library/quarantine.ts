import { isImmutableString } from '@automerge/automerge';
import type { LibraryDatabase } from './database.js';

export interface QuarantinedItem {
  documentId: string;
  entryKey: string;
  reason: string;
  detectedAt: number;
}

/** The whole document rather than one entry of it. */
export const WHOLE_DOCUMENT = '*';
const MAX_RAW_CHARS = 64 * 1024;

/**
 * Keeps what failed validation (from storage or a peer) out of the index, with the reason and
 * a copy, so one bad entry is reported instead of crashing or silently vanishing.
 */
export class Quarantine {
  readonly #put;
  readonly #release;
  readonly #releaseDocument;
  readonly #list;

  constructor(db: LibraryDatabase) {
    this.#put = db.prepare(
      `INSERT INTO quarantine (doc_id, entry_key, reason, detected_at, raw) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(doc_id, entry_key) DO UPDATE SET reason = excluded.reason, raw = excluded.raw`,
    );
    this.#release = db.prepare('DELETE FROM quarantine WHERE doc_id = ? AND entry_key = ?');
    this.#releaseDocument = db.prepare('DELETE FROM quarantine WHERE doc_id = ?');
    this.#list = db.prepare('SELECT doc_id AS documentId, entry_key AS entryKey, reason, detected_at AS detectedAt FROM quarantine ORDER BY detected_at, doc_id, entry_key');
  }

  hold(documentId: string, entryKey: string, reason: string, raw: unknown): void {
    this.#put.run(documentId, entryKey, reason, Date.now(), describeRaw(raw));
  }

  release(documentId: string, entryKey: string): void {
    this.#release.run(documentId, entryKey);
  }

  releaseDocument(documentId: string): void {
    this.#releaseDocument.run(documentId);
  }

  list(): QuarantinedItem[] {
    return this.#list.all() as QuarantinedItem[];
  }
}

function describeRaw(raw: unknown): string {
  try {
    const json = JSON.stringify(raw, (_key, value: unknown) => (isImmutableString(value) ? value.toString() : value)) ?? 'undefined';
    return json.length > MAX_RAW_CHARS ? `${json.slice(0, MAX_RAW_CHARS)}…` : json;
  } catch (error) {
    return `unserialisable: ${error instanceof Error ? error.message : String(error)}`;
  }
}
