import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobIntegrityError, BlobNotFoundError, BlobRangeError } from '../../../main/library/blobs/blob-store.js';
import { CHUNK, collect, flipByte, listDir, newStore, sha256, storedFile } from '../blobs/blob-test-helpers.js';

/** Two stores: `store` lacks what `source` has, and fetches it from there when asked. */
async function storesWithSource() {
  const { store, work, root } = await newStore();
  const { store: source } = await newStore();
  const asked: string[] = [];
  store.setMissingBlobSource(async (hash) => {
    asked.push(hash);
    await store.putBytes(await source.readAll(hash));
  });
  return { store, source, asked, work, root };
}

describe('the blob store’s missing-blob source', () => {
  it('is asked once by each content read of a missing blob, which then reads what it stored', async () => {
    const { store, source, asked, work } = await storesWithSource();
    const bytes = randomBytes(3 * CHUNK + 11);
    const { hash } = await source.putBytes(bytes);

    expect((await store.readAll(hash)).equals(bytes)).toBe(true);
    expect(asked).toEqual([hash]);
    expect((await store.readAll(hash)).equals(bytes)).toBe(true);
    expect(asked).toHaveLength(1);

    for (const read of [
      async (h: string) => expect((await collect(await store.createReadStream(h))).equals(bytes)).toBe(true),
      async (h: string) => expect((await collect(await store.createReadStream(h, { start: CHUNK, end: CHUNK + 9 }))).equals(bytes.subarray(CHUNK, CHUNK + 10))).toBe(true),
      async (h: string) => expect(await store.size(h)).toBe(bytes.length),
      async (h: string) => {
        const out = path.join(work, `export-${asked.length}.bin`);
        await store.exportTo(h, out);
        expect((await fs.readFile(out)).equals(bytes)).toBe(true);
      },
    ]) {
      expect(await store.remove(hash)).toBe(true);
      const before = asked.length;
      await read(hash);
      expect(asked).toHaveLength(before + 1);
    }
  });

  it('is never asked by has, check, readLocalRange or writes', async () => {
    const { store, asked } = await storesWithSource();
    const hash = sha256(Buffer.from('absent'));
    expect(await store.has(hash)).toBe(false);
    expect(await store.check(hash)).toBe('missing');
    await expect(store.readLocalRange(hash, 0, 10)).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.putBytes(Buffer.from('present'));
    expect(asked).toEqual([]);
  });

  it('gives its failure as the reason the blob was not found, and a source that stores nothing gets not-found', async () => {
    const { store } = await newStore();
    const hash = sha256(Buffer.from('nowhere'));
    store.setMissingBlobSource(async () => {
      throw new Error('no connected device has it');
    });
    const error = await store.readAll(hash).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobNotFoundError);
    expect((error as Error).message).toBe(`blob ${hash} is not in the library (no connected device has it)`);

    let calls = 0;
    store.setMissingBlobSource(async () => {
      calls += 1;
    });
    await expect(store.size(hash)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(calls).toBe(1);
    store.setMissingBlobSource(null);
    await expect(store.size(hash)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(calls).toBe(1);
  });

  it('is not asked about a blob that is there but damaged', async () => {
    const { store, root, asked } = await storesWithSource();
    const { hash } = await store.putBytes(randomBytes(1000));
    await flipByte(storedFile(store, root, hash), 200);
    await expect(store.readAll(hash)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(asked).toEqual([]);
  });
});

describe('readLocalRange', () => {
  it('returns the bytes asked for, clipped to the blob, with its size', async () => {
    const { store } = await newStore();
    const bytes = randomBytes(3 * CHUNK + 5);
    const { hash } = await store.putBytes(bytes);
    expect(await store.readLocalRange(hash, 0, 10 * CHUNK)).toEqual({ size: bytes.length, bytes });
    expect(await store.readLocalRange(hash, CHUNK - 3, 10)).toEqual({ size: bytes.length, bytes: bytes.subarray(CHUNK - 3, CHUNK + 7) });
    expect(await store.readLocalRange(hash, 3 * CHUNK, 100)).toEqual({ size: bytes.length, bytes: bytes.subarray(3 * CHUNK) });
    const empty = await store.putBytes(Buffer.alloc(0));
    expect(await store.readLocalRange(empty.hash, 0, 100)).toEqual({ size: 0, bytes: Buffer.alloc(0) });
  });

  it('refuses offsets past the end and lengths that are not positive', async () => {
    const { store } = await newStore();
    const { hash } = await store.putBytes(randomBytes(100));
    await expect(store.readLocalRange(hash, 100, 1)).rejects.toBeInstanceOf(BlobRangeError);
    await expect(store.readLocalRange(hash, 0, 0)).rejects.toThrow(/positive length/);
    await expect(store.readLocalRange(hash, -1, 5)).rejects.toThrow(/non-negative offset/);
    const empty = await store.putBytes(Buffer.alloc(0));
    await expect(store.readLocalRange(empty.hash, 1, 1)).rejects.toBeInstanceOf(BlobRangeError);
  });
});

describe('putStream', () => {
  it('stores pieces of any size as one blob, the same as putBytes would', async () => {
    const { store } = await newStore();
    const bytes = randomBytes(4 * CHUNK + 17);
    const cuts = [0, 1, 1000, CHUNK, CHUNK + 1, 3 * CHUNK - 2, 4 * CHUNK, bytes.length];
    async function* pieces() {
      for (let i = 1; i < cuts.length; i += 1) yield bytes.subarray(cuts[i - 1], cuts[i]);
    }
    expect(await store.putStream(pieces(), sha256(bytes))).toEqual({ hash: sha256(bytes), size: bytes.length, existed: false });
    expect((await store.readAll(sha256(bytes))).equals(bytes)).toBe(true);
    expect(await store.putStream([bytes], sha256(bytes))).toEqual({ hash: sha256(bytes), size: bytes.length, existed: true });
    for (const size of [0, CHUNK, 2 * CHUNK]) {
      const exact = randomBytes(size);
      expect((await store.putStream([exact.subarray(0, size >> 1), exact.subarray(size >> 1)], sha256(exact))).size).toBe(size);
      expect((await store.readAll(sha256(exact))).equals(exact)).toBe(true);
    }
  });

  it('stores nothing, leaving no temp file, when the content does not hash to what was expected', async () => {
    const { store, root } = await newStore();
    const bytes = randomBytes(2 * CHUNK);
    const claimed = sha256(Buffer.from('something else'));
    await expect(store.putStream([bytes], claimed)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await store.has(claimed)).toBe(false);
    expect(await store.has(sha256(bytes))).toBe(false);
    expect(await listDir(path.join(root, 'tmp'))).toEqual([]);
  });
});
