import * as Automerge from '@automerge/automerge';
import { interpretAsDocumentId, type BinaryDocumentId, type DocHandle, type DocHandleChangePayload, type DocumentId, type Repo } from '@automerge/automerge-repo';
import { createHash } from 'node:crypto';
import { DETAIL_DOC_TYPE, DETAIL_SCHEMA_VERSION, type ClipDetailDoc } from '../../../contract/clip-details.js';
import type { SqliteStorageAdapter } from '../storage/sqlite-storage-adapter.js';
import { findStoredDocument, readStoredDocument, unloadDocument } from './loaded-documents.js';

/** `local` is false for changes that arrived from a peer (another window, another device). */
export type DetailChangeListener = (clipId: string, doc: ClipDetailDoc, local: boolean) => void;

/** What a clip's detail document starts from: the same on every device, so offline creations merge. */
export interface DetailSeed {
  /** The original text of a text clip ('' for other kinds). */
  text: string;
}

// As for shards: every device creates a clip's detail document byte for byte the same, so two
// devices that open the same clip offline hold one document, not two rival roots.
const GENESIS_ACTOR = '01'.repeat(16);

/**
 * Clips' detail documents (contract/clip-details.ts): edits and a text clip's text. Their ids
 * derive from the library and clip ids, so any device finds one without a directory. One is
 * loaded only while a window has the clip open or the core renders its edits, then unloaded.
 */
export class DetailDocuments {
  readonly #handles = new Map<string, Promise<DocHandle<ClipDetailDoc>>>();
  readonly #pinned = new Map<string, number>();
  readonly #loadedByDocument = new Map<string, string>();
  readonly #lastChangedAt = new Map<string, number>();
  #changingLocally = false;
  /**
   * Told whenever a loaded document's heads move, here or from a peer. Not the 'change' event:
   * automerge-repo emits that only when a merge shows in the document, and a concurrent change
   * that another one shadows moves the heads all the same.
   */
  onHeadsChanged: ((documentId: DocumentId, doc: Automerge.Doc<unknown>) => void) | null = null;

  constructor(
    private readonly repo: Repo,
    private readonly storage: SqliteStorageAdapter,
    private readonly namespace: string,
    private readonly onChange: DetailChangeListener,
  ) {}

  documentId(clipId: string): DocumentId {
    return detailDocumentId(this.namespace, clipId);
  }

  isStored(clipId: string): boolean {
    return this.storage.hasDocument(this.documentId(clipId));
  }

  /** The clip whose loaded detail document this is; null for any other document. */
  clipOfDocument(documentId: string): string | null {
    return this.#loadedByDocument.get(documentId) ?? null;
  }

  isPinned(clipId: string): boolean {
    return this.#pinned.has(clipId);
  }

  isLoaded(clipId: string): boolean {
    return this.#handles.has(clipId);
  }

  get loadedCount(): number {
    return this.#handles.size;
  }

  /** Keeps the document loaded (and open to peers) until as many unpin calls. Call from the library's write queue. */
  async pin(clipId: string, seed: (() => Promise<DetailSeed>) | null): Promise<DocHandle<ClipDetailDoc>> {
    const handle = await this.handle(clipId, seed);
    this.#pinned.set(clipId, (this.#pinned.get(clipId) ?? 0) + 1);
    return handle;
  }

  unpin(clipId: string): void {
    const count = this.#pinned.get(clipId) ?? 0;
    if (count <= 1) this.#pinned.delete(clipId);
    else this.#pinned.set(clipId, count - 1);
  }

