import type { LibraryDatabase } from '../database.js';
import { readMeta, writeMeta } from '../database.js';
import { SHARD_COUNT } from './schema.js';
import { shardDocumentId } from './shard-documents.js';
import { detailDocumentId } from './detail-documents.js';
import { settingsDocumentId } from './settings-document.js';

/**
 * The namespace every library's document ids are derived from. It is the same for every library,
 * so two devices that pair already name the same shards, details and settings alike and simply
 * merge: a clip id is unique the world over, shards start from one genesis, and only paired,
 * authenticated devices ever sync (the ids are not secrets).
 */
export const SYNCED_DOCUMENT_NAMESPACE = 'library';

const NAMESPACE_META_KEY = 'document_namespace';

/**
 * Libraries made before sync derived their document ids from their own id. This renames their
 * stored documents (every chunk of each) to the shared namespace, once, before any is loaded.
 * Detail documents are found through the index's clip ids; the rename is one transaction.
 */
export function migrateDocumentNamespace(db: LibraryDatabase, libraryId: string): string {
  const current = readMeta(db, NAMESPACE_META_KEY);
  if (current === SYNCED_DOCUMENT_NAMESPACE) return current;
  const legacy = current ?? libraryId;
  const renames: [string, string][] = [[settingsDocumentId(legacy), settingsDocumentId(SYNCED_DOCUMENT_NAMESPACE)]];
  for (let shard = 0; shard < SHARD_COUNT; shard++) renames.push([shardDocumentId(legacy, shard), shardDocumentId(SYNCED_DOCUMENT_NAMESPACE, shard)]);
  for (const clipId of indexedClipIds(db)) renames.push([detailDocumentId(legacy, clipId), detailDocumentId(SYNCED_DOCUMENT_NAMESPACE, clipId)]);
  const hasChunks = db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get('am_chunks') !== undefined;
  const renameChunks = hasChunks ? db.prepare(`UPDATE am_chunks SET key = ? || substr(key, ?) WHERE key >= ? AND key < ?`) : null;
  const renameDirty = db.prepare('UPDATE doc_dirty SET doc_id = ? WHERE doc_id = ?');
  const renameQuarantine = db.prepare('UPDATE quarantine SET doc_id = ? WHERE doc_id = ?');
  db.transaction(() => {
    for (const [from, to] of renames) {
      renameChunks?.run(to, from.length + 1, `${from}/`, `${from}0`);
      renameDirty.run(to, from);
      renameQuarantine.run(to, from);
    }
    writeMeta(db, NAMESPACE_META_KEY, SYNCED_DOCUMENT_NAMESPACE);
  })();
  return SYNCED_DOCUMENT_NAMESPACE;
}

function indexedClipIds(db: LibraryDatabase): string[] {
  const hasIndex = db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get('idx_clips') !== undefined;
  if (!hasIndex) return [];
  return (db.prepare('SELECT id FROM idx_clips').all() as { id: string }[]).map((row) => row.id);
}
