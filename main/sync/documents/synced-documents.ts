import * as Automerge from '@automerge/automerge';
import { encodeHeads, type DocumentId } from '@automerge/automerge-repo';
import { createHash } from 'node:crypto';
import { SHARD_COUNT } from '../../library/documents/schema.js';
import { readStoredDocument } from '../../library/documents/loaded-documents.js';
import type { Library } from '../../library/library.js';
import { collectionDocumentId, COLLECTION_ID, type CollectionPart } from '../sharing/collection-schema.js';
import type { SharedCollections } from '../sharing/shared-collections.js';
import { Lingering } from '../../library/documents/lingering.js';

/**
 * A document of the library that devices sync: one of the 256 catalog shards, a clip's details, the
 * settings, or one of a shared collection's two documents.
 */
export type SyncedDocument = { kind: 'shard'; shard: number } | { kind: 'detail'; clipId: string } | { kind: 'settings' } | { kind: 'collection'; collection: string; part: CollectionPart };

export interface DocumentState {
  id: DocumentId;
  doc: SyncedDocument;
  /** A short digest of the document's heads: equal digests mean equal documents. */
  digest: string;
}

const CLIP_ID = /^[0-9a-hjkmnp-tv-z]{26}$/;
/**
 * A document sync lets go of stays loaded this long, and at most this many do (memory stays
 * bounded): while devices sync, the same document is often wanted again moments later (for
 * another device, or for changes that reach this one through a third after it was done), and
 * loading it again costs far more than keeping it. Three devices, one in the middle, loaded a
 * third of their documents twice with none kept; a busy device takes seconds to pass changes on.
 */
export const LINGER_MS = 5_000;
export const MAX_LINGERING = 64;

/** The digest two devices compare: order-free, so the same heads give the same digest everywhere. */
export function headsDigest(heads: readonly string[]): string {
  return createHash('sha256').update([...heads].sort().join(',')).digest('base64url').slice(0, 22);
}

/**
 * The library's synced documents as sync sees them: their current digests (kept up to date from
 * change events, read from storage once per run otherwise), which of them are loaded, and holding
 * one loaded while it is exchanged with a peer.
 */
export class SyncedDocuments {
  readonly #digests = new Map<DocumentId, DocumentState>();
  readonly #held = new Map<DocumentId, number>();
  readonly #holdQueue: { doc: SyncedDocument; resolve: () => void; reject: (error: Error) => void }[] = [];
  readonly #listeners = new Set<(state: DocumentState) => void>();
  /** Documents no peer holds any more, still pinned (see LINGER_MS). */
  readonly #lingering = new Lingering<DocumentId, SyncedDocument>(MAX_LINGERING, LINGER_MS, (_id, doc) => this.#unpin(doc));
  #complete: Promise<void> | null = null;
  readonly #stopListening: () => void;

  readonly #stopCollections: () => void;