  /**
   * The loaded document, loaded from storage or created from its seed; with a null seed (a
   * document another device has and this one never had) it starts empty and sync fills it.
   * Call from the library's write queue.
   */
  handle(clipId: string, seed: (() => Promise<DetailSeed>) | null): Promise<DocHandle<ClipDetailDoc>> {
    let pending = this.#handles.get(clipId);
    if (!pending) {
      // A tick later, so that isLoaded holds when automerge-repo asks the share policy (see ShardDocuments.handle).
      pending = Promise.resolve().then(() => this.#open(clipId, seed));
      pending.catch(() => this.#handles.delete(clipId));
      this.#handles.set(clipId, pending);
    }
    return pending;
  }

  /**
   * Runs `read` on the document as it is now: the loaded one, else a copy from storage that is
   * freed afterwards; null when the clip has no detail document (it was never edited or opened).
   * `read` must copy out what it keeps.
   */
  async read<T>(clipId: string, read: (doc: ClipDetailDoc | null) => T): Promise<T> {
    const loaded = this.#handles.get(clipId);
    const handle = loaded ? await loaded.catch(() => null) : null;
    if (handle?.isReady()) return read(handle.doc());
    return readStoredDocument<ClipDetailDoc, T>(this.repo, this.documentId(clipId), (doc) => read(doc));
  }

  /**
   * Resolves true once the document holds every change in `heads` (a window's edits arrive over
   * sync, on another channel than its requests), false if they have not come within `timeoutMs`.
   */
  async hasHeads(clipId: string, heads: Automerge.Heads, timeoutMs: number): Promise<boolean> {
    const loaded = this.#handles.get(clipId);
    const handle = loaded ? await loaded.catch(() => null) : null;
    if (!handle?.isReady()) return readStoredDocument<ClipDetailDoc, boolean>(this.repo, this.documentId(clipId), (doc) => doc !== null && Automerge.hasHeads(doc, heads));
    if (Automerge.hasHeads(handle.doc(), heads)) return true;
    return new Promise((resolve) => {
      const finish = (result: boolean) => {
        clearTimeout(timer);
        handle.off('change', onChange);
        resolve(result);
      };
      const onChange = () => {
        if (Automerge.hasHeads(handle.doc(), heads)) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      handle.on('change', onChange);
    });
  }

  /** A change made by the core itself (the CLI, a bulk operation). Call from the library's write queue. */
  async change(clipId: string, seed: () => Promise<DetailSeed>, message: string, edit: (doc: ClipDetailDoc) => void): Promise<void> {
    const handle = await this.handle(clipId, seed);
    this.#changingLocally = true;
    try {
      handle.change(edit, { message, time: Math.floor(Date.now() / 1000) });
    } finally {
      this.#changingLocally = false;
    }
  }

  /** Writes pending changes of these documents to storage. */
  async flush(clipIds: Iterable<string>): Promise<void> {
    const ids: DocumentId[] = [];
    for (const clipId of clipIds) if (this.#handles.has(clipId)) ids.push(this.documentId(clipId));
    if (ids.length > 0) await this.repo.flush(ids);
  }

  /**
   * Unloads every unpinned document whose last change came before `changedBefore` (a
   * performance.now() time old enough for automerge-repo's own timers to have run). Call from the
   * library's write queue, with everything saved.
   */
  async unloadIdle(changedBefore: number): Promise<void> {
    for (const [clipId, pending] of [...this.#handles]) {
      if (this.#pinned.has(clipId) || (this.#lastChangedAt.get(clipId) ?? Infinity) >= changedBefore) continue;
      this.#handles.delete(clipId);
      this.#lastChangedAt.delete(clipId);
      const handle = await pending.catch(() => null);
      if (!handle) continue;
      this.#loadedByDocument.delete(handle.documentId);
      await this.repo.flush([handle.documentId]);
      await unloadDocument(this.repo, handle);
    }
  }

  async #open(clipId: string, seed: (() => Promise<DetailSeed>) | null): Promise<DocHandle<ClipDetailDoc>> {
    const documentId = this.documentId(clipId);
    const handle = this.isStored(clipId)
      ? await findStoredDocument<ClipDetailDoc>(this.repo, documentId)
      : this.repo.import<ClipDetailDoc>(seed ? genesisDetail(clipId, await seed()) : emptyDocument(), { docId: documentId });
    this.#loadedByDocument.set(documentId, clipId);
    this.#lastChangedAt.set(clipId, performance.now());
    handle.on('change', (payload: DocHandleChangePayload<ClipDetailDoc>) => {
      this.#lastChangedAt.set(clipId, performance.now());
      this.onChange(clipId, payload.doc, this.#changingLocally);
    });
    handle.on('heads-changed', ({ doc }) => this.onHeadsChanged?.(documentId, doc));
    return handle;
  }
}

export function detailDocumentId(namespace: string, clipId: string): DocumentId {
  const digest = createHash('sha256').update(`clipshot detail ${namespace} ${clipId}`).digest();
  return interpretAsDocumentId(new Uint8Array(digest.subarray(0, 16)) as BinaryDocumentId);
}

function emptyDocument(): Uint8Array {
  const empty = Automerge.init();
  const bytes = Automerge.save(empty);
  Automerge.free(empty);
  return bytes;
}

export function genesisDetail(clipId: string, seed: DetailSeed): Uint8Array {
  const empty = Automerge.init<ClipDetailDoc>({ actor: GENESIS_ACTOR as Automerge.ActorId });
  const created = Automerge.change(empty, { message: 'create detail', time: 0 }, (doc) => {
    doc.schema = DETAIL_SCHEMA_VERSION;
    doc.type = new Automerge.ImmutableString(DETAIL_DOC_TYPE);
    doc.clipId = new Automerge.ImmutableString(clipId);
    doc.image = { crop: null, rotation: 0, annotations: {} };
    doc.video = { trimStartMs: null, trimEndMs: null, posterMs: null, markers: {} };
    doc.text = seed.text;
  });
  const bytes = Automerge.save(created);
  Automerge.free(created);
  return bytes;
}
