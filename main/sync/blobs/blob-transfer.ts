import type { PartialFile } from './partial-file.js';

/**
 * A blob larger than one piece, on its way into its partial file: which pieces to ask for next,
 * and the pieces that arrived ahead of their turn (answers to pipelined requests may come in any
 * order), written strictly in order so the file is always a clean prefix to resume from.
 */
export class Transfer {
  readonly partial: PartialFile;
  /** Peers whose bytes are in the file: the suspects if the whole does not hash right. */
  readonly contributors = new Set<string>();
  /** Requests asked and not yet answered. */
  inFlight = 0;
  #nextOffset: number;
  readonly #early = new Map<number, Buffer>();
  #writing: Promise<void> = Promise.resolve();
  #writeError: unknown = null;

  constructor(partial: PartialFile) {
    this.partial = partial;
    this.#nextOffset = partial.received;
  }

  get size(): number {
    return this.partial.size;
  }

  /** Every piece was asked for and answered (the last ones may still be being written). */
  get allArrived(): boolean {
    return this.#nextOffset >= this.size && this.inFlight === 0;
  }

  /** The next piece to ask for, or null when every piece has been asked for. */
  nextPiece(): { offset: number; length: number } | null {
    if (this.#nextOffset >= this.size) return null;
    const offset = this.#nextOffset;
    const length = Math.min(this.partial.pieceSize, this.size - offset);
    this.#nextOffset += length;
    return { offset, length };
  }

  /** Takes the piece at `offset` (its length already checked); pieces are written once all before them are. */
  accept(offset: number, bytes: Buffer, peerId: string): void {
    this.contributors.add(peerId);
    this.#early.set(offset, bytes);
    this.#writing = this.#writing.then(() => this.#writeInOrder());
  }

  /** Resolves once every piece that can be written is; rejects if a write failed. */
  async settled(): Promise<void> {
    await this.#writing;
    if (this.#writeError !== null) throw this.#writeError;
  }

  /** Drops pieces held out of order (an attempt ended): the next attempt asks again from what is on disk. */
  dropEarly(): void {
    this.#early.clear();
  }

  /** Ready for a new attempt: waits for writes, then goes on from the end of the file. */
  async rewind(): Promise<void> {
    this.dropEarly();
    await this.settled();
    this.inFlight = 0;
    this.#nextOffset = this.partial.received;
  }

  async #writeInOrder(): Promise<void> {
    if (this.#writeError !== null) return;
    try {
      for (let piece = this.#early.get(this.partial.received); piece !== undefined; piece = this.#early.get(this.partial.received)) {
        this.#early.delete(this.partial.received);
        await this.partial.append(piece);
      }
    } catch (error) {
      this.#writeError = error;
    }
  }
}
