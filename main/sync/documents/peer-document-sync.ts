import type { DocumentId } from '@automerge/automerge-repo';
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import type { DocumentState, SyncedDocument, SyncedDocuments } from './synced-documents.js';

/** At most this many documents are held loaded for one peer at a time (memory stays bounded). */
export const MAX_HELD = 64;
/** Local changes are told to the peer in batches this far apart. */
const CHANGE_BATCH_MS = 10;
/** A held document whose digests still differ after this long has its exchange started afresh, and is let go and tried again later. */
export const HOLD_TIMEOUT_MS = 10_000;
const RETRY_AFTER_MS = 1_000;
const MAX_ENTRIES = 2_000_000;

// Kinds: s shard (key: its number), d detail (clip id), c settings, e / a a shared collection's entries / access list (collection id).
const entrySchema = z.tuple([z.string().min(1).max(64), z.enum(['s', 'd', 'c', 'e', 'a']), z.union([z.number().int().min(0).max(255), z.string().max(40)]), z.string().min(1).max(64)]);
export const documentMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('manifest'), docs: z.array(entrySchema).max(MAX_ENTRIES) }),
  z.object({ t: z.literal('changed'), docs: z.array(entrySchema).max(MAX_ENTRIES) }),
]);
export type DocumentMessage = z.infer<typeof documentMessageSchema>;
type Entry = z.infer<typeof entrySchema>;

export interface DocumentSyncProgress {
  /** Whether the peer's manifest arrived. */
  started: boolean;
  pending: number;
  synced: number;
  /** Entries the peer sent that named documents wrongly (dropped). */
  rejected: number;
}

/**
 * Keeps this device's documents and one peer's equal. Both sides send a manifest (every document's
 * heads digest) when they connect and every change after; wherever the digests differ, each side
 * holds the document loaded, so automerge-repo (whose share policy admits a device only to loaded
 * documents) syncs it; once the digests agree it is let go. A device that never loaded a document
 * learns of it here, and an offline edit reaches the other side the moment they reconnect.
 */
export class PeerDocumentSync {
  readonly #theirs = new Map<DocumentId, string>();
  readonly #pending = new Map<DocumentId, SyncedDocument>();
  readonly #held = new Map<DocumentId, { doc: SyncedDocument; since: number }>();
  readonly #holding = new Map<DocumentId, Promise<void>>();
  readonly #retryAt = new Map<DocumentId, number>();
  readonly #outgoing = new Map<DocumentId, DocumentState>();
  /** The pending ids in the order they are held (see #pump); null when new ones came since. */
  #order: DocumentId[] | null = [];
  #pumpQueued = false;
  #outgoingTimer: NodeJS.Timeout | null = null;
  readonly #sweepTimer: NodeJS.Timeout;
  #started = false;
  #closed = false;
  #synced = 0;
  #rejected = 0;

  constructor(
    private readonly documents: SyncedDocuments,
    private readonly send: (message: DocumentMessage) => void,
    private readonly onProgress: () => void,
    /** Starts the repo's exchange of a document with this peer afresh (Library.restartExchange). */
    private readonly restartExchange: (id: DocumentId) => void,
    /** Which documents this peer may know of at all (another person's device: its shared collections only). */
    private readonly allows: (id: DocumentId, doc: SyncedDocument) => boolean = () => true,
  ) {
    this.#sweepTimer = setInterval(() => this.#sweep(), 1_000);
    this.#sweepTimer.unref();
  }

