import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { BlobIntegrityError, BlobStore, type BlobKeys } from '../library/blobs/blob-store.js';
import { storedPath } from '../library/blobs/blob-names.js';
import { openBlobFileUnhashed } from '../library/blobs/blob-reader.js';
import { readMeta, writeMeta, type LibraryDatabase } from '../library/database.js';
import { wipeFile } from './wipe.js';

/*
 * Blob keys and their rotation. A library's two blob keys (content, names) derive from its first
 * library key until its first key rotation; from then on they live in the encrypted database (meta
 * 'blob_keys'). Each rotation draws new random blob keys, writes them beside the current ones
 * (meta 'blob_keys_next') only once the database is under the NEW library key (so the old library
 * key never protects them), and re-encrypts every blob file under them: streamed, written through
 * the store's tmp folder and renamed in under its new name, then the old file is wiped. When every
 * file is done, 'blob_keys' becomes the new pair and 'blob_keys_next' goes, in one transaction.
 *
 * Interruption: both pairs stay in the database until the end, and a file is wiped only once its
 * new copy is on disk, so every blob is always readable under one pair. The migration is idempotent
 * (a file whose first chunk does not authenticate under the old key is already done, or is not
 * ours, and is left alone); Library.open finishes one that stopped, before anything reads a blob,
 * and a new rotation finishes the previous one before it starts.
 */

const CURRENT = 'blob_keys';
const NEXT = 'blob_keys_next';

export interface BlobMigrationHooks {
  /** Called after each re-encrypted file (test hook: throwing here simulates a crash part way). */
  afterFile?: (migrated: number) => void | Promise<void>;
}

export interface BlobMigrationResult {
  /** Files re-encrypted under the new keys by this run. */
  migrated: number;
  /** Files that authenticated under the old key at first but turned out damaged: wiped (no key read them whole). */
  damaged: number;
}

/** The blob keys kept in the database, or null for a library never rotated (they derive from its key). */
export function storedBlobKeys(db: LibraryDatabase): BlobKeys | null {
  return readKeys(db, CURRENT);
}

/** Before the old library key's database is rekeyed: the pair in use, kept (a never-rotated library's derived pair). */
export function keepCurrentBlobKeys(db: LibraryDatabase, derived: BlobKeys): void {
  if (readMeta(db, CURRENT) === null) writeKeys(db, CURRENT, derived);
}

/** After the rekey, inside the database under the new library key: the pair the blobs move to (kept if already drawn). */
export function drawNextBlobKeys(db: LibraryDatabase): void {
  if (readMeta(db, NEXT) === null) writeKeys(db, NEXT, { contentKey: randomBytes(32), nameKey: randomBytes(32) });
}

export function blobMigrationPending(db: LibraryDatabase): boolean {
  return readMeta(db, NEXT) !== null;
}

/** Finishes a pending blob key migration, if any; returns what the blob store uses from now on (null: derive from the key). */
export async function finishBlobKeyMigration(db: LibraryDatabase, blobsDir: string, hooks: BlobMigrationHooks = {}): Promise<{ keys: BlobKeys | null; result: BlobMigrationResult }> {
  const next = readKeys(db, NEXT);
  const current = readKeys(db, CURRENT);
  if (next === null) return { keys: current, result: { migrated: 0, damaged: 0 } };
  // 'blob_keys' is written before 'blob_keys_next' (keepCurrentBlobKeys, then the rekey, then drawNextBlobKeys).
  if (current === null) throw new Error('a blob key migration is pending but the current blob keys are missing from the database');
  const result = await reencryptBlobs(blobsDir, current, next, hooks);
  db.transaction(() => {
    writeKeys(db, CURRENT, next);
    db.prepare('DELETE FROM meta WHERE key = ?').run(NEXT);
  })();
  current.contentKey.fill(0);
  current.nameKey.fill(0);
  return { keys: next, result };
}

async function reencryptBlobs(blobsDir: string, from: BlobKeys, to: BlobKeys, hooks: BlobMigrationHooks): Promise<BlobMigrationResult> {
  const root = path.resolve(blobsDir);
  const target = new BlobStore(root, to);
  const result: BlobMigrationResult = { migrated: 0, damaged: 0 };
  for (const name of await target.listStoredNames()) {
    const file = storedPath(root, name);
    const old = await openBlobFileUnhashed(file, name, from.contentKey);
    if (old === null) continue;
    let damaged = false;
    try {
      await target.putUnhashed(old.plaintext(), (written) => {
        if (!old.holds(written.hash)) throw new BlobIntegrityError(name, 'its header does not authenticate its content');
      });
    } catch (error) {
      if (!(error instanceof BlobIntegrityError)) throw error;
      damaged = true;
    } finally {
      await old.close();
    }
    // Wiped, not just removed: whoever holds the retired library key can derive (or read) the old
    // blob keys, so old ciphertext left in free space would still be theirs to decrypt. A damaged
    // file goes too: no key reads it whole, and it would keep readable chunks under the old key.
    // (Best effort on copy-on-write file systems and SSDs, which may keep the old blocks.)
    await wipeFile(file);
    if (damaged) result.damaged += 1;
    else {
      result.migrated += 1;
      await hooks.afterFile?.(result.migrated);
    }
  }
  return result;
}

function readKeys(db: LibraryDatabase, key: string): BlobKeys | null {
  const stored = readMeta(db, key);
  if (stored === null) return null;
  const { content, names } = JSON.parse(stored) as { content: string; names: string };
  return { contentKey: Buffer.from(content, 'base64'), nameKey: Buffer.from(names, 'base64') };
}

function writeKeys(db: LibraryDatabase, key: string, keys: BlobKeys): void {
  writeMeta(db, key, JSON.stringify({ content: keys.contentKey.toString('base64'), names: keys.nameKey.toString('base64') }));
}
