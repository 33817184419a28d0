import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BlobIntegrityError, BlobNotFoundError, BlobRangeError, BlobSourceChangedError, InvalidBlobArgumentError } from './blob-errors.js';
import { CHUNK_SIZE } from './blob-format.js';
import { assertBlobHash, assertStoredName, isShardDirectory, isStoredName, storedNameOf, storedPath } from './blob-names.js';
import { BlobReadStream, type ByteRange } from './blob-read-stream.js';
import { openBlobFile, verifiedBatches, type OpenedBlob } from './blob-reader.js';
import { rechunk } from './rechunk.js';
import { TEMP_SUFFIX, TempBlobWriter, type WrittenBlob } from './blob-writer.js';
import { ensureDirectory, fsyncDirectory, isNotFound, randomFileStem, removeIfPresent, writeFully } from './durable-files.js';
import { readSourceChunks } from './source-chunks.js';
import { sha256InSlices } from './hash-in-slices.js';

export { BlobIntegrityError, BlobNotFoundError, BlobRangeError, BlobSourceChangedError, BlobTooLargeError, InvalidBlobArgumentError } from './blob-errors.js';
export type { ByteRange } from './blob-read-stream.js';
export type { WrittenBlob } from './blob-writer.js';

/** 32 bytes each, derived from the library key elsewhere. */
export interface BlobKeys {
  contentKey: Buffer;
  nameKey: Buffer;
}

export interface StoredBlob {
  /** SHA-256 of the plaintext, lowercase hex. */
  hash: string;
  /** Plaintext bytes. */
  size: number;
  /** The content was already stored intact, so nothing was written. */
  existed: boolean;
}

export type BlobHealth = 'ok' | 'missing' | 'corrupt';

/** Brings a blob that this device lacks from elsewhere (another device); resolves once it is stored. */
export type MissingBlobSource = (hash: string) => Promise<void>;

export interface PutFileOptions {
  /** Refuse the file unless its content hashes to this (it changed since it was hashed, or is not what was asked for). */
  expectedHash?: string;
  maxBytes?: number;
}

const TEMP_FOLDER = 'tmp';

/**
 * Content-addressed, encrypted blob files (format in blob-format.ts), one per distinct content,
 * under `rootDir/<2 hex>/<HMAC name>`. Writes go through `rootDir/tmp` and a rename, so a real name
 * only ever holds a complete file.
 */
export class BlobStore {
  readonly #rootDir: string;
  readonly #tmpDir: string;
  readonly #contentKey: Buffer;
  readonly #nameKey: Buffer;
  // Temp files of writes in progress, which cleanTemporaryFiles must leave alone.
  readonly #writing = new Set<string>();
  #missingSource: MissingBlobSource | null = null;

  constructor(rootDir: string, keys: BlobKeys) {
    for (const [name, key] of Object.entries(keys)) {
      if (!Buffer.isBuffer(key) || key.length !== 32) throw new InvalidBlobArgumentError(`blob ${name} must be a 32-byte Buffer`);
    }
    if (keys.contentKey.equals(keys.nameKey)) throw new InvalidBlobArgumentError('blob contentKey and nameKey must differ');
    this.#rootDir = path.resolve(rootDir);
    this.#tmpDir = path.join(this.#rootDir, TEMP_FOLDER);
    this.#contentKey = Buffer.from(keys.contentKey);
    this.#nameKey = Buffer.from(keys.nameKey);
  }

