// What a key rotation uses to move a blob file to new keys: opening a file whose hash is not known
// yet (only under its own key), and storing content whose hash is learned while it is written.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBlobFileUnhashed } from '../../../main/library/blobs/blob-reader.js';
import { BlobIntegrityError } from '../../../main/library/blobs/blob-store.js';
import { CHUNK, HEADER, TAG, flipByte, listDir, newKeys, newStore, sha256, storedFile } from './blob-test-helpers.js';

describe('moving a blob file to new keys', () => {
  it.each([0, 1, CHUNK, 3 * CHUNK + 5, 5 * 1024 * 1024 + 123])('re-encrypts %i bytes under the new keys and name', async (size) => {
    const { store: old, root, keys } = await newStore();
    const bytes = randomBytes(size);
    const { hash } = await old.putBytes(bytes);
    const file = storedFile(old, root, hash);
    const opened = await openBlobFileUnhashed(file, 'old', keys.contentKey);
    expect(opened).not.toBeNull();
    const target = (await newStore()).store;
    try {
      expect(opened!.holds(hash)).toBe(true);
      expect(opened!.holds(sha256(Buffer.from('something else')))).toBe(false);
      const stored = await target.putUnhashed(opened!.plaintext(), (written) => {
        if (!opened!.holds(written.hash)) throw new BlobIntegrityError(written.hash, 'not what the header binds');
      });
      expect(stored).toEqual({ hash, size, existed: false });
    } finally {
      await opened!.close();
    }
    expect((await target.readAll(hash)).equals(bytes)).toBe(true);
    expect(target.storedName(hash)).not.toBe(old.storedName(hash));
  });

  it('is not opened under another key, nor when it is not a whole blob file', async () => {
    const { store, root, keys, work } = await newStore();
    const { hash } = await store.putBytes(randomBytes(2 * CHUNK));
    const file = storedFile(store, root, hash);
    expect(await openBlobFileUnhashed(file, 'x', newKeys().contentKey)).toBeNull();
    const truncated = path.join(work, 'truncated');
    await fs.writeFile(truncated, (await fs.readFile(file)).subarray(0, HEADER + CHUNK + TAG));
    expect(await openBlobFileUnhashed(truncated, 'x', keys.contentKey)).toBeNull();
    const text = path.join(work, 'text');
    await fs.writeFile(text, 'not a blob at all');
    expect(await openBlobFileUnhashed(text, 'x', keys.contentKey)).toBeNull();
  });

  it('stores nothing when a later chunk is damaged or the content is refused', async () => {
    const { store: old, root, keys } = await newStore();
    const { hash } = await old.putBytes(randomBytes(3 * CHUNK));
    const file = storedFile(old, root, hash);
    await flipByte(file, HEADER + 2 * (CHUNK + TAG) + 7);
    const { store: target, root: targetRoot } = await newStore();
    const damaged = await openBlobFileUnhashed(file, 'damaged', keys.contentKey);
    expect(damaged).not.toBeNull();
    await expect(target.putUnhashed(damaged!.plaintext(), () => undefined)).rejects.toThrow(BlobIntegrityError);
    await damaged!.close();

    const { hash: other } = await old.putBytes(randomBytes(CHUNK + 1));
    const intact = await openBlobFileUnhashed(storedFile(old, root, other), 'intact', keys.contentKey);
    await expect(
      target.putUnhashed(intact!.plaintext(), () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await intact!.close();
    expect(await target.listStoredNames()).toEqual([]);
    expect(await listDir(path.join(targetRoot, 'tmp'))).toEqual([]);
  });
});
