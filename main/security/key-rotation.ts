import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AuditActor } from '../../contract/audit.js';
import { openLibraryDatabase, type LibraryDatabase } from '../library/database.js';
import { LibraryError } from '../library/errors.js';
import type { LibraryPaths } from '../library/library-paths.js';
import { writeFileAtomic } from './atomic-file.js';
import { canonicalHead } from './audit/canonical.js';
import { libraryHeadMac, libraryMacMatches } from './audit/head-signers.js';
import { PendingAuditJournal } from './audit/pending-journal.js';
import { LIBRARY_KEY_LENGTH, loadKeyFile, serializeKeyFile } from './key-file.js';
import { rewrapSlotsForRotation, unlockWithPassphrase, unlockWithSecretStore } from './key-slots.js';
import { isLibraryKey } from './key-wrapping.js';
import { drawNextBlobKeys, finishBlobKeyMigration, keepCurrentBlobKeys, type BlobMigrationHooks } from './blob-key-rotation.js';
import { deriveLibrarySubkeys, type LibrarySubkeys } from './library-subkeys.js';
import type { SecretStore } from './secret-store.js';

/*
 * Key rotation: a new random library key. What it protects directly is re-encrypted or re-signed:
 * the SQLite database (the cipher's rekey: documents, index, audit log, device and provider
 * secrets in the vault), the audit head's MAC, and every key slot. Blobs get new random keys too
 * and every blob file is re-encrypted and renamed under them (blob-key-rotation.ts), which
 * rewrites every blob: the longest part of a rotation for a large library. Afterwards the old key
 * decrypts neither the database nor any blob file.
 *
 * Interruption: the new key file is written beside the old one (keys.json.next) before the
 * database changes, and renamed over it last. Library.open finds a leftover keys.json.next,
 * opens it with the same unlock method and finishes the rotation (rekey if the database still
 * takes the old key, MAC the head, rename), so a stopped rotation leaves a library that opens.
 * The blobs move after the rename; a move that stopped is finished by the next open.
 */

export function nextKeyFilePath(keyFile: string): string {
  return `${keyFile}.next`;
}

export interface RotationSecrets {
  /** Opens the old key and re-wraps the passphrase slot(s) it opens. */
  passphrase?: string | null;
  /** Opens keychain slots and re-wraps them under the same secrets. */
  store?: SecretStore | null;
}

/**
 * Rotates the key of a library no process has open. Audited (key-change) at the next open.
 * `hooks` are for tests (stopping the blob move part way).
 */
export async function rotateLibraryKey(paths: LibraryPaths, secrets: RotationSecrets, actor: AuditActor, hooks: BlobMigrationHooks = {}): Promise<{ slots: number; blobs: number }> {
  const next = nextKeyFilePath(paths.keyFile);
  if (await exists(next)) throw new LibraryError(`an earlier key rotation did not finish (${next}); open the library once to finish it, then rotate again`, 'busy');
  const oldKey = secrets.passphrase ? await unlockWithPassphrase(paths.keyFile, secrets.passphrase) : secrets.store ? await unlockWithSecretStore(paths.keyFile, secrets.store) : null;
  if (!oldKey) throw new LibraryError('key rotation needs the passphrase (or the OS keychain) that opens the library', 'bad-request');
  const newKey = randomBytes(LIBRARY_KEY_LENGTH);
  try {
    const file = await rewrapSlotsForRotation(paths.keyFile, oldKey, newKey, secrets);
    // The blobs of an earlier rotation move first, so each rotation starts from one blob key pair.
    await withDatabase(paths, oldKey, (db) => finishBlobKeyMigration(db, paths.blobs));
    await writeFileAtomic(next, serializeKeyFile(file), { exclusive: true, mode: 0o600 });
    await finishRotation(paths, oldKey, newKey);
    const journal = new PendingAuditJournal(paths.auditPending);
    journal.record({ kind: 'key-change', actor, details: { action: 'rotate', slots: file.slots.length } });
    await journal.flush();
    const { result } = await withDatabase(paths, newKey, (db) => finishBlobKeyMigration(db, paths.blobs, hooks));
    return { slots: file.slots.length, blobs: result.migrated };
  } finally {
    oldKey.fill(0);
    newKey.fill(0);
  }
}

