import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BlobIntegrityError, BlobRangeError } from '../../../main/library/blobs/blob-store.js';
import { CHUNK, HEADER, TAG, collect, flipByte, newStore, storedFile } from './blob-test-helpers.js';

const SIZE = 3 * CHUNK + 1000;

async function storedBlob(size = SIZE) {
  const { store, root } = await newStore();
  const bytes = randomBytes(size);
  const { hash } = await store.putBytes(bytes);
  return { store, root, bytes, hash };
}

describe('BlobStore ranges', () => {
  const ranges: Array<[number, number]> = [
    [0, 0],
    [1, 1],
    [CHUNK - 1, CHUNK - 1],
    [CHUNK, CHUNK],
    [CHUNK - 1, CHUNK],
    [0, CHUNK - 1],
    [CHUNK, 2 * CHUNK - 1],
    [CHUNK - 10, 2 * CHUNK + 10],
    [100, 3 * CHUNK + 500],
    [3 * CHUNK, SIZE - 1],
    [SIZE - 1, SIZE - 1],
    [0, SIZE - 1],
  ];

  it.each(ranges)('reads bytes %i-%i inclusive', async (start, end) => {
    const { store, bytes, hash } = await storedBlob();
    const read = await collect(await store.createReadStream(hash, { start, end }));
    expect(read.length).toBe(end - start + 1);
    expect(read.equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('reads every single byte of a two-chunk blob correctly', async () => {
    const { store, bytes, hash } = await storedBlob(CHUNK + 3);
    for (const offset of [0, 7, CHUNK - 2, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 2]) {
      expect(await collect(await store.createReadStream(hash, { start: offset, end: offset }))).toEqual(bytes.subarray(offset, offset + 1));
    }
  });

  it('reads a range of a multi-megabyte blob', async () => {
    const { store, bytes, hash } = await storedBlob(6 * 1024 * 1024 + 11);
    const start = 2 * 1024 * 1024 + 12345;
    const end = 5 * 1024 * 1024 + 999;
    expect((await collect(await store.createReadStream(hash, { start, end }))).equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('decrypts only the chunks a range overlaps', async () => {
    const { store, root, bytes, hash } = await storedBlob();
    // Damage chunk 2 only: ranges inside chunks 0-1 still read, ranges touching chunk 2 fail.
    await flipByte(storedFile(store, root, hash), HEADER + 2 * (CHUNK + TAG) + 10);
    expect((await collect(await store.createReadStream(hash, { start: 5, end: 2 * CHUNK - 1 }))).equals(bytes.subarray(5, 2 * CHUNK))).toBe(true);
    await expect(collect(await store.createReadStream(hash, { start: 2 * CHUNK - 1, end: 2 * CHUNK }))).rejects.toThrow(BlobIntegrityError);
    await expect(collect(await store.createReadStream(hash, { start: 2 * CHUNK + 20, end: 2 * CHUNK + 20 }))).rejects.toThrow(/chunk 2 fails authentication/);
  });

  it('rejects ranges outside the blob or malformed', async () => {
    const { store, hash } = await storedBlob();
    for (const range of [
      { start: 0, end: SIZE },
      { start: SIZE, end: SIZE },
      { start: 10, end: 9 },
      { start: -1, end: 5 },
      { start: 0.5, end: 5 },
      { start: 0, end: Number.NaN },
    ]) {
      await expect(store.createReadStream(hash, range)).rejects.toThrow(BlobRangeError);
    }
    await expect(store.createReadStream(hash, { start: 0, end: SIZE })).rejects.toThrow(`byte range 0-${SIZE} is outside a blob of ${SIZE} bytes`);
  });

  it('closes the blob file when a stream ends, fails or is dropped unread', async () => {
    const { store, root, bytes, hash } = await storedBlob();
    const openFiles = async () => (await fs.readdir('/proc/self/fd')).length;
    const before = await openFiles();
    const unread = await Promise.all(Array.from({ length: 20 }, () => store.createReadStream(hash)));
    expect(await openFiles()).toBe(before + 20);
    for (const stream of unread) stream.destroy();
    const halfRead = await store.createReadStream(hash);
    await new Promise((resolve) => halfRead.once('data', resolve));
    halfRead.destroy();
    expect((await collect(await store.createReadStream(hash, { start: 1, end: 2 }))).equals(bytes.subarray(1, 3))).toBe(true);
    await flipByte(storedFile(store, root, hash), HEADER + 10);
    await expect(collect(await store.createReadStream(hash))).rejects.toThrow(BlobIntegrityError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openFiles()).toBe(before);
  });

  it('has no valid range in an empty blob, yet streams it whole', async () => {
    const { store, hash } = await storedBlob(0);
    await expect(store.createReadStream(hash, { start: 0, end: 0 })).rejects.toThrow(BlobRangeError);
    expect((await collect(await store.createReadStream(hash))).length).toBe(0);
  });
});
