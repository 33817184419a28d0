import { createHmac, hkdfSync } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  FileCipher,
  HEADER_BODY_BYTES,
  HEADER_BYTES,
  HeaderFormatError,
  TAG_BYTES,
  chunkCount,
  chunkOffset,
  chunkPlainLength,
  decodeHeaderFields,
  encodeHeaderBody,
  encryptedLength,
  newHeaderFields,
  readKeyMaterial,
  type BlobHeader,
} from '../../library/blobs/blob-format.js';
import { ensureDirectory, isNotFound, removeIfPresent, writeFully } from '../../library/blobs/durable-files.js';
import { InvalidBlobArgumentError } from '../../library/blobs/blob-errors.js';

const SUFFIX = '.partial';
const NAME_INFO = Buffer.from('clipshot partial blob names v1', 'ascii');
// How many records back from the end a resume looks for one that authenticates before starting over.
const MAX_TORN_RECORDS = 4;

/** A record of a partial file fails authentication: the disk damaged it. The bytes before it are good. */
export class PartialDamagedError extends Error {
  constructor(readonly goodBytes: number) {
    super(`a partial download is damaged after byte ${goodBytes}`);
  }
}

/**
 * Where downloads in progress are kept, encrypted (nothing of their plaintext is ever on disk) and
 * named by an HMAC of their hash, so the folder does not say which content is coming either.
 */
export class PartialFolder {
  readonly dir: string;
  readonly #key: Buffer;
  readonly #nameKey: Buffer;

