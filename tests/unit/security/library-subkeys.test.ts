import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveLibrarySubkeys } from '../../../main/security/library-subkeys.js';

// RFC 5869 written out independently, to pin the construction: HKDF-SHA256, fixed salt, one info string per purpose.
function hkdfSha256(key: Buffer, salt: string, info: string): Buffer {
  const prk = createHmac('sha256', Buffer.from(salt)).update(key).digest();
  return createHmac('sha256', prk).update(Buffer.concat([Buffer.from(info), Buffer.from([1])])).digest();
}

describe('deriveLibrarySubkeys', () => {
  it('derives three distinct 32-byte keys with HKDF-SHA256 and distinct info strings', () => {
    const libraryKey = randomBytes(32);
    const keys = deriveLibrarySubkeys(libraryKey);
    expect(keys.databaseKey).toEqual(hkdfSha256(libraryKey, 'clipshot library subkeys', 'clipshot/v1/database'));
    expect(keys.blobContentKey).toEqual(hkdfSha256(libraryKey, 'clipshot library subkeys', 'clipshot/v1/blob-content'));
    expect(keys.blobNameKey).toEqual(hkdfSha256(libraryKey, 'clipshot library subkeys', 'clipshot/v1/blob-name'));
    expect(new Set([keys.databaseKey, keys.blobContentKey, keys.blobNameKey, libraryKey].map((key) => key.toString('hex'))).size).toBe(4);
  });

  it('is deterministic per library key and differs between libraries', () => {
    const libraryKey = randomBytes(32);
    expect(deriveLibrarySubkeys(Buffer.from(libraryKey))).toEqual(deriveLibrarySubkeys(libraryKey));
    expect(deriveLibrarySubkeys(randomBytes(32)).databaseKey.equals(deriveLibrarySubkeys(libraryKey).databaseKey)).toBe(false);
  });

  it('refuses anything but a 32-byte key', () => {
    expect(() => deriveLibrarySubkeys(randomBytes(16))).toThrow('a library key is 32 bytes, got 16');
  });
});
