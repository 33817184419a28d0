import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCipher, encodeHeaderBody, newHeaderFields } from '../../../main/library/blobs/blob-format.js';
import { BlobIntegrityError, BlobNotFoundError, BlobStore } from '../../../main/library/blobs/blob-store.js';
import { CHUNK, HEADER, TAG, collect, flipByte, newStore, sha256, storedFile } from './blob-test-helpers.js';

const SIZE = 2 * CHUNK + 500;

async function storedBlob(size = SIZE) {
  const context = await newStore();
  const bytes = randomBytes(size);
  const { hash } = await context.store.putBytes(bytes);
  return { ...context, bytes, hash, file: storedFile(context.store, context.root, hash) };
}

async function expectCorrupt(store: BlobStore, hash: string, message: RegExp): Promise<void> {
  await expect(store.readAll(hash)).rejects.toThrow(BlobIntegrityError);
  await expect(store.readAll(hash)).rejects.toThrow(message);
  expect(await store.check(hash)).toBe('corrupt');
}

describe('BlobStore tamper detection', () => {
  const headerFields: Array<[string, number, RegExp]> = [
    ['magic', 0, /not a ClipShot blob file/],
    ['format version', 8, /blob format version \d+ is not supported/],
    ['reserved bytes', 10, /header does not authenticate/],
    ['chunk size', 13, /header does not authenticate/],
    ['plaintext length', 23, /header does not authenticate/],
    ['salt', 30, /header does not authenticate/],
    ['nonce prefix', 60, /header does not authenticate/],
    ['header MAC', 80, /header does not authenticate/],
  ];

  it.each(headerFields)('detects a flipped byte in the header %s', async (_field, offset, message) => {
    const { store, hash, file } = await storedBlob();
    await flipByte(file, offset);
    await expectCorrupt(store, hash, message);
    await expect(store.size(hash)).rejects.toThrow(BlobIntegrityError);
    await expect(store.createReadStream(hash, { start: 0, end: 0 })).rejects.toThrow(BlobIntegrityError);
  });

  it.each([
    ['first chunk ciphertext', HEADER + 3],
    ['first chunk tag', HEADER + CHUNK + 2],
    ['middle chunk', HEADER + (CHUNK + TAG) + 1000],
    ['last byte of the final tag', HEADER + SIZE + 3 * TAG - 1],
  ])('detects a flipped byte in the %s', async (_where, offset) => {
    const { store, hash, file } = await storedBlob();
    await flipByte(file, offset);
    await expectCorrupt(store, hash, /chunk \d fails authentication/);
    await expect(collect(await store.createReadStream(hash))).rejects.toThrow(BlobIntegrityError);
  });

  it.each([
    ['one byte', SIZE + HEADER + 3 * TAG - 1],
    ['the whole final chunk', HEADER + 2 * (CHUNK + TAG)],
    ['everything but the header', HEADER],
    ['part of the header', 40],
    ['everything', 0],
  ])('detects a file truncated by %s', async (_what, length) => {
    const { store, hash, file } = await storedBlob();
    await fs.truncate(file, length);
    await expectCorrupt(store, hash, length < HEADER ? /shorter than a blob header/ : /truncated or extended/);
  });

  it('detects appended bytes, even a whole sealed chunk copied from the same file', async () => {
    const { store, hash, file } = await storedBlob();
    const original = await fs.readFile(file);
    await fs.appendFile(file, Buffer.from([0]));
    await expectCorrupt(store, hash, /truncated or extended/);
    await fs.writeFile(file, Buffer.concat([original, original.subarray(HEADER, HEADER + CHUNK + TAG)]));
    await expectCorrupt(store, hash, /truncated or extended/);
  });

  it('detects reordered chunks', async () => {
    const { store, hash, file } = await storedBlob(3 * CHUNK);
    const stored = await fs.readFile(file);
    const sealed = (index: number) => stored.subarray(HEADER + index * (CHUNK + TAG), HEADER + (index + 1) * (CHUNK + TAG));
    await fs.writeFile(file, Buffer.concat([stored.subarray(0, HEADER), sealed(1), sealed(0), sealed(2)]));
    await expectCorrupt(store, hash, /chunk 0 fails authentication/);
  });

  it('detects a chunk moved from another blob of the same store', async () => {
    const { store, hash, file } = await storedBlob();
    const other = await store.putBytes(randomBytes(SIZE));
    const donor = await fs.readFile(storedFile(store, path.dirname(path.dirname(file)), other.hash));
    const stored = await fs.readFile(file);
    donor.copy(stored, HEADER + CHUNK + TAG, HEADER + CHUNK + TAG, HEADER + 2 * (CHUNK + TAG));
    await fs.writeFile(file, stored);
    await expectCorrupt(store, hash, /chunk 1 fails authentication/);
  });

  it('detects two blob files swapped between their names, without returning either content', async () => {
    const { store, root } = await newStore();
    const a = await store.putBytes(randomBytes(1000));
    const b = await store.putBytes(randomBytes(1000));
    const fileA = storedFile(store, root, a.hash);
    const fileB = storedFile(store, root, b.hash);
    await fs.rename(fileA, `${fileA}.swap`);
    await fs.rename(fileB, fileA);
    await fs.rename(`${fileA}.swap`, fileB);
    await expectCorrupt(store, a.hash, /another blob stored under this name/);
    await expectCorrupt(store, b.hash, /another blob stored under this name/);
    await expect(store.size(a.hash)).rejects.toThrow(BlobIntegrityError);
    await expect(store.createReadStream(b.hash, { start: 0, end: 9 })).rejects.toThrow(BlobIntegrityError);
  });

  it('detects a well-formed blob whose content does not match the hash it is stored under', async () => {
    const { store, root, keys } = await newStore();
    const claimed = sha256(Buffer.from('the content the name promises'));
    const actual = Buffer.from('other content, sealed with the right key');
    // Only someone holding the content key could build this; the final hash check still catches it.
    const fields = newHeaderFields();
    const cipher = new FileCipher(keys.contentKey, fields.salt, fields.noncePrefix);
    const body = encodeHeaderBody({ ...fields, plaintextLength: actual.length });
    const file = storedFile(store, root, claimed);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, Buffer.concat([body, cipher.headerMac(body, Buffer.from(claimed, 'hex')), ...cipher.seal(0, true, actual)]));

    expect(await store.size(claimed)).toBe(actual.length);
    await expectCorrupt(store, claimed, /decrypted content does not match its hash/);
    await expect(collect(await store.createReadStream(claimed))).rejects.toThrow(/does not match its hash/);
  });

  it('rejects a file that is not a blob at all', async () => {
    const { store, root } = await newStore();
    const hash = sha256(Buffer.from('anything'));
    const file = storedFile(store, root, hash);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, randomBytes(500));
    await expectCorrupt(store, hash, /not a ClipShot blob file/);
  });
});