  get progress(): DocumentSyncProgress {
    return { started: this.#started, pending: this.#pending.size, synced: this.#synced, rejected: this.#rejected };
  }

  /** Whether both sides hold the same documents (as far as this side knows). */
  get inSync(): boolean {
    return this.#started && this.#pending.size === 0;
  }

  async start(): Promise<void> {
    const states = await this.documents.states();
    if (this.#closed) return;
    this.send({ t: 'manifest', docs: states.filter((state) => this.allows(state.id, state.doc)).map(toEntry) });
  }

  receive(message: DocumentMessage): void {
    if (this.#closed) return;
    const named = new Set<DocumentId>();
    for (const entry of message.docs) {
      const doc = fromEntry(entry);
      const id = entry[0] as DocumentId;
      if (!this.documents.verify(id, doc) || !this.allows(id, doc)) {
        this.#rejected += 1;
        continue;
      }
      this.#theirs.set(id, entry[3]);
      named.add(id);
      this.#evaluate(id, doc);
    }
    if (message.t === 'manifest') {
      this.#started = true;
      // What the peer does not have at all, it must receive.
      void this.documents.states().then((states) => {
        for (const state of states) if (!named.has(state.id) && this.allows(state.id, state.doc)) this.#evaluate(state.id, state.doc);
        this.onProgress();
      });
    }
    this.onProgress();
  }

  /** A document changed here (locally or from any peer): tell this peer and see whether it now differs. */
  localChange(state: DocumentState): void {
    if (this.#closed || !this.allows(state.id, state.doc)) return;
    this.#outgoing.set(state.id, state);
    this.#outgoingTimer ??= setTimeout(() => this.#flushOutgoing(), CHANGE_BATCH_MS);
    if (this.#started) this.#evaluate(state.id, state.doc);
  }

  /**
   * Tells the peer of a document now, not in the next batch: the repo is about to start syncing it
   * (a collection newly shared with the peer's person), and the peer must know the document first,
   * or it would drop the repo's message about a document it has never heard of.
   */
  announceNow(state: DocumentState): void {
    if (this.#closed || !this.allows(state.id, state.doc)) return;
    this.send({ t: 'changed', docs: [toEntry(state)] });
    if (this.#started) this.#evaluate(state.id, state.doc);
  }

  /**
   * Before the peer's message about a document reaches the repo: loads the document first when it
   * differs here or the message brings changes (null: deliver it now). Refused, the message would
   * be answered "unavailable", and the peer, counting the changes it carried as sent, would not
   * send them again. A message without changes about a document both hold alike is the last of an
   * exchange; loading for it would only cost time. Loads asked for this way are not limited by
   * MAX_HELD: the peer's own limit bounds them.
   */
  admit(id: DocumentId, bringsChanges: () => boolean): Promise<void> | null {
    if (this.#closed || this.#held.has(id)) return null;
    const pending = this.#pending.get(id);
    if (!pending && !bringsChanges()) return null;
    const doc = pending ?? this.documents.identify(id);
    return doc && this.allows(id, doc) ? this.#hold(id, doc) : null;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    if (this.#outgoingTimer) clearTimeout(this.#outgoingTimer);
    for (const [, { doc }] of this.#held) this.documents.release(doc);
    this.#held.clear();
    this.#pending.clear();
  }

  #flushOutgoing(): void {
    this.#outgoingTimer = null;
    if (this.#closed || this.#outgoing.size === 0) return;
    const docs = [...this.#outgoing.values()].map(toEntry);
    this.#outgoing.clear();
    this.send({ t: 'changed', docs });
  }

  #evaluate(id: DocumentId, doc: SyncedDocument): void {
    const ours = this.documents.digestOf(id);
    const theirs = this.#theirs.get(id) ?? null;
    if (ours !== null && ours === theirs) {
      if (this.#pending.delete(id)) this.#synced += 1;
      const held = this.#held.get(id);
      if (held) {
        this.#held.delete(id);
        this.documents.release(held.doc);
        // Its place goes to the next pending document now, not at the next sweep.
        this.#schedulePump();
      }
      return;
    }
    if (ours === null && theirs === null) return;
    if (!this.#pending.has(id)) this.#order = null;
    this.#pending.set(id, doc);
    this.#schedulePump();
  }

  /** Pumps once after the current batch of evaluations (a manifest names thousands of documents). */
  #schedulePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /**
   * Holds pending documents, at most MAX_HELD, in the order of their ids: the peer holds its own
   * in the same order, so both sides load the same documents at the same time and each exchange
   * starts at once; a device syncing with several holds the same documents for all of them, so
   * one load serves every exchange.
   */
  #pump(): void {
    if (this.#closed) return;
    this.#order ??= [...this.#pending.keys()].sort();
    const order = this.#order;
    let done = 0;
    while (done < order.length && !this.#pending.has(order[done]!)) done += 1;
    order.splice(0, done);
    const now = Date.now();
    for (const id of order) {
      if (this.#held.size + this.#holding.size >= MAX_HELD) return;
      const doc = this.#pending.get(id);
      if (!doc || this.#held.has(id) || this.#holding.has(id) || (this.#retryAt.get(id) ?? 0) > now) continue;
      this.#hold(id, doc).catch(() => this.#retryAt.set(id, Date.now() + RETRY_AFTER_MS));
    }
  }

  /** Loads the document and keeps it held while it differs; one load however many ask at once. */
  #hold(id: DocumentId, doc: SyncedDocument): Promise<void> {
    const holding = this.#holding.get(id);
    if (holding) return holding;
    const held = this.documents
      .hold(doc)
      .then(() => {
        if (this.#closed || this.#held.has(id)) return this.documents.release(doc);
        this.#held.set(id, { doc, since: Date.now() });
        this.#evaluate(id, doc);
      })
      .finally(() => this.#holding.delete(id));
    this.#holding.set(id, held);
    return held;
  }

  /**
   * Lets go of documents stuck apart and retries later. A let-go document usually stays loaded
   * (it lingers, or another peer holds it), and then the repo's exchange of it goes on from where
   * it stopped: after a lost message, nowhere. So the exchange starts afresh too.
   */
  #sweep(): void {
    const now = Date.now();
    for (const [id, held] of this.#held) {
      if (now - held.since < HOLD_TIMEOUT_MS) continue;
      const trace = process.env.CLIPSHOT_SYNC_TRACE;
      if (trace) void this.documents.describe(held.doc).then((text) => appendFileSync(`${trace}.${process.pid}`, `${new Date().toISOString()} stuck ${id} theirs ${this.#theirs.get(id)} ours ${this.documents.digestOf(id)}; ${text}\n`));
      this.restartExchange(id);
      this.#held.delete(id);
      this.documents.release(held.doc);
      this.#retryAt.set(id, now + RETRY_AFTER_MS);
    }
    if (this.#pending.size > 0) this.#pump();
  }
}

function toEntry(state: DocumentState): Entry {
  const { doc } = state;
  switch (doc.kind) {
    case 'shard':
      return [state.id, 's', doc.shard, state.digest];
    case 'detail':
      return [state.id, 'd', doc.clipId, state.digest];
    case 'settings':
      return [state.id, 'c', '', state.digest];
    case 'collection':
      return [state.id, doc.part === 'entries' ? 'e' : 'a', doc.collection, state.digest];
  }
}

function fromEntry(entry: Entry): SyncedDocument {
  const [, kind, key] = entry;
  if (kind === 's') return { kind: 'shard', shard: typeof key === 'number' ? key : -1 };
  if (kind === 'd') return { kind: 'detail', clipId: String(key) };
  if (kind === 'e' || kind === 'a') return { kind: 'collection', collection: String(key), part: kind === 'e' ? 'entries' : 'acl' };
  return { kind: 'settings' };
}
