import { assertBlobHash } from '../../library/blobs/blob-names.js';
import { InvalidBlobArgumentError, type BlobStore } from '../../library/blobs/blob-store.js';
import { BlobFetcher } from './blob-fetcher.js';
import { decodeBlobMessage } from './blob-protocol.js';
import { BlobServer, type MayServe } from './blob-server.js';
import { BlobUnavailableError } from './blob-sync-errors.js';
import { PartialFolder } from './partial-file.js';

export { BlobUnavailableError, type BlobUnavailableReason } from './blob-sync-errors.js';
export { BLOB_PROTOCOL_VERSION, MAX_BLOB_MESSAGE_BYTES, PIECE_BYTES } from './blob-protocol.js';

/** One authenticated, encrypted link to a peer device, for the blob channel only (messages are delivered in order, whole). */
export interface BlobLink {
  readonly peerId: string;
  /** Sends one blob-channel message (without the channel byte). A throw counts as the link being gone. */
  send(message: Uint8Array): void;
}

export interface BlobSyncProgress {
  /** Blobs wanted or being fetched and not stored yet (including those no connected peer has). */
  pending: number;
  /** Blobs being asked for, received or stored right now. */
  inFlight: number;
  fetched: number;
  /** On-demand fetches that failed and background wants given up (damaged copies only). */
  failed: number;
  /** Blob bytes received and sent (message framing not counted). */
  bytesReceived: number;
  bytesSent: number;
}

export interface BlobSyncOptions {
  /** Where resumable partial downloads live (inside the library folder), encrypted under `partialKey`. */
  partialDir: string;
  /** 32 bytes; partial files are unreadable without it. */
  partialKey: Buffer;
  /** Which blobs a peer may ask for. Default: none. */
  mayServe?: MayServe;
  onProgress?: (progress: BlobSyncProgress) => void;
  /** Damaged copies received for one blob before it is given up. Default 3. */
  maxCorruptCopies?: number;
  /** How long an on-demand fetch waits for its sender to come back (or another to connect). Default 30 s. */
  pausedFetchTimeoutMs?: number;
  /** Blobs announced as larger are refused. Default 64 GiB. */
  maxBlobBytes?: number;
  /** A peer that answers nothing for this long while asked is passed over until it answers again. Default 30 s. */
  stallTimeoutMs?: number;
}

// Progress is reported at most this often (and once more after the last change).
const PROGRESS_INTERVAL_MS = 50;

const DEFAULTS = { maxCorruptCopies: 3, pausedFetchTimeoutMs: 30_000, maxBlobBytes: 64 * 1024 ** 3, stallTimeoutMs: 30_000 };

/**
 * Blob sync between this device and its peers over the blob channel: answers their requests from the
 * local store (as far as `mayServe` allows) and fetches what this device wants, verified against its
 * hash before it is stored. The connection layer owns the links: it adds a peer once its connection
 * is authenticated, hands over every blob-channel message, and removes the peer when it goes.
 */
