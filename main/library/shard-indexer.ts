import type { ClipView } from '../../contract/clips.js';
import type { ClipIndex } from '../index/clip-index.js';
import type { LibraryDatabase } from './database.js';
import type { ChangedEntries, ShardDocuments } from './documents/shard-documents.js';
import { validateClipEntry, validateShardHeader, type EntryValidation, type ShardDoc } from './documents/schema.js';
import { shardOfClip } from './ids.js';
import { WHOLE_DOCUMENT, type Quarantine } from './quarantine.js';

export interface ShardContents {
  clips: ClipView[];
  problems: { entryKey: string; reason: string; raw: unknown }[];
}

/**
 * Keeps the index in step with the shard documents. Every index write marks the shard dirty in
 * the same transaction; the mark is cleared only once the document is saved at the heads the
 * index reflects. A crash in between leaves the mark, and the next open re-reads that shard.
 */
export class ShardIndexer {
  readonly #markDirty;
  readonly #clearDirty;
  readonly #dirtyDocuments;

  constructor(
    db: LibraryDatabase,
    private readonly index: ClipIndex,
    private readonly quarantine: Quarantine,
    private readonly shards: ShardDocuments,
  ) {
    this.#markDirty = db.prepare('INSERT OR IGNORE INTO doc_dirty (doc_id) VALUES (?)');
    this.#clearDirty = db.prepare('DELETE FROM doc_dirty WHERE doc_id = ?');
    this.#dirtyDocuments = db.prepare('SELECT doc_id AS documentId FROM doc_dirty');
  }

  /** The change listener for shard documents (local edits and, later, changes from peers). */
  readonly onShardChange = (shard: number, doc: ShardDoc, changed: ChangedEntries): void => {
    const documentId = this.shards.documentId(shard);
    this.index.transaction(() => {
      this.#markDirty.run(documentId);
      if (changed === null) {
        this.#replaceShard(shard, doc);
        return;
      }
      const removed: string[] = [];
      const valid: ClipView[] = [];
      for (const key of changed) {
        const raw = doc.clips?.[key];
        if (raw === undefined) {
          removed.push(key);
          this.quarantine.release(documentId, key);
          continue;
        }
        const result = validateEntryOfShard(shard, key, raw);
        if (result.ok) {
          valid.push(result.clip);
          this.quarantine.release(documentId, key);
        } else {
          removed.push(key);
          this.quarantine.hold(documentId, key, result.reason, raw);
        }
      }
      // Only rows that this shard owns: a misplaced entry must not evict the real clip's row.
      const owned = removed.filter((id) => this.index.get(id)?.shard === shard);
      if (owned.length > 0) this.index.remove(owned);
      if (valid.length > 0) this.index.upsert(valid.map((clip) => ({ ...clip, shard })));
    });
  };

  /** Records that the index reflects these saved heads, so the shard needs no repair. */
  markSaved(savedHeads: Map<number, string[]>): void {
    this.index.transaction(() => {
      for (const [shard, heads] of savedHeads) {
        this.index.recordShardHeads(shard, heads);
        this.#clearDirty.run(this.shards.documentId(shard));
      }
    });
  }

  /** Re-reads shards whose index writes were not followed by a save (a crash, a kill -9). */
  async repairDirtyShards(): Promise<number[]> {
    const documents = this.#dirtyDocuments.all() as { documentId: string }[];
    const repaired: number[] = [];
    for (const { documentId } of documents) {
      const shard = this.shards.shardOfDocument(documentId);
      if (shard === null) {
        this.#clearDirty.run(documentId);
        continue;
      }
      await this.reindexShard(shard);
      repaired.push(shard);
    }
    return repaired;
  }

  async reindexShard(shard: number): Promise<void> {
    const shards = this.shards;
    if (!shards.isStored(shard)) {
      this.index.transaction(() => {
        this.index.removeShard(shard);
        this.#clearDirty.run(shards.documentId(shard));
      });
      return;
    }
    await shards.read(shard, (doc, heads) => {
      this.index.transaction(() => {
        this.#replaceShard(shard, doc);
        this.index.recordShardHeads(shard, heads);
        this.#clearDirty.run(shards.documentId(shard));
      });
    });
  }

  #replaceShard(shard: number, doc: ShardDoc): void {
    const documentId = this.shards.documentId(shard);
    this.index.removeShard(shard);
    this.quarantine.releaseDocument(documentId);
    const contents = readShardContents(shard, doc);
    if ('invalid' in contents) {
      this.quarantine.hold(documentId, WHOLE_DOCUMENT, contents.invalid, { schema: doc?.schema, type: doc?.type, shard: doc?.shard });
      return;
    }
    for (const problem of contents.problems) this.quarantine.hold(documentId, problem.entryKey, problem.reason, problem.raw);
    this.index.upsert(contents.clips.map((clip) => ({ ...clip, shard })));
  }
}

export function readShardContents(shard: number, doc: ShardDoc): ShardContents | { invalid: string } {
  const header = validateShardHeader(doc, shard);
  if (!header.ok) return { invalid: header.reason };
  const contents: ShardContents = { clips: [], problems: [] };
  for (const [key, raw] of Object.entries(header.clips)) {
    const result = validateEntryOfShard(shard, key, raw);
    if (result.ok) contents.clips.push(result.clip);
    else contents.problems.push({ entryKey: key, reason: result.reason, raw });
  }
  return contents;
}

// A peer could put an entry into the wrong shard; it would then be invisible to edits that look it up by id.
function validateEntryOfShard(shard: number, key: string, raw: unknown): EntryValidation {
  const result = validateClipEntry(key, raw);
  if (result.ok && shardOfClip(key) !== shard) return { ok: false, reason: `clip ${key} belongs in shard ${shardOfClip(key)}, found in shard ${shard}` };
  return result;
}
