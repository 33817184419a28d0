import { BlobIntegrityError, type BlobStore } from '../../library/blobs/blob-store.js';
import { Limiter } from '../../library/video/limiter.js';
import { PIECE_BYTES, encodeRequest, type BlobData, type BlobMissing } from './blob-protocol.js';
import { BlobUnavailableError } from './blob-sync-errors.js';
import { Transfer } from './blob-transfer.js';
import { PartialDamagedError, type PartialFolder } from './partial-file.js';
import { TwoLaneQueue } from './two-lane-queue.js';

// Blobs being worked on at once (asked for, arriving or being stored): deep enough that thousands
// of small thumbnails a second flow over a link with some latency.
const MAX_ACTIVE_JOBS = 64;
// Requests in flight over all peers: bounds the bytes on their way (at most this many pieces).
const MAX_OUTSTANDING = 128;
// Pieces of one large blob in flight at once.
const BLOB_WINDOW = 8;
// Blobs encrypted into the store at once: the store's writes go through libuv's 4 threads.
const STORE_CONCURRENCY = 8;
// A peer that answers "busy" is asked again after this long.
const BUSY_RETRY_MS = 50;

export interface BlobFetcherOptions {
  store: BlobStore;
  partials: PartialFolder;
  /** Sends over a peer's link; a link that fails is removed by its owner (dropPeer). */
  send(peerId: string, message: Buffer): void;
  /** Something the progress counts changed. */
  changed(): void;
  /** Damaged copies received before a blob is given up. */
  maxCorruptCopies: number;
  /** How long an on-demand fetch waits for the device that was sending it (or another) to come back. */
  pausedFetchTimeoutMs: number;
  /** A peer that answers nothing for this long while asked is passed over until it answers again. */
  stallTimeoutMs: number;
  /** Blobs announced as larger are refused. */
  maxBlobBytes: number;
}

type JobState = 'queued' | 'active' | 'parked' | 'done';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | null;
  detach(): void;
}

/** One blob this device wants: on demand (waiters), in the background (wanted), or both. */
class Job {
  state: JobState = 'queued';
  wanted = false;
  readonly waiters = new Set<Waiter>();
  /** Bumped whenever the current attempt ends: answers and async steps of older attempts are ignored. */
  attempt = 0;
  /** Bumped at every enqueue, so that only the latest queue entry counts. */
  queueToken = 0;
  corruptCopies = 0;
  /** Peers that sent a damaged copy: asked last. */
  readonly suspects = new Set<string>();
  /** Peers that said they do not have it, since the last time new peers came. */
  readonly asked = new Set<string>();
  /** A peer that was sending it went away: on-demand waiters give it time to come back. */
  interrupted = false;
  /** The partial file must be thrown away before the next attempt (peers disagree on the size). */
  discardPartial = false;
  peerId: string | null = null;
  transfer: Transfer | null = null;

  constructor(readonly hash: string) {}
}

interface PendingRequest {
  job: Job;
  attempt: number;
  peerId: string;
  offset: number;
  length: number;
}

interface PeerState {
  /** Requests in flight. */
  load: number;
  /** When it last answered, or when it was last asked something while nothing was in flight. */
  since: number;
  /** It stopped answering: asked nothing until it answers again. */
  stalled: boolean;
}

interface QueueEntry {
  job: Job;
  token: number;
}

/**
 * The requesting side of blob sync: which blobs to fetch, from which peer, how many at once, and
 * what to do with each answer. Small blobs arrive whole in one answer and are checked in memory;
 * larger ones are pipelined piece by piece into an encrypted partial file that survives cuts and
 * restarts. Nothing enters the store unless it hashes to what was asked for.
 */
export class BlobFetcher {
  readonly #options: BlobFetcherOptions;
  readonly #jobs = new Map<string, Job>();
  readonly #queue = new TwoLaneQueue<QueueEntry>();
  readonly #parked = new Set<Job>();
  /** Large transfers that could not ask for their next pieces because MAX_OUTSTANDING was reached. */
  readonly #starved = new Set<Job>();
  readonly #requests = new Map<number, PendingRequest>();
  readonly #peers = new Map<string, PeerState>();
  #stallTimer: NodeJS.Timeout | null = null;
  readonly #storeLimiter = new Limiter(STORE_CONCURRENCY);
  readonly #work = new Set<Promise<void>>();
  /** Partial files closing after their job stopped; a new job for the hash waits for them. */
  readonly #closing = new Map<string, Promise<void>>();
  readonly #partialNames: Promise<Set<string>>;
  #nextRequestId = 1;
  #active = 0;
  #fetched = 0;
  #failed = 0;
  #corruptCopies = 0;
  #bytesReceived = 0;
  #closed = false;