  constructor(
    private readonly library: Library,
    private readonly collections: SharedCollections | null = null,
  ) {
    this.#stopListening = library.onDocumentChanged((id, heads) => {
      const doc = this.identify(id);
      if (!doc) return;
      this.noteDigest(id, doc, headsDigest(heads));
    });
    this.#stopCollections = collections?.onHeadsChanged((id, collection, part, heads) => this.noteDigest(id, { kind: 'collection', collection, part }, headsDigest(heads))) ?? (() => undefined);
  }

  close(): void {
    this.#stopListening();
    this.#stopCollections();
    this.#listeners.clear();
    this.#lingering.clear();
  }

  /** Called with a document's new state whenever it changes, here or from a peer. */
  onChanged(listener: (state: DocumentState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  idOf(doc: SyncedDocument): DocumentId {
    switch (doc.kind) {
      case 'shard':
        return this.library.shards.documentId(doc.shard);
      case 'detail':
        return this.library.details.documentId(doc.clipId);
      case 'settings':
        return this.library.settings.documentId;
      case 'collection':
        return collectionDocumentId(doc.collection, doc.part);
    }
  }

  /** What a document id names, when it is a shard, the settings, or a detail document this device knows of. */
  identify(id: DocumentId): SyncedDocument | null {
    const shard = this.library.shards.shardOfDocument(id);
    if (shard !== null) return { kind: 'shard', shard };
    if (id === this.library.settings.documentId) return { kind: 'settings' };
    const collection = this.collections?.identify(id);
    if (collection) return { kind: 'collection', ...collection };
    const clipId = this.library.details.clipOfDocument(id) ?? this.#known(id);
    return clipId === null ? null : { kind: 'detail', clipId };
  }

  #known(id: DocumentId): string | null {
    const state = this.#digests.get(id);
    return state?.doc.kind === 'detail' ? state.doc.clipId : null;
  }

  /** Whether a peer's claim "this id is that document" holds (ids derive from what they name). */
  verify(id: string, doc: SyncedDocument): boolean {
    if (doc.kind === 'shard' && !(Number.isInteger(doc.shard) && doc.shard >= 0 && doc.shard < SHARD_COUNT)) return false;
    if (doc.kind === 'detail' && !CLIP_ID.test(doc.clipId)) return false;
    if (doc.kind === 'collection' && (!COLLECTION_ID.test(doc.collection) || !this.collections)) return false;
    return this.idOf(doc) === id;
  }

  isLoaded(id: DocumentId): boolean {
    const doc = this.identify(id);
    if (!doc) return false;
    switch (doc.kind) {
      case 'shard':
        return this.library.shards.isLoaded(doc.shard);
      case 'detail':
        return this.library.details.isLoaded(doc.clipId);
      case 'settings':
        return this.library.settings.isLoaded;
      case 'collection':
        return this.collections?.isLoaded(id) ?? false;
    }
  }

  /** Records a digest read directly (a document loaded or created without a change event). */
  noteDigest(id: DocumentId, doc: SyncedDocument, digest: string): void {
    if (this.#digests.get(id)?.digest === digest) return;
    const state: DocumentState = { id, doc, digest };
    this.#digests.set(id, state);
    for (const listener of this.#listeners) listener(state);
  }

  digestOf(id: DocumentId): string | null {
    return this.#digests.get(id)?.digest ?? null;
  }

  /** Every stored document with its digest; the first call reads what change events have not told. */
  async states(): Promise<DocumentState[]> {
    this.#complete ??= this.#readAll();
    await this.#complete;
    return [...this.#digests.values()];
  }

  async #readAll(): Promise<void> {
    const storage = this.library.storage;
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      const id = this.library.shards.documentId(shard);
      if (this.#digests.has(id) || !storage.hasDocument(id)) continue;
      const heads = this.library.shards.isLoaded(shard) ? null : this.library.index.shardHeads(shard);
      this.#remember(id, { kind: 'shard', shard }, heads ?? (await this.library.shards.read(shard, (_doc, current) => [...current])));
    }
    const settingsId = this.library.settings.documentId;
    if (!this.#digests.has(settingsId) && storage.hasDocument(settingsId)) {
      this.#remember(settingsId, { kind: 'settings' }, await this.#storedHeads(settingsId));
    }
    for (const state of this.collections?.states() ?? []) {
      if (!this.#digests.has(state.documentId)) this.#remember(state.documentId, { kind: 'collection', collection: state.collection, part: state.part }, state.heads);
    }
    for (const clipId of this.library.index.allClipIds()) {
      const id = this.library.details.documentId(clipId);
      if (this.#digests.has(id) || !storage.hasDocument(id)) continue;
      const heads = await this.library.details.read(clipId, (doc) => (doc ? encodeHeads(Automerge.getHeads(doc)) : []));
      this.#remember(id, { kind: 'detail', clipId }, heads);
    }
  }

  async #storedHeads(id: DocumentId): Promise<string[]> {
    return readStoredDocument<unknown, string[]>(this.library.repo, id, (_doc, heads) => heads);
  }

  #remember(id: DocumentId, doc: SyncedDocument, heads: string[]): void {
    this.#digests.set(id, { id, doc, digest: headsDigest(heads) });
  }

  /**
   * Loads the document (creating an empty one a peer will fill) and keeps it loaded until release.
   * Records its digest as loaded: a document created here, or loaded unchanged, fires no change event.
   */
  hold(doc: SyncedDocument): Promise<void> {
    const id = this.idOf(doc);
    if (this.#lingering.take(id)) {
      // Still pinned from its last hold: that pin is this hold's.
      this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.#holdQueue.push({ doc, resolve, reject });
      // Holds asked for together (a peer's manifest names hundreds of documents) load in one
      // write: one transaction, not one each.
      if (this.#holdQueue.length === 1) setImmediate(() => void this.#holdQueued());
    });
  }

  async #holdQueued(): Promise<void> {
    const batch = this.#holdQueue.splice(0);
    const handles = await this.library
      .write(async () => {
        const loaded: ({ heads(): string[] } | Error)[] = [];
        for (const { doc } of batch) loaded.push(await this.#pin(doc).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
        return loaded;
      })
      .catch((error: unknown) => batch.map(() => (error instanceof Error ? error : new Error(String(error)))));
    batch.forEach(({ doc, resolve, reject }, index) => {
      const handle = handles[index]!;
      if (handle instanceof Error) return reject(handle);
      const id = this.idOf(doc);
      this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
      // Read now, not inside the write: changes from peers may have landed since, and their
      // events recorded newer heads that an earlier reading would overwrite.
      this.noteDigest(id, doc, headsDigest(handle.heads()));
      resolve();
    });
  }

  #pin(doc: SyncedDocument): Promise<{ heads(): string[] }> {
    switch (doc.kind) {
      case 'shard':
        return this.library.shards.pin(doc.shard);
      case 'detail':
        return this.library.details.pin(doc.clipId, null);
      case 'settings':
        return this.library.settings.openForPeers();
      case 'collection':
        // Held for as long as sync runs: a collection's documents are few and small.
        if (!this.collections) return Promise.reject(new Error('no shared collections here'));
        return this.collections.hold(doc.collection, doc.part);
    }
  }

  /** For CLIPSHOT_SYNC_TRACE: what a document holds (heads, changes waiting for missing dependencies). */
  async describe(doc: SyncedDocument): Promise<string> {
    if (doc.kind !== 'shard') return JSON.stringify(doc);
    return this.library.shards.read(doc.shard, (current, heads) => {
      const missing = Automerge.getMissingDeps(current as Automerge.Doc<unknown>, []);
      return `shard ${doc.shard}: ${heads.length} heads, ${Automerge.getAllChanges(current as Automerge.Doc<unknown>).length} changes, missing deps ${missing.length}, digest ${headsDigest(heads)}`;
    });
  }

  release(doc: SyncedDocument): void {
    const id = this.idOf(doc);
    const count = this.#held.get(id) ?? 0;
    if (count === 0) return;
    if (count > 1) {
      this.#held.set(id, count - 1);
      return this.#unpin(doc);
    }
    this.#held.delete(id);
    // The last hold's pin stays a while (LINGER_MS); unpinned when it expires.
    this.#lingering.add(id, doc);
  }

  #unpin(doc: SyncedDocument): void {
    switch (doc.kind) {
      case 'shard':
        this.library.shards.unpin(doc.shard);
        break;
      case 'detail':
        this.library.details.unpin(doc.clipId);
        break;
      case 'settings':
        this.library.settings.closeForPeers();
        break;
      case 'collection':
        break;
    }
    this.library.documentsReleased();
  }
}
