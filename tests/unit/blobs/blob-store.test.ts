import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobStore, BlobSourceChangedError, BlobTooLargeError, InvalidBlobArgumentError } from '../../../main/library/blobs/blob-store.js';
import { CHUNK, HEADER, TAG, collect, flipByte, listDir, newKeys, newStore, sha256, storedFile, waitForTempFile, writeSource } from './blob-test-helpers.js';

const SIZES = [0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * 1024 * 1024 + 123];

describe('BlobStore round trips', () => {
  it.each(SIZES)('stores and reads back %i bytes from a file and from memory', async (size) => {
    const { store, root, work } = await newStore();
    const bytes = randomBytes(size);
    const fromFile = await store.putFile(await writeSource(work, 'source.bin', bytes));
    expect(fromFile).toEqual({ hash: sha256(bytes), size, existed: false });
    expect(await store.putBytes(bytes)).toEqual({ hash: sha256(bytes), size, existed: true });

    expect((await store.readAll(fromFile.hash)).equals(bytes)).toBe(true);
    expect((await collect(await store.createReadStream(fromFile.hash))).equals(bytes)).toBe(true);
    expect(await store.size(fromFile.hash)).toBe(size);
    expect(await store.check(fromFile.hash)).toBe('ok');
    const chunks = size === 0 ? 1 : Math.ceil(size / CHUNK);
    expect((await fs.stat(storedFile(store, root, fromFile.hash))).size).toBe(HEADER + size + chunks * TAG);
  });

  it('stores bytes given in memory the same way as a file', async () => {
    const { store, work } = await newStore();
    const bytes = randomBytes(2 * CHUNK + 17);
    const fromMemory = await store.putBytes(new Uint8Array(bytes));
    expect(fromMemory).toEqual({ hash: sha256(bytes), size: bytes.length, existed: false });
    expect(await store.putFile(await writeSource(work, 'same.bin', bytes))).toEqual({ ...fromMemory, existed: true });
    expect((await store.readAll(fromMemory.hash)).equals(bytes)).toBe(true);
  });

  it('keeps one file per content and leaves no temp files', async () => {
    const { store, root } = await newStore();
    const a = await store.putBytes(Buffer.from('first'));
    const again = await store.putBytes(Buffer.from('first'));
    const b = await store.putBytes(Buffer.from('second'));
    expect(again).toEqual({ ...a, existed: true });
    expect(await store.listStoredNames()).toEqual([store.storedName(a.hash), store.storedName(b.hash)].sort());
    expect(await listDir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('exports the exact content, replacing an existing file and leaving no temp file', async () => {
    const { store, work } = await newStore();
    const bytes = randomBytes(CHUNK * 2 + 5);
    const { hash } = await store.putBytes(bytes);
    const out = path.join(work, 'exported.bin');
    await fs.writeFile(out, 'older content');
    await store.exportTo(hash, out);
    expect((await fs.readFile(out)).equals(bytes)).toBe(true);
    expect((await fs.readdir(work)).sort()).toEqual(['blobs', 'exported.bin']);
  });
});

describe('BlobStore names on disk', () => {
  it('names files by a keyed HMAC of the hash, sharded by its first two characters', async () => {
    const keys = newKeys();
    const { store, root } = await newStore(keys);
    const bytes = Buffer.from('a screenshot that is famous on the internet');
    const { hash } = await store.putBytes(bytes);
    const name = store.storedName(hash);

    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(name).not.toBe(hash);
    expect(await fs.readdir(root)).toContain(name.slice(0, 2));
    expect(await fs.readdir(path.join(root, name.slice(0, 2)))).toEqual([name]);
    expect(new BlobStore(root, { ...keys, nameKey: randomBytes(32) }).storedName(hash)).not.toBe(name);
    expect(new BlobStore(root, keys).storedName(hash)).toBe(name);
  });

  it('stores neither the plaintext nor its hash in the file', async () => {
    const { store, root } = await newStore();
    const bytes = Buffer.from('visible marker '.repeat(5000));
    const { hash } = await store.putBytes(bytes);
    const stored = await fs.readFile(storedFile(store, root, hash));
    expect(stored.includes(Buffer.from('visible marker'))).toBe(false);
    expect(stored.includes(Buffer.from(hash, 'hex'))).toBe(false);
    expect(stored.includes(Buffer.from(hash))).toBe(false);
  });

  it('lists every stored name, ignoring temp files and stray entries, and removes by name', async () => {
    const { store, root } = await newStore();
    const hashes = await Promise.all(['one', 'two', 'three'].map(async (text) => (await store.putBytes(Buffer.from(text))).hash));
    await fs.mkdir(path.join(root, 'tmp'), { recursive: true });
    await fs.writeFile(path.join(root, 'tmp', 'leftover.part'), 'x');
    await fs.writeFile(path.join(root, 'notes.txt'), 'x');
    await fs.mkdir(path.join(root, 'zz'));
    await fs.writeFile(path.join(root, 'zz', 'f'.repeat(64)), 'x');
    expect(await store.listStoredNames()).toEqual(hashes.map((hash) => store.storedName(hash)).sort());

    await store.removeStoredName(store.storedName(hashes[0]!));
    expect(await store.has(hashes[0]!)).toBe(false);
    expect(await store.listStoredNames()).toEqual(hashes.slice(1).map((hash) => store.storedName(hash)).sort());
    await expect(store.removeStoredName('../../etc/passwd')).rejects.toThrow(InvalidBlobArgumentError);
  });

  it('lists nothing before anything was stored', async () => {
    const { store } = await newStore();
    expect(await store.listStoredNames()).toEqual([]);
    expect(await store.cleanTemporaryFiles()).toBe(0);
  });

  it('removes a blob once', async () => {
    const { store } = await newStore();
    const { hash } = await store.putBytes(Buffer.from('short-lived'));
    expect(await store.has(hash)).toBe(true);
    expect(await store.remove(hash)).toBe(true);
    expect(await store.remove(hash)).toBe(false);
    expect(await store.has(hash)).toBe(false);
    expect(await store.check(hash)).toBe('missing');
  });
});

describe('BlobStore writes', () => {
  it('refuses a file over maxBytes and leaves nothing behind', async () => {
    const { store, root, work } = await newStore();
    const file = await writeSource(work, 'big.bin', randomBytes(CHUNK * 3));
    await expect(store.putFile(file, { maxBytes: CHUNK * 3 - 1 })).rejects.toThrow(BlobTooLargeError);
    await expect(store.putFile(file, { maxBytes: CHUNK * 3 - 1 })).rejects.toThrow(/larger than the limit of 196607 bytes/);
    expect(await store.listStoredNames()).toEqual([]);
    expect(await listDir(path.join(root, 'tmp'))).toEqual([]);
    expect((await store.putFile(file, { maxBytes: CHUNK * 3 })).size).toBe(CHUNK * 3);
  });

  it('refuses content that does not hash to expectedHash, stored or not', async () => {
    const { store, root, work } = await newStore();
    const file = await writeSource(work, 'a.bin', Buffer.from('what the file holds now'));
    const other = sha256(Buffer.from('what the file held when it was hashed'));
    await expect(store.putFile(file, { expectedHash: other })).rejects.toThrow(BlobSourceChangedError);
    expect(await store.listStoredNames()).toEqual([]);
    expect(await listDir(path.join(root, 'tmp'))).toEqual([]);

    await store.putBytes(Buffer.from('what the file held when it was hashed'));
    await expect(store.putFile(file, { expectedHash: other })).rejects.toThrow(/hashes to [0-9a-f]{64}, not/);
  });

  it('accepts content that hashes to expectedHash, without rewriting an intact copy', async () => {
    const { store, root, work } = await newStore();
    const bytes = randomBytes(CHUNK + 3);
    const file = await writeSource(work, 'a.bin', bytes);
    expect(await store.putFile(file, { expectedHash: sha256(bytes) })).toEqual({ hash: sha256(bytes), size: bytes.length, existed: false });
    const before = await fs.stat(storedFile(store, root, sha256(bytes)));
    expect(await store.putFile(file, { expectedHash: sha256(bytes) })).toEqual({ hash: sha256(bytes), size: bytes.length, existed: true });
    expect((await fs.stat(storedFile(store, root, sha256(bytes)))).ino).toBe(before.ino);
  });

  it('replaces a stored copy that is corrupt instead of deduplicating against it', async () => {
    const { store, root } = await newStore();
    const bytes = randomBytes(CHUNK * 2);
    const { hash } = await store.putBytes(bytes);
    await flipByte(storedFile(store, root, hash), HEADER + CHUNK + 100);
    expect(await store.check(hash)).toBe('corrupt');
    expect(await store.putBytes(bytes)).toEqual({ hash, size: bytes.length, existed: false });
    expect(await store.check(hash)).toBe('ok');
  });

  it('survives concurrent puts of the same content', async () => {
    const { store, root, work } = await newStore();
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const file = await writeSource(work, 'same.bin', bytes);
    const results = await Promise.all([store.putFile(file), store.putFile(file), store.putBytes(bytes), store.putFile(file)]);
    expect(new Set(results.map((result) => result.hash))).toEqual(new Set([sha256(bytes)]));
    expect(await store.listStoredNames()).toEqual([store.storedName(sha256(bytes))]);
    expect(await listDir(path.join(root, 'tmp'))).toEqual([]);
    expect((await store.readAll(sha256(bytes))).equals(bytes)).toBe(true);
  });

  it('cleans temp files left by an interrupted write, but not those of a write in progress', async () => {
    const { store, root, work } = await newStore();
    await store.putBytes(Buffer.from('kept'));
    await fs.writeFile(path.join(root, 'tmp', 'a1b2c3.part'), randomBytes(5000));
    await fs.writeFile(path.join(root, 'tmp', 'd4e5f6.part'), '');
    expect(await store.cleanTemporaryFiles()).toBe(2);
    expect(await listDir(path.join(root, 'tmp'))).toEqual([]);
    expect(await store.check(sha256(Buffer.from('kept')))).toBe('ok');

    const bytes = randomBytes(32 * 1024 * 1024);
    const put = store.putFile(await writeSource(work, 'large.bin', bytes));
    await waitForTempFile(root);
    expect(await store.cleanTemporaryFiles()).toBe(0);
    expect((await put).hash).toBe(sha256(bytes));
    expect(await store.check(sha256(bytes))).toBe('ok');
  });
});

describe('BlobStore bad input', () => {
  it('rejects keys that are not two different 32-byte buffers', () => {
    expect(() => new BlobStore('/tmp/x', { contentKey: Buffer.alloc(16), nameKey: randomBytes(32) })).toThrow(/contentKey must be a 32-byte Buffer/);
    expect(() => new BlobStore('/tmp/x', { contentKey: randomBytes(32), nameKey: 'secret' as unknown as Buffer })).toThrow(/nameKey must be a 32-byte Buffer/);
    const same = randomBytes(32);
    expect(() => new BlobStore('/tmp/x', { contentKey: same, nameKey: same })).toThrow(/must differ/);
  });

  it('rejects strings that are not SHA-256 hashes', async () => {
    const { store } = await newStore();
    for (const bad of ['', 'abc', 'A'.repeat(64), 'g'.repeat(64), `${'a'.repeat(64)}\n`, '../'.repeat(20)]) {
      expect(() => store.storedName(bad)).toThrow(InvalidBlobArgumentError);
      await expect(store.readAll(bad)).rejects.toThrow(/not a blob hash/);
      await expect(store.check(bad)).rejects.toThrow(InvalidBlobArgumentError);
      await expect(store.has(bad)).rejects.toThrow(InvalidBlobArgumentError);
    }
    await expect(store.putFile('/dev/null', { expectedHash: 'nope' })).rejects.toThrow(InvalidBlobArgumentError);
  });

  it('rejects sources that are missing or not regular files, and bad limits', async () => {
    const { store, work } = await newStore();
    await expect(store.putFile(path.join(work, 'absent.bin'))).rejects.toThrow(/ENOENT/);
    await expect(store.putFile(work)).rejects.toThrow(/is not a regular file/);
    const fifo = path.join(work, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(store.putFile(fifo)).rejects.toThrow(/is not a regular file/);
    const file = await writeSource(work, 'ok.bin', Buffer.from('ok'));
    await expect(store.putFile(file, { maxBytes: -1 })).rejects.toThrow(/maxBytes must be a non-negative integer/);
    await expect(store.putFile(file, { maxBytes: 1.5 })).rejects.toThrow(InvalidBlobArgumentError);
    await expect(store.putBytes('text' as unknown as Uint8Array)).rejects.toThrow(/needs a Uint8Array/);
  });
});
