import { createHash } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import { BlobIntegrityError, BlobNotFoundError } from './blob-errors.js';
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
  encryptedLength,
  readKeyMaterial,
  type BlobHeader,
} from './blob-format.js';
import { isNotFound } from './durable-files.js';

// Chunks read per system call: large enough for throughput, small enough to keep memory flat.
const CHUNKS_PER_READ = 16;

/** An open blob file whose header authenticated against the expected hash; chunks are checked as they are read. */
export class OpenedBlob {
  readonly hash: string;
  readonly header: BlobHeader;
  readonly #handle: FileHandle;
  readonly #cipher: FileCipher;
  #closed = false;

  constructor(hash: string, header: BlobHeader, handle: FileHandle, cipher: FileCipher) {
    this.hash = hash;
    this.header = header;
    this.#handle = handle;
    this.#cipher = cipher;
  }

  get size(): number {
    return this.header.plaintextLength;
  }

  get lastChunk(): number {
    return chunkCount(this.header.plaintextLength, this.header.chunkSize) - 1;
  }

  chunkOf(offset: number): number {
    return Math.floor(offset / this.header.chunkSize);
  }

  /** Decrypted, authenticated chunks `first`..`last`, several per yield; reads only those chunks. */
  async *chunks(first: number, last: number): AsyncGenerator<Buffer[]> {
    for (let index = first; index <= last; index += CHUNKS_PER_READ) {
      yield await this.readChunks(index, Math.min(CHUNKS_PER_READ, last - index + 1));
    }
  }

  async readChunks(first: number, count: number): Promise<Buffer[]> {
    const { chunkSize } = this.header;
    const lengths = Array.from({ length: count }, (_, i) => chunkPlainLength(first + i, this.header) + TAG_BYTES);
    const total = lengths.reduce((sum, length) => sum + length, 0);
    const sealed = Buffer.allocUnsafe(total);
    let filled = 0;
    while (filled < total) {
      const { bytesRead } = await this.#handle.read(sealed, filled, total - filled, chunkOffset(first, chunkSize) + filled);
      if (bytesRead === 0) throw new BlobIntegrityError(this.hash, 'the file ends early');
      filled += bytesRead;
    }
    const plaintexts: Buffer[] = [];
    let at = 0;
    for (const [i, length] of lengths.entries()) {
      const index = first + i;
      const plaintext = this.#cipher.open(index, index === this.lastChunk, sealed.subarray(at, at + length));
      if (plaintext === null) throw new BlobIntegrityError(this.hash, `chunk ${index} fails authentication`);
      plaintexts.push(plaintext);
      at += length;
    }
    return plaintexts;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}

/** Opens the blob file at `filePath` and authenticates its header against `hash` (which the file must hold). */
export async function openBlobFile(filePath: string, hash: string, contentKey: Buffer): Promise<OpenedBlob> {
  let handle: FileHandle;
  try {
    handle = await fs.open(filePath, 'r');
  } catch (error) {
    if (isNotFound(error)) throw new BlobNotFoundError(hash);
    throw error;
  }
  try {
    const { size: fileLength } = await handle.stat();
    const headerBytes = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(headerBytes, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES) throw new BlobIntegrityError(hash, 'the file is shorter than a blob header');
    const body = headerBytes.subarray(0, HEADER_BODY_BYTES);
    const { salt, noncePrefix } = readKeyMaterial(body);
    const cipher = new FileCipher(contentKey, salt, noncePrefix);
    if (!cipher.headerMacMatches(body, Buffer.from(hash, 'hex'), headerBytes.subarray(HEADER_BODY_BYTES))) {
      throw new BlobIntegrityError(hash, 'its header does not authenticate (tampered, wrong key, or another blob stored under this name)');
    }
    const header = decodeHeaderFields(body);
    const expected = encryptedLength(header);
    if (fileLength !== expected) {
      throw new BlobIntegrityError(hash, `the file is ${fileLength} bytes but its header promises ${expected} (truncated or extended)`);
    }
    return new OpenedBlob(hash, header, handle, cipher);
  } catch (error) {
    await handle.close();
    if (error instanceof HeaderFormatError) throw new BlobIntegrityError(hash, error.message);
    throw error;
  }
}

/** Every chunk in order, then a check of the whole plaintext's SHA-256 (throws before the last batch if it differs). */
export async function* verifiedBatches(blob: OpenedBlob): AsyncGenerator<Buffer[]> {
  const hasher = createHash('sha256');
  let pending: Buffer[] | null = null;
  for await (const batch of blob.chunks(0, blob.lastChunk)) {
    if (pending) yield pending;
    for (const chunk of batch) hasher.update(chunk);
    pending = batch;
  }
  if (hasher.digest('hex') !== blob.hash) throw new BlobIntegrityError(blob.hash, 'the decrypted content does not match its hash');
  if (pending) yield pending;
}

/** A blob file opened before its hash is known (key rotation): its header is checked once the content is hashed. */
export interface UnhashedBlob {
  /** Authenticated plaintext chunks, in order. */
  plaintext(): AsyncGenerator<Buffer>;
  /** Whether the header's MAC binds this content hash, i.e. the file is intact and holds that content. */
  holds(hash: string): boolean;
  close(): Promise<void>;
}

/**
 * Opens a blob file under `contentKey` without knowing which content it holds, or returns null when
 * it is not a blob file under this key (a bad header, a wrong length, or a first chunk that does not
 * authenticate). `label` names the file in errors.
 */
export async function openBlobFileUnhashed(filePath: string, label: string, contentKey: Buffer): Promise<UnhashedBlob | null> {
  const handle = await fs.open(filePath, 'r');
  try {
    const { size: fileLength } = await handle.stat();
    const headerBytes = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(headerBytes, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES) throw new HeaderFormatError('short');
    const body = headerBytes.subarray(0, HEADER_BODY_BYTES);
    const mac = headerBytes.subarray(HEADER_BODY_BYTES);
    const { salt, noncePrefix } = readKeyMaterial(body);
    const cipher = new FileCipher(contentKey, salt, noncePrefix);
    const header = decodeHeaderFields(body);
    if (fileLength !== encryptedLength(header)) throw new HeaderFormatError('length');
    const blob = new OpenedBlob(label, header, handle, cipher);
    await blob.readChunks(0, 1);
    return {
      async *plaintext() {
        for await (const batch of blob.chunks(0, blob.lastChunk)) yield* batch;
      },
      holds: (hash) => cipher.headerMacMatches(body, Buffer.from(hash, 'hex'), mac),
      close: () => blob.close(),
    };
  } catch (error) {
    await handle.close();
    if (error instanceof HeaderFormatError || error instanceof BlobIntegrityError) return null;
    throw error;
  }
}
