import { Readable } from 'node:stream';
import { verifiedBatches, type OpenedBlob } from './blob-reader.js';

export interface ByteRange {
  start: number;
  /** Inclusive, as in an HTTP Range header. */
  end: number;
}

/**
 * Decrypted bytes of one blob. With a range, only the chunks that overlap it are read and
 * authenticated; without one, the whole plaintext is also checked against its hash before the last
 * bytes are released. Owns the open blob and closes it when it ends or is destroyed.
 */
export class BlobReadStream extends Readable {
  readonly #blob: OpenedBlob;
  readonly #batches: AsyncGenerator<Buffer[]>;
  readonly #start: number;
  readonly #endExclusive: number;
  #chunkStart: number;

  constructor(blob: OpenedBlob, range: ByteRange | null) {
    super();
    this.#blob = blob;
    const { start, end } = range ?? { start: 0, end: blob.size - 1 };
    this.#batches = range === null ? verifiedBatches(blob) : blob.chunks(blob.chunkOf(start), blob.chunkOf(end));
    this.#start = start;
    this.#endExclusive = end + 1;
    this.#chunkStart = blob.chunkOf(start) * blob.header.chunkSize;
  }

  override _read(): void {
    this.#pushNext().catch((error: unknown) => this.destroy(error as Error));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#blob.close().then(
      () => callback(error),
      (closeError: unknown) => callback(error ?? (closeError as Error)),
    );
  }

  // Node calls _read again only after a push, so each call pushes exactly once (data or the end).
  async #pushNext(): Promise<void> {
    for (;;) {
      const { done, value } = await this.#batches.next();
      if (this.destroyed) return;
      if (done) {
        this.push(null);
        return;
      }
      const bytes = this.#sliceToRange(value);
      if (bytes.length > 0) {
        this.push(bytes);
        return;
      }
    }
  }

  #sliceToRange(batch: Buffer[]): Buffer {
    const pieces: Buffer[] = [];
    for (const chunk of batch) {
      const from = Math.max(this.#start, this.#chunkStart) - this.#chunkStart;
      const to = Math.min(this.#endExclusive, this.#chunkStart + chunk.length) - this.#chunkStart;
      if (to > from) pieces.push(chunk.subarray(from, to));
      this.#chunkStart += chunk.length;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }
}