  constructor(dir: string, key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== 32) throw new InvalidBlobArgumentError('the partial download key must be a 32-byte Buffer');
    this.dir = path.resolve(dir);
    this.#key = Buffer.from(key);
    this.#nameKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), NAME_INFO, 32));
  }

  fileName(hash: string): string {
    return `${createHmac('sha256', this.#nameKey).update(Buffer.from(hash, 'hex')).digest('hex')}${SUFFIX}`;
  }

  /** Names of the partial files present, so a download can tell without a system call whether it has one. */
  async listNames(): Promise<Set<string>> {
    try {
      return new Set((await fs.readdir(this.dir)).filter((name) => name.endsWith(SUFFIX)));
    } catch (error) {
      if (isNotFound(error)) return new Set();
      throw error;
    }
  }

  /** Starts a partial file for a blob of `size` bytes, kept in records of `pieceSize`, replacing any earlier one. */
  async create(hash: string, size: number, pieceSize: number): Promise<PartialFile> {
    await ensureDirectory(this.dir);
    const header: BlobHeader = { ...newHeaderFields(pieceSize), plaintextLength: size };
    const cipher = new FileCipher(this.#key, header.salt, header.noncePrefix);
    const body = encodeHeaderBody(header);
    const handle = await fs.open(this.#pathOf(hash), 'w+', 0o600);
    try {
      await writeFully(handle, [body, cipher.headerMac(body, Buffer.from(hash, 'hex'))], 0);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new PartialFile(this.#pathOf(hash), handle, header, cipher, 0);
  }

  /**
   * The partial file of `hash`, ready to go on from the last record that authenticates (a crash may
   * have torn the tail); null when there is none or it is unusable, in which case it is deleted.
   */
  async resume(hash: string): Promise<PartialFile | null> {
    const filePath = this.#pathOf(hash);
    let handle: FileHandle;
    try {
      handle = await fs.open(filePath, 'r+');
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    try {
      const found = await authenticate(handle, this.#key, hash);
      if (found !== null) {
        const records = await completeRecords(handle, found.header, found.cipher);
        if (records !== null) {
          const { header } = found;
          const received = Math.min(header.plaintextLength, records * header.chunkSize);
          await handle.truncate(records === chunkCount(header.plaintextLength, header.chunkSize) ? encryptedLength(header) : chunkOffset(records, header.chunkSize));
          return new PartialFile(filePath, handle, header, found.cipher, received);
        }
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
    await removeIfPresent(filePath);
    return null;
  }

  async remove(hash: string): Promise<void> {
    await removeIfPresent(this.#pathOf(hash));
  }

  #pathOf(hash: string): string {
    return path.join(this.dir, this.fileName(hash));
  }
}

/**
 * One blob's download in progress: the blob file format (blob-format.ts) under the partial key,
 * its header written first (it binds the expected hash and size), then records appended in order as
 * they arrive. Never fsynced: after a crash `resume` keeps only records that authenticate, and the
 * finished content is checked against its hash before it is stored.
 */
export class PartialFile {
  readonly #path: string;
  readonly #handle: FileHandle;
  readonly #header: BlobHeader;
  readonly #cipher: FileCipher;
  #received: number;
  #closed = false;

  constructor(filePath: string, handle: FileHandle, header: BlobHeader, cipher: FileCipher, received: number) {
    this.#path = filePath;
    this.#handle = handle;
    this.#header = header;
    this.#cipher = cipher;
    this.#received = received;
  }

  get size(): number {
    return this.#header.plaintextLength;
  }

  /** Record size: every piece appended is exactly this long but the last. */
  get pieceSize(): number {
    return this.#header.chunkSize;
  }

  get received(): number {
    return this.#received;
  }

  get complete(): boolean {
    return this.#received === this.size;
  }

  /** Appends the next piece: the bytes from `received`, `pieceSize` of them or what is left. */
  async append(piece: Uint8Array): Promise<void> {
    const index = this.#received / this.pieceSize;
    const expected = chunkPlainLength(index, this.#header);
    if (this.complete || piece.length !== expected) throw new Error(`piece ${index} has ${piece.length} bytes, not ${expected}`);
    const last = chunkCount(this.size, this.pieceSize) - 1;
    await writeFully(this.#handle, this.#cipher.seal(index, index === last, piece), chunkOffset(index, this.pieceSize));
    this.#received += piece.length;
  }

  /** The plaintext, record by record, each authenticated; a damaged record ends it with a PartialDamagedError. */
  async *plaintext(): AsyncGenerator<Buffer> {
    const last = chunkCount(this.size, this.pieceSize) - 1;
    for (let index = 0; index <= last; index += 1) {
      const plaintext = await readRecord(this.#handle, this.#header, this.#cipher, index);
      if (plaintext === null) throw new PartialDamagedError(index * this.pieceSize);
      yield plaintext;
    }
  }

  /** Forgets everything from `goodBytes` on (a multiple of the piece size). */
  async truncate(goodBytes: number): Promise<void> {
    await this.#handle.truncate(chunkOffset(goodBytes / this.pieceSize, this.pieceSize));
    this.#received = goodBytes;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }

  async remove(): Promise<void> {
    await this.close();
    await removeIfPresent(this.#path);
  }
}

async function authenticate(handle: FileHandle, key: Buffer, hash: string): Promise<{ header: BlobHeader; cipher: FileCipher } | null> {
  const headerBytes = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await handle.read(headerBytes, 0, HEADER_BYTES, 0);
  if (bytesRead < HEADER_BYTES) return null;
  const body = headerBytes.subarray(0, HEADER_BODY_BYTES);
  try {
    const { salt, noncePrefix } = readKeyMaterial(body);
    const cipher = new FileCipher(key, salt, noncePrefix);
    if (!cipher.headerMacMatches(body, Buffer.from(hash, 'hex'), headerBytes.subarray(HEADER_BODY_BYTES))) return null;
    return { header: decodeHeaderFields(body), cipher };
  } catch (error) {
    if (error instanceof HeaderFormatError) return null;
    throw error;
  }
}

/** How many records from the start are whole and the last of them authenticates; null to start over. */
async function completeRecords(handle: FileHandle, header: BlobHeader, cipher: FileCipher): Promise<number | null> {
  const { size: fileLength } = await handle.stat();
  const total = chunkCount(header.plaintextLength, header.chunkSize);
  let records = 0;
  while (records < total && chunkOffset(records, header.chunkSize) + chunkPlainLength(records, header) + TAG_BYTES <= fileLength) records += 1;
  for (let back = 0; records > 0 && back < MAX_TORN_RECORDS; back += 1) {
    if ((await readRecord(handle, header, cipher, records - 1)) !== null) return records;
    records -= 1;
  }
  return records === 0 ? 0 : null;
}

async function readRecord(handle: FileHandle, header: BlobHeader, cipher: FileCipher, index: number): Promise<Buffer | null> {
  const length = chunkPlainLength(index, header) + TAG_BYTES;
  const sealed = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(sealed, filled, length - filled, chunkOffset(index, header.chunkSize) + filled);
    if (bytesRead === 0) return null;
    filled += bytesRead;
  }
  return cipher.open(index, index === chunkCount(header.plaintextLength, header.chunkSize) - 1, sealed);
}
