import { BlobIntegrityError, BlobNotFoundError, BlobRangeError, type BlobStore } from '../../library/blobs/blob-store.js';
import { encodeData, encodeMissing, type BlobRequest, type MissingReason } from './blob-protocol.js';

// Reads at once: each decrypts at most one piece, and the store's reads go through libuv's 4 threads.
const SERVE_CONCURRENCY = 8;
// Requests a peer may have waiting; more are answered "busy" (an honest requester never gets there).
const MAX_QUEUED_PER_PEER = 512;

export type MayServe = (peerId: string, hash: string) => boolean | Promise<boolean>;

export interface BlobServerOptions {
  store: BlobStore;
  mayServe: MayServe;
  send(peerId: string, message: Buffer): void;
  /** Blob bytes sent. */
  sent(bytes: number): void;
}

interface Queued {
  peerId: string;
  generation: number;
  request: BlobRequest;
}

/**
 * The serving side of blob sync: answers each request with the bytes asked for (read from this
 * device only, authenticated chunk by chunk) or "missing". "Missing" also answers a blob the peer
 * may not have, so that a peer learns nothing about what it is not allowed to see.
 */
export class BlobServer {
  readonly #options: BlobServerOptions;
  readonly #queue: Queued[] = [];
  #head = 0;
  readonly #queuedPerPeer = new Map<string, number>();
  // Bumped when a peer goes: its queued requests are skipped and late answers are not sent.
  readonly #generations = new Map<string, number>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: BlobServerOptions) {
    this.#options = options;
  }

  handle(peerId: string, request: BlobRequest): void {
    if (this.#closed) return;
    const queued = this.#queuedPerPeer.get(peerId) ?? 0;
    if (queued >= MAX_QUEUED_PER_PEER) {
      this.#options.send(peerId, encodeMissing(request.id, 'busy'));
      return;
    }
    this.#queuedPerPeer.set(peerId, queued + 1);
    this.#queue.push({ peerId, generation: this.#generations.get(peerId) ?? 0, request });
    this.#next();
  }

  dropPeer(peerId: string): void {
    this.#generations.set(peerId, (this.#generations.get(peerId) ?? 0) + 1);
  }

  /** Stops answering and waits for reads in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    this.#head = 0;
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #next(): void {
    while (!this.#closed && this.#running.size < SERVE_CONCURRENCY && this.#head < this.#queue.length) {
      const item = this.#queue[this.#head]!;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
      if (!this.#isCurrent(item)) {
        this.#dequeued(item.peerId);
        continue;
      }
      const running: Promise<void> = this.#serve(item).finally(() => {
        this.#running.delete(running);
        this.#dequeued(item.peerId);
        this.#next();
      });
      this.#running.add(running);
    }
  }

  async #serve(item: Queued): Promise<void> {
    const { peerId, request } = item;
    let answer: Buffer;
    let bytes = 0;
    try {
      if ((await this.#allowed(peerId, request.hash)) !== true) {
        answer = encodeMissing(request.id, 'unavailable');
      } else {
        const read = await this.#options.store.readLocalRange(request.hash, request.offset, request.length);
        answer = encodeData(request.id, read.size, read.bytes);
        bytes = read.bytes.length;
      }
    } catch (error) {
      answer = encodeMissing(request.id, missingReason(error));
    }
    if (this.#closed || !this.#isCurrent(item)) return;
    this.#options.send(peerId, answer);
    if (bytes > 0) this.#options.sent(bytes);
  }

  async #allowed(peerId: string, hash: string): Promise<boolean> {
    try {
      return (await this.#options.mayServe(peerId, hash)) === true;
    } catch {
      // A gate that fails keeps the blob in.
      return false;
    }
  }

  #isCurrent(item: Queued): boolean {
    return (this.#generations.get(item.peerId) ?? 0) === item.generation;
  }

  #dequeued(peerId: string): void {
    const left = (this.#queuedPerPeer.get(peerId) ?? 1) - 1;
    if (left > 0) this.#queuedPerPeer.set(peerId, left);
    else this.#queuedPerPeer.delete(peerId);
  }
}

function missingReason(error: unknown): MissingReason {
  if (error instanceof BlobRangeError) return 'bad-range';
  // Not here, or damaged here: another device should be asked.
  if (error instanceof BlobNotFoundError || error instanceof BlobIntegrityError) return 'unavailable';
  // Anything else (too many open files, a read error) may pass: ask again shortly.
  return 'busy';
}
