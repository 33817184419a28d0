import { hkdfSync } from 'node:crypto';

export interface LibrarySubkeys {
  databaseKey: Buffer;
  blobContentKey: Buffer;
  blobNameKey: Buffer;
  /** Signs (HMAC) the audit log's head, so that holding the database key alone cannot rewrite the log. */
  auditKey: Buffer;
}

// One purpose per key: a key never serves two algorithms, and a leak of one exposes nothing of the others.
const SALT = Buffer.from('clipshot library subkeys', 'utf8');
const INFO = {
  databaseKey: 'clipshot/v1/database',
  blobContentKey: 'clipshot/v1/blob-content',
  blobNameKey: 'clipshot/v1/blob-name',
  auditKey: 'clipshot/v1/audit-head',
} as const;

export function deriveLibrarySubkeys(libraryKey: Buffer): LibrarySubkeys {
  if (libraryKey.length !== 32) throw new RangeError(`a library key is 32 bytes, got ${libraryKey.length}`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', libraryKey, SALT, info, 32));
  return { databaseKey: derive(INFO.databaseKey), blobContentKey: derive(INFO.blobContentKey), blobNameKey: derive(INFO.blobNameKey), auditKey: derive(INFO.auditKey) };
}