  constructor(options: BlobFetcherOptions) {
    this.#options = options;
    this.#partialNames = options.partials.listNames();
    // Without a handler, a folder that cannot be listed would be an unhandled rejection until the first job.
    this.#partialNames.catch(() => undefined);
  }

  get progress(): { pending: number; inFlight: number; fetched: number; failed: number; bytesReceived: number } {
    return { pending: this.#jobs.size, inFlight: this.#active, fetched: this.#fetched, failed: this.#failed, bytesReceived: this.#bytesReceived };
  }

  /** Copies that arrived damaged (wrong hash, wrong length, sizes that disagree) and were thrown away. */
  get corruptCopies(): number {
    return this.#corruptCopies;
  }

  addPeer(peerId: string): void {
    if (this.#closed || this.#peers.has(peerId)) return;
    this.#peers.set(peerId, { load: 0, since: Date.now(), stalled: false });
    // A newcomer may have what nobody had, and what an absent peer was sending.
    for (const job of [...this.#parked]) {
      job.asked.clear();
      this.#enqueue(job, false);
    }
    this.#pump();
  }

  /** Its requests are forgotten; the blobs they were for go back to the front of the queue. */
  dropPeer(peerId: string): void {
    if (!this.#peers.delete(peerId)) return;
    for (const job of this.#forgetRequestsTo(peerId)) this.#interrupt(job);
    this.#pump();
  }

  /** The peer sent something: one that had stalled may be asked again. */
  peerAnswered(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (peer === undefined) return;
    peer.since = Date.now();
    if (!peer.stalled) return;
    peer.stalled = false;
    for (const job of [...this.#parked]) {
      job.asked.delete(peerId);
      this.#enqueue(job, false);
    }
    this.#pump();
  }

  want(hashes: readonly string[]): void {
    if (this.#closed) return;
    for (const hash of hashes) {
      const existing = this.#jobs.get(hash);
      if (existing !== undefined) {
        existing.wanted = true;
        // Wanted again: a peer that had none of it before may have fetched it since (a relay).
        if (existing.state === 'parked') {
          existing.asked.clear();
          this.#enqueue(existing, false);
        }
        continue;
      }
      const job = this.#newJob(hash);
      job.wanted = true;
      this.#enqueue(job, false);
    }
    this.#pump();
  }

  /** Resolves once the blob is stored (by this fetch or another); the caller has checked that it is missing. */
  fetch(hash: string, signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new BlobUnavailableError(hash, 'closed'));
    return new Promise<void>((resolve, reject) => {
      const job = this.#jobs.get(hash) ?? this.#newJob(hash);
      const wasUrgent = job.waiters.size > 0;
      const onAbort = () => {
        this.#settleWaiter(job, waiter, signal?.reason);
        if (!this.#isWanted(job) && job.state !== 'active') this.#forget(job);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        timer: null,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      job.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Someone waits now: ask everyone again, urgently.
      if (job.state === 'parked') {
        job.asked.clear();
        this.#enqueue(job, false);
      } else if (job.state === 'queued' && !wasUrgent) {
        this.#enqueue(job, false);
      }
      this.#pump();
    });
  }

  onData(peerId: string, message: BlobData): boolean {
    const request = this.#takeRequest(peerId, message.id);
    if (request === null) return false;
    const { job, attempt, offset, length } = request;
    if (!this.#isCurrent(job, attempt)) return true;
    if (!this.#isWanted(job)) {
      this.#forget(job);
      return true;
    }
    const { size, bytes } = message;
    const expected = offset < size || (offset === 0 && size === 0) ? Math.min(length, size - offset) : -1;
    if (size > this.#options.maxBlobBytes || bytes.length !== expected) {
      this.#damaged(job, [peerId]);
      return true;
    }
    this.#bytesReceived += bytes.length;
    this.#options.changed();
    const { transfer } = job;
    if (transfer === null) {
      if (bytes.length === size) this.#track(job, attempt, this.#storeWhole(job, attempt, peerId, bytes));
      else this.#track(job, attempt, this.#beginTransfer(job, attempt, peerId, size, bytes));
    } else if (size !== transfer.size) {
      // This peer and the one whose bytes are in the partial file disagree: start over.
      job.discardPartial = true;
      this.#damaged(job, []);
    } else {
      transfer.inFlight -= 1;
      transfer.accept(offset, bytes, peerId);
      this.#continueTransfer(job, attempt);
    }
    return true;
  }

  onMissing(peerId: string, message: BlobMissing): boolean {
    const request = this.#takeRequest(peerId, message.id);
    if (request === null) return false;
    const { job, attempt } = request;
    if (!this.#isCurrent(job, attempt)) return true;
    if (!this.#isWanted(job)) {
      this.#forget(job);
      return true;
    }
    if (message.reason === 'unavailable') {
      job.asked.add(peerId);
      this.#requeue(job, true);
    } else if (message.reason === 'busy') {
      this.#requeue(job, true, BUSY_RETRY_MS);
    } else {
      // Our partial file goes further than the peer's blob: they disagree on its size.
      job.discardPartial = true;
      this.#damaged(job, []);
    }
    return true;
  }

  /** Rejects every waiter, stops asking, and waits for writes in progress and partial files to close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.clear();
    this.#requests.clear();
    this.#starved.clear();
    if (this.#stallTimer !== null) clearInterval(this.#stallTimer);
    for (const job of [...this.#jobs.values()]) {
      this.#rejectWaiters(job, new BlobUnavailableError(job.hash, 'closed'), false);
      this.#forget(job);
    }
    while (this.#work.size > 0 || this.#closing.size > 0) {
      await Promise.allSettled([...this.#work, ...this.#closing.values()]);
    }
  }

  #pump(): void {
    if (this.#closed) return;
    for (const job of [...this.#starved]) {
      if (this.#requests.size >= MAX_OUTSTANDING) break;
      this.#starved.delete(job);
      if (job.state === 'active') this.#continueTransfer(job, job.attempt);
    }
    while (this.#active < MAX_ACTIVE_JOBS && this.#requests.size < MAX_OUTSTANDING) {
      const entry = this.#queue.shift();
      if (entry === undefined) break;
      const { job, token } = entry;
      if (job.state !== 'queued' || job.queueToken !== token) continue;
      job.state = 'active';
      this.#active += 1;
      job.attempt += 1;
      this.#track(job, job.attempt, this.#start(job, job.attempt));
    }
  }

  async #start(job: Job, attempt: number): Promise<void> {
    if (!this.#isWanted(job)) {
      this.#forget(job);
      return;
    }
    const names = await this.#partialNames;
    if (await this.#options.store.has(job.hash)) {
      if (!this.#isCurrent(job, attempt)) return;
      // It came another way (an import, another fetch): a download of it half done is of no more use.
      job.discardPartial = job.transfer !== null || names.has(this.#options.partials.fileName(job.hash));
      this.#succeed(job, false);
      return;
    }
    await this.#closing.get(job.hash);
    if (!this.#isCurrent(job, attempt)) return;
    await this.#prepareTransfer(job, attempt);
    if (!this.#isCurrent(job, attempt)) return;
    const { transfer } = job;
    if (transfer?.partial.complete) {
      await this.#assemble(job, attempt);
      return;
    }
    const peerId = this.#choosePeer(job);
    if (peerId === null) {
      this.#noPeerHasIt(job);
      return;
    }
    job.peerId = peerId;
    if (transfer === null) this.#request(job, attempt, 0, PIECE_BYTES);
    else this.#continueTransfer(job, attempt);
  }

  /** Discards, resumes or rewinds the job's partial file, as the attempt needs. */
  async #prepareTransfer(job: Job, attempt: number): Promise<void> {
    const { partials } = this.#options;
    const names = await this.#partialNames;
    const name = partials.fileName(job.hash);
    if (job.discardPartial) {
      job.discardPartial = false;
      const old = job.transfer;
      job.transfer = null;
      if (old !== null) await old.partial.remove();
      else await partials.remove(job.hash);
      names.delete(name);
    }
    if (job.transfer !== null) {
      await job.transfer.rewind();
      return;
    }
    if (!names.has(name)) return;
    const partial = await partials.resume(job.hash);
    if (partial === null) {
      names.delete(name);
      return;
    }
    if (!this.#isCurrent(job, attempt) || job.transfer !== null) {
      await partial.close();
      return;
    }
    if (partial.pieceSize !== PIECE_BYTES) {
      // Kept in pieces of another size (an older build): start over rather than ask misaligned ranges.
      await partial.remove();
      names.delete(name);
      return;
    }
    job.transfer = new Transfer(partial);
  }

  async #storeWhole(job: Job, attempt: number, peerId: string, bytes: Buffer): Promise<void> {
    try {
      await this.#storeLimiter.run(() => this.#options.store.putStream([bytes], job.hash));
    } catch (error) {
      if (!(error instanceof BlobIntegrityError)) throw error;
      if (this.#isCurrent(job, attempt)) this.#damaged(job, [peerId]);
      return;
    }
    if (this.#isCurrent(job, attempt)) this.#succeed(job, true);
  }

  async #beginTransfer(job: Job, attempt: number, peerId: string, size: number, firstPiece: Buffer): Promise<void> {
    const partial = await this.#options.partials.create(job.hash, size, PIECE_BYTES);
    (await this.#partialNames).add(this.#options.partials.fileName(job.hash));
    if (!this.#isCurrent(job, attempt)) {
      await partial.close();
      return;
    }
    const transfer = new Transfer(partial);
    job.transfer = transfer;
    transfer.nextPiece();
    transfer.accept(0, firstPiece, peerId);
    this.#continueTransfer(job, attempt);
  }

  /** Asks for more pieces within the windows, or assembles once every piece is in. */
  #continueTransfer(job: Job, attempt: number): void {
    const transfer = job.transfer!;
    if (transfer.allArrived) {
      this.#track(job, attempt, this.#assemble(job, attempt));
      return;
    }
    if (job.peerId === null || this.#peers.get(job.peerId)?.stalled !== false) {
      // Its peer left while no request was out (between pieces): no dropPeer reached this job.
      this.#interrupt(job);
      return;
    }
    while (transfer.inFlight < BLOB_WINDOW && this.#requests.size < MAX_OUTSTANDING) {
      const piece = transfer.nextPiece();
      if (piece === null) break;
      transfer.inFlight += 1;
      this.#request(job, attempt, piece.offset, piece.length);
    }
    if (transfer.inFlight === 0) this.#starved.add(job);
  }

  /** Decrypts the finished partial file into the store, which checks the hash before the blob gets its name. */
  async #assemble(job: Job, attempt: number): Promise<void> {
    const transfer = job.transfer!;
    await transfer.settled();
    if (!this.#isCurrent(job, attempt)) return;
    try {
      await this.#storeLimiter.run(() => this.#options.store.putStream(transfer.partial.plaintext(), job.hash));
    } catch (error) {
      if (error instanceof PartialDamagedError) {
        // The disk damaged a record (the peers' bytes were fine when written): fetch from there again.
        await transfer.partial.truncate(error.goodBytes);
        if (this.#isCurrent(job, attempt)) this.#damaged(job, []);
        return;
      }
      if (!(error instanceof BlobIntegrityError)) throw error;
      if (this.#isCurrent(job, attempt)) {
        job.discardPartial = true;
        this.#damaged(job, [...transfer.contributors]);
      }
      return;
    }
    job.transfer = null;
    await transfer.partial.remove();
    (await this.#partialNames).delete(this.#options.partials.fileName(job.hash));
    if (this.#isCurrent(job, attempt)) this.#succeed(job, true);
  }

  #request(job: Job, attempt: number, offset: number, length: number): void {
    const peerId = job.peerId!;
    const id = this.#nextRequestId;
    this.#nextRequestId = id >= 0xffffffff ? 1 : id + 1;
    this.#requests.set(id, { job, attempt, peerId, offset, length });
    const peer = this.#peers.get(peerId);
    if (peer !== undefined) {
      if (peer.load === 0) peer.since = Date.now();
      peer.load += 1;
    }
    this.#watchForStalls();
    this.#options.send(peerId, encodeRequest({ id, hash: job.hash, offset, length }));
  }

  #takeRequest(peerId: string, id: number): PendingRequest | null {
    const request = this.#requests.get(id);
    // An answer to nothing we asked, or to another peer's request: not this peer's to give.
    if (request === undefined || request.peerId !== peerId) return null;
    this.#requests.delete(id);
    const peer = this.#peers.get(peerId);
    if (peer !== undefined) peer.load -= 1;
    // Whatever happens to this answer, its slot is free for the next request.
    queueMicrotask(() => this.#pump());
    return request;
  }

  /** The least busy connected peer that has not said no, preferring those that never sent a damaged copy. */
  #choosePeer(job: Job): string | null {
    let best: string | null = null;
    let bestScore = Infinity;
    for (const [peerId, { load, stalled }] of this.#peers) {
      if (stalled || job.asked.has(peerId)) continue;
      const score = (job.suspects.has(peerId) ? MAX_OUTSTANDING * 1000 : 0) + load;
      if (score < bestScore) {
        best = peerId;
        bestScore = score;
      }
    }
    return best;
  }

  /** Its requests in flight are dropped (late answers are ignored); returns the jobs they were for. */
  #forgetRequestsTo(peerId: string): Set<Job> {
    const jobs = new Set<Job>();
    for (const [id, request] of this.#requests) {
      if (request.peerId !== peerId) continue;
      this.#requests.delete(id);
      if (this.#isCurrent(request.job, request.attempt)) jobs.add(request.job);
    }
    const peer = this.#peers.get(peerId);
    if (peer !== undefined) peer.load = 0;
    return jobs;
  }

  // A peer that stops answering (a bug, another protocol version, a link that hangs without closing)
  // must not hold blobs forever: its requests go to other peers, and it is asked nothing until it answers.
  #watchForStalls(): void {
    if (this.#stallTimer !== null) return;
    this.#stallTimer = setInterval(() => this.#checkStalls(), Math.max(10, this.#options.stallTimeoutMs / 4));
    this.#stallTimer.unref();
  }

  #checkStalls(): void {
    const now = Date.now();
    for (const [peerId, peer] of this.#peers) {
      if (peer.load === 0 || now - peer.since < this.#options.stallTimeoutMs) continue;
      peer.stalled = true;
      for (const job of this.#forgetRequestsTo(peerId)) {
        job.asked.add(peerId);
        job.transfer?.dropEarly();
        this.#requeue(job, true);
      }
    }
    if (this.#requests.size === 0 && this.#stallTimer !== null) {
      clearInterval(this.#stallTimer);
      this.#stallTimer = null;
    }
    this.#pump();
  }

  #noPeerHasIt(job: Job): void {
    this.#release(job);
    job.state = 'parked';
    this.#parked.add(job);
    if (job.interrupted) {
      // It was on its way: give the sender (or another device) time to come back before saying no.
      for (const waiter of job.waiters) {
        waiter.timer ??= setTimeout(() => {
          this.#failed += 1;
          this.#settleWaiter(job, waiter, new BlobUnavailableError(job.hash, 'peer-gone'));
          if (!this.#isWanted(job)) this.#forget(job);
        }, this.#options.pausedFetchTimeoutMs);
        waiter.timer.unref();
      }
    } else {
      this.#rejectWaiters(job, new BlobUnavailableError(job.hash, 'no-peer-has-it'), true);
    }
    // A background want waits here for the next peer; an on-demand one that nobody waits for any more goes.
    if (!this.#isWanted(job)) this.#forget(job);
    this.#options.changed();
  }

  /** A damaged copy (wrong hash, length or size): try again, elsewhere first, a few times. */
  #damaged(job: Job, peers: string[]): void {
    this.#corruptCopies += 1;
    job.corruptCopies += 1;
    for (const peerId of peers) job.suspects.add(peerId);
    if (job.corruptCopies < this.#options.maxCorruptCopies) {
      this.#requeue(job, true);
      return;
    }
    // Given up: keep nothing of it, so a later want starts clean.
    job.discardPartial = true;
    this.#giveUp(job, new BlobUnavailableError(job.hash, 'corrupt-copies'));
  }

  #interrupt(job: Job): void {
    job.interrupted = true;
    job.transfer?.dropEarly();
    this.#requeue(job, true);
  }

  /** Ends the current attempt and queues the next (after `delayMs`, for a busy peer). */
  #requeue(job: Job, front: boolean, delayMs = 0): void {
    this.#release(job);
    job.state = 'queued';
    job.attempt += 1;
    job.transfer?.dropEarly();
    const token = ++job.queueToken;
    if (delayMs === 0) {
      this.#queue.push({ job, token }, job.waiters.size > 0, front);
      return;
    }
    setTimeout(() => {
      if (job.queueToken !== token || job.state !== 'queued') return;
      this.#queue.push({ job, token }, job.waiters.size > 0, front);
      this.#pump();
    }, delayMs).unref();
  }

  #enqueue(job: Job, front: boolean): void {
    if (job.state === 'active') return;
    this.#parked.delete(job);
    for (const waiter of job.waiters) this.#clearTimer(waiter);
    job.state = 'queued';
    job.queueToken += 1;
    this.#queue.push({ job, token: job.queueToken }, job.waiters.size > 0, front);
  }

  #succeed(job: Job, fetched: boolean): void {
    if (fetched) this.#fetched += 1;
    for (const waiter of [...job.waiters]) this.#settleWaiter(job, waiter, undefined);
    this.#forget(job);
  }

  #giveUp(job: Job, error: unknown): void {
    if (this.#isWanted(job)) this.#failed += 1;
    this.#rejectWaiters(job, error, false);
    this.#forget(job);
  }

  #rejectWaiters(job: Job, error: unknown, count: boolean): void {
    if (count && job.waiters.size > 0) this.#failed += 1;
    for (const waiter of [...job.waiters]) this.#settleWaiter(job, waiter, error);
  }

  /** Resolves (no error) or rejects one waiter and detaches it from the job. */
  #settleWaiter(job: Job, waiter: Waiter, error: unknown): void {
    if (!job.waiters.delete(waiter)) return;
    this.#clearTimer(waiter);
    waiter.detach();
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  }

  #clearTimer(waiter: Waiter): void {
    if (waiter.timer !== null) clearTimeout(waiter.timer);
    waiter.timer = null;
  }

  /** The job ends: no attempt of it counts any more; its partial file (if any) is closed for a later job to resume. */
  #forget(job: Job): void {
    if (job.state === 'done') return;
    this.#release(job);
    job.state = 'done';
    job.attempt += 1;
    this.#parked.delete(job);
    this.#starved.delete(job);
    if (this.#jobs.get(job.hash) === job) this.#jobs.delete(job.hash);
    const { transfer } = job;
    job.transfer = null;
    if (transfer !== null || job.discardPartial) {
      // A failure to close or delete loses nothing: the next resume checks the file anyway.
      const closing = this.#closePartial(job.hash, transfer, job.discardPartial)
        .catch(() => undefined)
        .finally(() => {
          if (this.#closing.get(job.hash) === closing) this.#closing.delete(job.hash);
        });
      this.#closing.set(job.hash, closing);
    }
    this.#options.changed();
  }

  async #closePartial(hash: string, transfer: Transfer | null, discard: boolean): Promise<void> {
    await this.#closing.get(hash);
    try {
      if (transfer !== null) await transfer.rewind();
    } finally {
      if (discard) {
        await transfer?.partial.remove();
        await this.#options.partials.remove(hash);
        (await this.#partialNames).delete(this.#options.partials.fileName(hash));
      } else {
        await transfer?.partial.close();
      }
    }
  }

  #release(job: Job): void {
    if (job.state === 'active') this.#active -= 1;
    this.#starved.delete(job);
  }

  #newJob(hash: string): Job {
    const job = new Job(hash);
    this.#jobs.set(hash, job);
    return job;
  }

  #isCurrent(job: Job, attempt: number): boolean {
    return !this.#closed && job.state === 'active' && job.attempt === attempt;
  }

  #isWanted(job: Job): boolean {
    return job.wanted || job.waiters.size > 0;
  }

  /** Runs an attempt's async step; a failure that is not a peer's fault (a full disk) ends the job with it. */
  #track(job: Job, attempt: number, step: Promise<void>): void {
    const tracked = step
      .catch((error: unknown) => {
        if (!this.#isCurrent(job, attempt)) return;
        this.#giveUp(job, error);
      })
      .finally(() => {
        this.#work.delete(tracked);
        this.#pump();
      });
    this.#work.add(tracked);
  }
}