  /** Hashes and encrypts in one streaming pass; memory stays flat whatever the file's size. */
  async putFile(filePath: string, options: PutFileOptions = {}): Promise<StoredBlob> {
    const { expectedHash, maxBytes } = options;
    if (expectedHash !== undefined) assertBlobHash(expectedHash);
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
      throw new InvalidBlobArgumentError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    }
    const source = () => readSourceChunks(filePath, CHUNK_SIZE, maxBytes);
    if (expectedHash !== undefined && (await this.check(expectedHash)) === 'ok') {
      const { hash, size } = await hashChunks(source());
      if (hash !== expectedHash) throw new BlobSourceChangedError(filePath, `it hashes to ${hash}, not ${expectedHash}`);
      return { hash, size, existed: true };
    }
    return this.#store(async (writer) => {
      for await (const chunk of source()) await writer.append(chunk.bytes, chunk.final);
    }, (written) => {
      if (expectedHash !== undefined && written.hash !== expectedHash) {
        throw new BlobSourceChangedError(filePath, `it hashes to ${written.hash}, not ${expectedHash}`);
      }
    });
  }

  /**
   * Stores content that arrives as pieces of any size (a download) in one streaming pass; refuses it
   * with a BlobIntegrityError, storing nothing, unless it hashes to `expectedHash`.
   */
  async putStream(pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, expectedHash: string): Promise<StoredBlob> {
    assertBlobHash(expectedHash);
    if ((await this.check(expectedHash)) === 'ok') {
      const blob = await this.#open(expectedHash);
      await blob.close();
      return { hash: expectedHash, size: blob.size, existed: true };
    }
    return this.#store(async (writer) => {
      for await (const chunk of rechunk(pieces, writer.chunkSize)) await writer.append(chunk.bytes, chunk.final);
    }, (written) => {
      if (written.hash !== expectedHash) throw new BlobIntegrityError(expectedHash, `the content received hashes to ${written.hash}`);
    });
  }

  /**
   * Stores content whose hash is learned only as it is written (a blob re-encrypted by a key
   * rotation); `accept` sees the hash and may refuse, and then nothing is stored.
   */
  async putUnhashed(pieces: AsyncIterable<Uint8Array>, accept: (written: WrittenBlob) => void): Promise<StoredBlob> {
    return this.#store(async (writer) => {
      for await (const chunk of rechunk(pieces, writer.chunkSize)) await writer.append(chunk.bytes, chunk.final);
    }, accept);
  }

  async putBytes(bytes: Uint8Array): Promise<StoredBlob> {
    if (!(bytes instanceof Uint8Array)) throw new InvalidBlobArgumentError('putBytes needs a Uint8Array');
    const hash = await sha256InSlices(bytes);
    if ((await this.check(hash)) === 'ok') return { hash, size: bytes.length, existed: true };
    return this.#store(async (writer) => {
      const { chunkSize } = writer;
      for (let offset = 0; ; offset += chunkSize) {
        const final = offset + chunkSize >= bytes.length;
        await writer.append(bytes.subarray(offset, offset + chunkSize), final);
        if (final) return;
      }
    });
  }

  /** Whether a file is stored under this hash's name; `check` tells whether it is intact. */
  async has(hash: string): Promise<boolean> {
    try {
      return (await fs.stat(this.#pathOf(hash))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Where reads of content (readAll, createReadStream, size, exportTo) get a blob this device lacks:
   * they ask it once and read again. `has`, `check`, writes and readLocalRange never ask it.
   */
  setMissingBlobSource(source: MissingBlobSource | null): void {
    this.#missingSource = source;
  }

  /** The whole plaintext, verified against its hash. */
  async readAll(hash: string): Promise<Buffer> {
    const blob = await this.#openOrFetch(hash);
    try {
      return await readWhole(blob);
    } finally {
      await blob.close();
    }
  }

  /**
   * Up to `maxLength` plaintext bytes from `offset`, with the blob's size, from this device only
   * (the missing-blob source is never asked): what another device is served. Chunks are
   * authenticated as they are read; a slice that covers the whole blob is also checked against its hash.
   */
  async readLocalRange(hash: string, offset: number, maxLength: number): Promise<{ size: number; bytes: Buffer }> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(maxLength) || maxLength < 1) {
      throw new InvalidBlobArgumentError(`a local range needs a non-negative offset and a positive length, got ${offset} and ${maxLength}`);
    }
    const blob = await this.#open(hash);
    try {
      const { size } = blob;
      if (size === 0 ? offset !== 0 : offset >= size) throw new BlobRangeError({ start: offset, end: offset + maxLength - 1 }, size);
      const end = Math.min(size, offset + maxLength);
      if (offset === 0 && end === size) return { size, bytes: await readWhole(blob) };
      const first = blob.chunkOf(offset);
      const chunks: Buffer[] = [];
      for await (const batch of blob.chunks(first, blob.chunkOf(end - 1))) chunks.push(...batch);
      const from = offset - first * blob.header.chunkSize;
      return { size, bytes: Buffer.concat(chunks).subarray(from, from + end - offset) };
    } finally {
      await blob.close();
    }
  }

  /**
   * Decrypted bytes, all of them or an inclusive range (as in HTTP). A range decrypts only the
   * 64 KiB chunks it overlaps, each authenticated; a full read also checks the hash at the end.
   * Errors found while streaming destroy the stream with a BlobIntegrityError.
   */
  async createReadStream(hash: string, range?: ByteRange): Promise<BlobReadStream> {
    const blob = await this.#openOrFetch(hash);
    if (range !== undefined && !isRangeWithin(range, blob.size)) {
      await blob.close();
      throw new BlobRangeError(range, blob.size);
    }
    return new BlobReadStream(blob, range ?? null);
  }

  /** Plaintext bytes, from the authenticated header (no chunk is decrypted). */
  async size(hash: string): Promise<number> {
    const blob = await this.#openOrFetch(hash);
    await blob.close();
    return blob.size;
  }

  /** Writes the plaintext to `outPath` atomically; `outPath` is untouched unless the whole content verified. */
  async exportTo(hash: string, outPath: string): Promise<void> {
    const target = path.resolve(outPath);
    const blob = await this.#openOrFetch(hash);
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomFileStem()}${TEMP_SUFFIX}`);
    try {
      const out = await fs.open(temp, 'wx');
      try {
        for await (const batch of verifiedBatches(blob)) await writeFully(out, batch);
        await out.sync();
      } finally {
        await out.close();
      }
      await fs.rename(temp, target);
      await fsyncDirectory(path.dirname(target));
    } catch (error) {
      await removeIfPresent(temp);
      throw error;
    } finally {
      await blob.close();
    }
  }

  /** Returns whether there was a file to remove. */
  async remove(hash: string): Promise<boolean> {
    return removeIfPresent(this.#pathOf(hash));
  }

  /** Decrypts and hashes the whole blob, streaming. */
  async check(hash: string): Promise<BlobHealth> {
    try {
      const blob = await this.#open(hash);
      try {
        for await (const batch of verifiedBatches(blob)) void batch;
      } finally {
        await blob.close();
      }
      return 'ok';
    } catch (error) {
      if (error instanceof BlobNotFoundError) return 'missing';
      if (error instanceof BlobIntegrityError) return 'corrupt';
      throw error;
    }
  }

  storedName(hash: string): string {
    return storedNameOf(this.#nameKey, hash);
  }

  /** Names of every blob file on disk, sorted; the caller maps the hashes it knows with storedName. */
  async listStoredNames(): Promise<string[]> {
    const names: string[] = [];
    for (const shard of await readDirectory(this.#rootDir)) {
      if (!shard.isDirectory() || !isShardDirectory(shard.name)) continue;
      for (const entry of await readDirectory(path.join(this.#rootDir, shard.name))) {
        if (entry.isFile() && isStoredName(entry.name) && entry.name.startsWith(shard.name)) names.push(entry.name);
      }
    }
    return names.sort();
  }

  async removeStoredName(name: string): Promise<void> {
    assertStoredName(name);
    await removeIfPresent(storedPath(this.#rootDir, name));
  }

  /** Deletes temp files left by writes that a crash interrupted; returns how many. */
  async cleanTemporaryFiles(): Promise<number> {
    let removed = 0;
    for (const entry of await readDirectory(this.#tmpDir)) {
      if (!entry.isFile() || !entry.name.endsWith(TEMP_SUFFIX) || this.#writing.has(entry.name)) continue;
      if (await removeIfPresent(path.join(this.#tmpDir, entry.name))) removed += 1;
    }
    return removed;
  }

  #pathOf(hash: string): string {
    return storedPath(this.#rootDir, this.storedName(hash));
  }

  #open(hash: string): Promise<OpenedBlob> {
    return openBlobFile(this.#pathOf(hash), hash, this.#contentKey);
  }

  // One fetch from the missing-blob source, then one more look; its failure becomes the reason given.
  async #openOrFetch(hash: string): Promise<OpenedBlob> {
    try {
      return await this.#open(hash);
    } catch (error) {
      const source = this.#missingSource;
      if (!(error instanceof BlobNotFoundError) || source === null) throw error;
      try {
        await source(hash);
      } catch (fetchError) {
        throw new BlobNotFoundError(hash, fetchError instanceof Error ? fetchError.message : String(fetchError));
      }
      return this.#open(hash);
    }
  }

  /**
   * Fills a temp file, then moves it under its real name unless an intact copy is already there.
   * Two writers of the same content both produce complete files, so whichever rename lands last is fine.
   */
  async #store(fill: (writer: TempBlobWriter) => Promise<void>, accept?: (written: WrittenBlob) => void): Promise<StoredBlob> {
    await ensureDirectory(this.#tmpDir);
    const writer = await TempBlobWriter.create(this.#tmpDir, this.#contentKey);
    const tempName = path.basename(writer.path);
    this.#writing.add(tempName);
    try {
      await fill(writer);
      const written = await writer.finish();
      accept?.(written);
      if ((await this.check(written.hash)) === 'ok') {
        await writer.discard();
        return { ...written, existed: true };
      }
      const target = this.#pathOf(written.hash);
      await ensureDirectory(path.dirname(target));
      await fs.rename(writer.path, target);
      await fsyncDirectory(path.dirname(target));
      return { ...written, existed: false };
    } catch (error) {
      await writer.discard();
      throw error;
    } finally {
      this.#writing.delete(tempName);
    }
  }
}

async function readWhole(blob: OpenedBlob): Promise<Buffer> {
  const plaintext = Buffer.allocUnsafe(blob.size);
  let at = 0;
  for await (const batch of verifiedBatches(blob)) {
    for (const chunk of batch) at += chunk.copy(plaintext, at);
  }
  return plaintext;
}

async function hashChunks(chunks: AsyncIterable<{ bytes: Buffer }>): Promise<{ hash: string; size: number }> {
  const hasher = createHash('sha256');
  let size = 0;
  for await (const { bytes } of chunks) {
    hasher.update(bytes);
    size += bytes.length;
  }
  return { hash: hasher.digest('hex'), size };
}

function isRangeWithin(range: ByteRange, size: number): boolean {
  const { start, end } = range;
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < size;
}

async function readDirectory(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
