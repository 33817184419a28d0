import { createHash, type Hash } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FileCipher, HEADER_BYTES, encodeHeaderBody, maxPlaintextLength, newHeaderFields } from './blob-format.js';
import { randomFileStem, removeIfPresent, writeFully } from './durable-files.js';

export const TEMP_SUFFIX = '.part';
// Sealed chunks written per system call: a round trip through libuv's thread pool costs more than the copy.
const CHUNKS_PER_WRITE = 16;

export interface WrittenBlob {
  hash: string;
  size: number;
}

/**
 * Encrypts plaintext chunks into a temp file while hashing them; the header, which binds the hash,
 * is written last. The caller renames the finished file into place.
 */
export class TempBlobWriter {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #fields = newHeaderFields();
  readonly #cipher: FileCipher;
  readonly #hasher: Hash = createHash('sha256');
  // Sealed chunks (ciphertext, tag, ...) not yet written, and where they go.
  readonly #pending: Buffer[] = [];
  #written = HEADER_BYTES;
  #index = 0;
  #size = 0;
  #finalWritten = false;
  #closed = false;

  private constructor(filePath: string, handle: FileHandle, contentKey: Buffer) {
    this.path = filePath;
    this.#handle = handle;
    this.#cipher = new FileCipher(contentKey, this.#fields.salt, this.#fields.noncePrefix);
  }

  /** `tmpDir` must exist. */
  static async create(tmpDir: string, contentKey: Buffer): Promise<TempBlobWriter> {
    const filePath = path.join(tmpDir, `${randomFileStem()}${TEMP_SUFFIX}`);
    const handle = await fs.open(filePath, 'wx', 0o600);
    return new TempBlobWriter(filePath, handle, contentKey);
  }

  get chunkSize(): number {
    return this.#fields.chunkSize;
  }

  /** Every chunk but the final one must be exactly `chunkSize` bytes. */
  async append(plaintext: Uint8Array, final: boolean): Promise<void> {
    if (this.#finalWritten) throw new Error('the final chunk was already written');
    if (plaintext.length > this.chunkSize || (!final && plaintext.length !== this.chunkSize)) {
      throw new Error(`chunk ${this.#index} has ${plaintext.length} bytes; chunks are ${this.chunkSize} bytes`);
    }
    if (this.#size + plaintext.length > maxPlaintextLength(this.chunkSize)) throw new Error('blob exceeds the format size limit');
    this.#pending.push(...this.#cipher.seal(this.#index, final, plaintext));
    this.#hasher.update(plaintext);
    this.#index += 1;
    this.#size += plaintext.length;
    this.#finalWritten = final;
    if (final || this.#pending.length >= 2 * CHUNKS_PER_WRITE) await this.#flush();
  }

  async #flush(): Promise<void> {
    const buffers = this.#pending.splice(0);
    const bytes = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    await writeFully(this.#handle, buffers, this.#written);
    this.#written += bytes;
  }

  /** Writes the header, fsyncs and closes; the file is complete on disk when this resolves. */
  async finish(): Promise<WrittenBlob> {
    if (!this.#finalWritten) throw new Error('the final chunk was never written');
    const hashBytes = this.#hasher.digest();
    const body = encodeHeaderBody({ ...this.#fields, plaintextLength: this.#size });
    const mac = this.#cipher.headerMac(body, hashBytes);
    await writeFully(this.#handle, [body, mac], 0);
    await this.#handle.sync();
    await this.#close();
    return { hash: hashBytes.toString('hex'), size: this.#size };
  }

  /** Closes and deletes the temp file; harmless once it was renamed away. */
  async discard(): Promise<void> {
    await this.#close();
    await removeIfPresent(this.path);
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}