describe('BlobStore keys and missing blobs', () => {
  it('refuses to decrypt with the wrong content key', async () => {
    const { root, keys, hash } = await storedBlob();
    const wrong = new BlobStore(root, { ...keys, contentKey: randomBytes(32) });
    await expect(wrong.readAll(hash)).rejects.toThrow(BlobIntegrityError);
    await expect(wrong.size(hash)).rejects.toThrow(/wrong key/);
    expect(await wrong.check(hash)).toBe('corrupt');
  });

  it('cannot find blobs with the wrong name key', async () => {
    const { root, keys, hash } = await storedBlob();
    const wrong = new BlobStore(root, { ...keys, nameKey: randomBytes(32) });
    expect(await wrong.has(hash)).toBe(false);
    await expect(wrong.readAll(hash)).rejects.toThrow(BlobNotFoundError);
  });

  it('reports a missing blob clearly from every reader', async () => {
    const { store, work } = await newStore();
    const hash = sha256(Buffer.from('never stored'));
    const out = path.join(work, 'out.bin');
    await expect(store.readAll(hash)).rejects.toThrow(BlobNotFoundError);
    await expect(store.readAll(hash)).rejects.toThrow(`blob ${hash} is not in the library`);
    await expect(store.size(hash)).rejects.toThrow(BlobNotFoundError);
    await expect(store.createReadStream(hash)).rejects.toThrow(BlobNotFoundError);
    await expect(store.exportTo(hash, out)).rejects.toThrow(BlobNotFoundError);
    expect(await store.check(hash)).toBe('missing');
    expect(await store.has(hash)).toBe(false);
    expect(await fs.readdir(work)).toEqual([]);
  });
});

describe('BlobStore exportTo atomicity', () => {
  it('leaves no output when the last chunk fails verification', async () => {
    const { store, hash, file, work } = await storedBlob(5 * CHUNK + 1);
    await flipByte(file, HEADER + 5 * (CHUNK + TAG) + 1);
    const out = path.join(work, 'export.bin');
    await expect(store.exportTo(hash, out)).rejects.toThrow(/chunk 5 fails authentication/);
    expect(await fs.readdir(work)).toEqual(['blobs']);
  });

  it('keeps an existing output file untouched when verification fails', async () => {
    const { store, hash, file, work } = await storedBlob();
    await flipByte(file, HEADER + CHUNK + TAG + 5);
    const out = path.join(work, 'existing.bin');
    await fs.writeFile(out, 'precious');
    await expect(store.exportTo(hash, out)).rejects.toThrow(BlobIntegrityError);
    expect(await fs.readFile(out, 'utf8')).toBe('precious');
    expect((await fs.readdir(work)).sort()).toEqual(['blobs', 'existing.bin']);
  });

  it('leaves no output when the content does not match its hash', async () => {
    const { store, root, keys, work } = await newStore();
    const claimed = sha256(Buffer.from('promised'));
    const actual = randomBytes(3 * CHUNK);
    const fields = newHeaderFields();
    const cipher = new FileCipher(keys.contentKey, fields.salt, fields.noncePrefix);
    const body = encodeHeaderBody({ ...fields, plaintextLength: actual.length });
    const sealed = [0, 1, 2].flatMap((index) => cipher.seal(index, index === 2, actual.subarray(index * CHUNK, (index + 1) * CHUNK)));
    const file = storedFile(store, root, claimed);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, Buffer.concat([body, cipher.headerMac(body, Buffer.from(claimed, 'hex')), ...sealed]));
    await expect(store.exportTo(claimed, path.join(work, 'out.bin'))).rejects.toThrow(/does not match its hash/);
    expect(await fs.readdir(work)).toEqual(['blobs']);
  });

  it('fails clearly when the output folder does not exist', async () => {
    const { store, hash, work } = await storedBlob(10);
    await expect(store.exportTo(hash, path.join(work, 'no-such-folder', 'out.bin'))).rejects.toThrow(/ENOENT/);
  });
});