/**
 * Library.open's part: after unlocking keys.json with `oldKey`, a leftover keys.json.next means a
 * rotation stopped part way. Returns the key to open the library with (the old one is zeroed when
 * the new one takes over).
 */
export async function finishInterruptedRotation(paths: LibraryPaths, oldKey: Buffer, unlockNext: (keyFile: string) => Promise<Buffer>): Promise<Buffer> {
  const next = nextKeyFilePath(paths.keyFile);
  if (!(await exists(next))) return oldKey;
  let newKey: Buffer | null = null;
  try {
    newKey = await unlockNext(next);
    const { file } = await loadKeyFile(next);
    if (!isLibraryKey(newKey, file.libraryId, file.keyCheck)) newKey = null;
  } catch {
    newKey = null;
  }
  if (!newKey) {
    // The new file does not open this way: fine only while the database still takes the old key.
    if (!databaseOpensWith(paths, deriveLibrarySubkeys(oldKey))) throw new LibraryError(`a key rotation stopped part way and ${next} does not open with this unlock method; unlock with the passphrase`, 'bad-key');
    await fs.rm(next, { force: true });
    return oldKey;
  }
  await finishRotation(paths, oldKey, newKey);
  oldKey.fill(0);
  return newKey;
}

async function finishRotation(paths: LibraryPaths, oldKey: Buffer, newKey: Buffer): Promise<void> {
  const { libraryId } = (await loadKeyFile(paths.keyFile)).file;
  const before = deriveLibrarySubkeys(oldKey);
  const after = deriveLibrarySubkeys(newKey);
  let db: LibraryDatabase;
  let rekeyed = false;
  try {
    db = openLibraryDatabase(paths.database, Buffer.from(before.databaseKey));
  } catch (error) {
    if (!(error instanceof LibraryError && error.code === 'bad-key')) throw error;
    db = openLibraryDatabase(paths.database, Buffer.from(after.databaseKey));
    rekeyed = true;
  }
  try {
    if (!rekeyed) {
      keepCurrentBlobKeys(db, { contentKey: before.blobContentKey, nameKey: before.blobNameKey });
      // The cipher rekeys only outside WAL; it rewrites every page in one transaction.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = DELETE');
      db.pragma(`hexrekey='${after.databaseKey.toString('hex')}'`);
      db.pragma('journal_mode = WAL');
    }
    drawNextBlobKeys(db);
    remacAuditHead(db, libraryId, before.auditKey, after.auditKey);
  } finally {
    db.close();
    for (const keys of [before, after]) for (const key of Object.values(keys)) key.fill(0);
  }
  await fs.rename(nextKeyFilePath(paths.keyFile), paths.keyFile);
}

/** The head MACed by the old key is MACed by the new one (a head the old key did not MAC stays as it is: verify names it). */
function remacAuditHead(db: LibraryDatabase, libraryId: string, oldAuditKey: Buffer, newAuditKey: Buffer): void {
  const head = db.prepare('SELECT seq, hash, library_mac FROM audit_head WHERE one = 1').get() as { seq: number; hash: string; library_mac: string } | undefined;
  if (!head) return;
  const message = canonicalHead(libraryId, head.seq, head.hash);
  if (!libraryMacMatches(oldAuditKey, message, head.library_mac)) return;
  db.prepare('UPDATE audit_head SET library_mac = ? WHERE one = 1').run(libraryHeadMac(newAuditKey, message));
}

async function withDatabase<T>(paths: LibraryPaths, libraryKey: Buffer, use: (db: LibraryDatabase) => Promise<T>): Promise<T> {
  const keys = deriveLibrarySubkeys(libraryKey);
  const db = openLibraryDatabase(paths.database, keys.databaseKey);
  for (const key of Object.values(keys)) key.fill(0);
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

function databaseOpensWith(paths: LibraryPaths, keys: LibrarySubkeys): boolean {
  try {
    openLibraryDatabase(paths.database, keys.databaseKey).close();
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