export class BlobSync {
  readonly #links = new Map<string, BlobLink>();
  readonly #store: BlobStore;
  readonly #fetcher: BlobFetcher;
  readonly #server: BlobServer;
  readonly #onProgress: ((progress: BlobSyncProgress) => void) | undefined;
  #bytesSent = 0;
  #ignored = 0;
  #progressTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(blobs: BlobStore, options: BlobSyncOptions) {
    if (typeof options.partialDir !== 'string' || options.partialDir === '') throw new InvalidBlobArgumentError('blob sync needs a partialDir');
    const settings = { ...DEFAULTS, ...definedOnly(options) };
    for (const name of ['maxCorruptCopies', 'pausedFetchTimeoutMs', 'maxBlobBytes', 'stallTimeoutMs'] as const) {
      if (!Number.isSafeInteger(settings[name]) || settings[name] < 1) throw new InvalidBlobArgumentError(`blob sync ${name} must be a positive integer`);
    }
    this.#store = blobs;
    this.#onProgress = options.onProgress;
    const send = (peerId: string, message: Buffer) => this.#send(peerId, message);
    this.#fetcher = new BlobFetcher({
      store: blobs,
      partials: new PartialFolder(options.partialDir, options.partialKey),
      send,
      changed: () => this.#changed(),
      maxCorruptCopies: settings.maxCorruptCopies,
      pausedFetchTimeoutMs: settings.pausedFetchTimeoutMs,
      maxBlobBytes: settings.maxBlobBytes,
      stallTimeoutMs: settings.stallTimeoutMs,
    });
    this.#server = new BlobServer({
      store: blobs,
      mayServe: options.mayServe ?? (() => false),
      send,
      sent: (bytes) => {
        this.#bytesSent += bytes;
        this.#changed();
      },
    });
  }

  /** A peer connected (again). A second link for the same peer replaces the first, whose requests are asked again. */
  addPeer(link: BlobLink): void {
    if (this.#closed) return;
    if (typeof link?.peerId !== 'string' || typeof link.send !== 'function') throw new InvalidBlobArgumentError('addPeer needs a BlobLink');
    if (this.#links.has(link.peerId)) this.removePeer(link.peerId);
    this.#links.set(link.peerId, link);
    this.#fetcher.addPeer(link.peerId);
  }

  /** Transfers from it pause and resume from their partial files, with another peer or when it returns. */
  removePeer(peerId: string): void {
    if (!this.#links.delete(peerId)) return;
    this.#server.dropPeer(peerId);
    this.#fetcher.dropPeer(peerId);
  }

  /** One blob-channel message from a peer (without the channel byte). Anything malformed, oversized or unasked for is ignored and counted. */
  receive(peerId: string, message: Uint8Array): void {
    try {
      const decoded = this.#links.has(peerId) && !this.#closed ? decodeBlobMessage(message) : null;
      let accepted = decoded !== null;
      if (decoded?.type === 'data' || decoded?.type === 'missing') this.#fetcher.peerAnswered(peerId);
      if (decoded?.type === 'request') this.#server.handle(peerId, decoded);
      else if (decoded?.type === 'data') accepted = this.#fetcher.onData(peerId, decoded);
      else if (decoded?.type === 'missing') accepted = this.#fetcher.onMissing(peerId, decoded);
      if (!accepted) this.#ignored += 1;
    } catch {
      // A peer's message must never break the connection that delivered it.
      this.#ignored += 1;
    }
  }

  /**
   * Fetches one blob now (an original opened on a device that does not have it): resolves once stored
   * and verified. Rejects with BlobUnavailableError when no connected peer has it (after asking all),
   * or after repeated damaged copies.
   */
  async fetch(hash: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertBlobHash(hash);
    const { signal } = options;
    if (this.#closed) throw new BlobUnavailableError(hash, 'closed');
    signal?.throwIfAborted();
    if (await this.#store.has(hash)) return;
    signal?.throwIfAborted();
    await this.#fetcher.fetch(hash, signal);
  }

  /**
   * Background wants (thumbnails eagerly, originals when the device keeps all): fetched with bounded
   * concurrency, on-demand fetches first. Already-present hashes are skipped cheaply (one stat each).
   * Throws InvalidBlobArgumentError, wanting none of them, if any is not a blob hash.
   */
  want(hashes: Iterable<string>): void {
    const list = [...hashes];
    for (const hash of list) assertBlobHash(hash);
    this.#fetcher.want(list);
  }

  get progress(): BlobSyncProgress {
    return { ...this.#fetcher.progress, bytesSent: this.#bytesSent };
  }

  /** Messages ignored: malformed, oversized, from an unknown peer, or answering nothing asked. */
  get ignoredMessages(): number {
    return this.#ignored;
  }

  /** Copies received damaged (wrong hash, wrong length, disagreeing sizes) and thrown away. */
  get corruptCopies(): number {
    return this.#fetcher.corruptCopies;
  }

  /** Rejects pending fetches, stops answering, and resolves once nothing more is written. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#links.clear();
    await Promise.all([this.#fetcher.close(), this.#server.close()]);
    if (this.#progressTimer !== null) clearTimeout(this.#progressTimer);
    this.#progressTimer = null;
    this.#onProgress?.(this.progress);
  }

  #send(peerId: string, message: Buffer): void {
    const link = this.#links.get(peerId);
    if (link === undefined) return;
    try {
      link.send(message);
    } catch {
      // A dead link: its requests go elsewhere. Not from inside the caller's bookkeeping, though.
      queueMicrotask(() => {
        if (this.#links.get(peerId) === link) this.removePeer(peerId);
      });
    }
  }

  #changed(): void {
    if (this.#onProgress === undefined || this.#progressTimer !== null || this.#closed) return;
    // Coalesced: thousands of thumbnails a second must not mean thousands of callbacks.
    this.#progressTimer = setTimeout(() => {
      this.#progressTimer = null;
      this.#onProgress?.(this.progress);
    }, PROGRESS_INTERVAL_MS);
    this.#progressTimer.unref();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
