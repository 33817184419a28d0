import * as Automerge from '@automerge/automerge';
import { encodeHeads, interpretAsDocumentId, type BinaryDocumentId, type DocHandle, type DocHandleChangePayload, type DocumentId, type Repo } from '@automerge/automerge-repo';
import { createHash } from 'node:crypto';
import type { SqliteStorageAdapter } from '../storage/sqlite-storage-adapter.js';
import { findStoredDocument, unloadDocument } from './loaded-documents.js';
import { SHARD_COUNT, SHARD_DOC_TYPE, SHARD_SCHEMA_VERSION, type ShardDoc } from './schema.js';

/** Which clip entries a change touched; null when the whole shard must be re-read. */
export type ChangedEntries = string[] | null;
/** `local` is false for changes that arrived from a peer (another window, another device). */
export type ShardChangeListener = (shard: number, doc: ShardDoc, changed: ChangedEntries, local: boolean) => void;

/**
 * automerge-repo keeps a loaded document until told otherwise, and a document that has taken
 * many changes holds several times the memory of the same document freshly loaded. Shards
 * beyond this many, least recently used first, are unloaded once idle (see unloadIdle).
 */
export const MAX_LOADED_SHARDS = 8;

// Every device must create byte-identical initial shard states, so that two devices that
// create the same shard offline merge into one document instead of two rival `clips` maps.
const GENESIS_ACTOR = '00'.repeat(16);

/**
 * The fixed set of catalog shard documents. Their ids are derived from the library id, so any
 * device knows them without loading a directory document, and a shard is loaded only when it
 * is edited, synced or re-indexed — never all at start-up.
 */
export class ShardDocuments {
  readonly #handles = new Map<number, Promise<DocHandle<ShardDoc>>>();
  readonly #documentIds: DocumentId[];
  readonly #lastChangedAt = new Map<number, number>();
  /** Shards a peer has open, by number of openers: never unloaded, or the peer's edits would land nowhere. */
  readonly #pinned = new Map<number, number>();
  readonly #genesisHeads = new Map<number, string>();
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
    namespace: string,
    private readonly onChange: ShardChangeListener,
  ) {
    this.#documentIds = Array.from({ length: SHARD_COUNT }, (_, shard) => shardDocumentId(namespace, shard));
  }

  documentId(shard: number): DocumentId {
    const id = this.#documentIds[shard];
    if (id === undefined) throw new RangeError(`no shard ${shard}`);
    return id;
  }

  shardOfDocument(documentId: string): number | null {
    const index = this.#documentIds.indexOf(documentId as DocumentId);
    return index === -1 ? null : index;
  }

  /** Whether `heads` (hex) are the shard's as created, before anything was added to it (every device's start). */
  isGenesis(documentId: string, heads: readonly string[]): boolean {
    const shard = this.shardOfDocument(documentId);
    return shard !== null && heads.length === 1 && heads[0] === this.#genesisHead(shard);
  }

  #genesisHead(shard: number): string {
    let head = this.#genesisHeads.get(shard);
    if (head === undefined) {
      const genesis = Automerge.load<ShardDoc>(genesisShard(shard));
      head = Automerge.getHeads(genesis)[0]!;
      Automerge.free(genesis);
      this.#genesisHeads.set(shard, head);
    }
    return head;
  }

  isStored(shard: number): boolean {
    return this.storage.hasDocument(this.documentId(shard));
  }

  get loadedCount(): number {
    return this.#handles.size;
  }

  isLoaded(shard: number): boolean {
    return this.#handles.has(shard);
  }

  isPinned(shard: number): boolean {
    return this.#pinned.has(shard);
  }

  /** Keeps the shard loaded until as many unpin calls; call from the write queue (it loads the shard). */
  async pin(shard: number): Promise<DocHandle<ShardDoc>> {
    const handle = await this.handle(shard);
    this.#pinned.set(shard, (this.#pinned.get(shard) ?? 0) + 1);
    return handle;
  }

  unpin(shard: number): void {
    const count = this.#pinned.get(shard) ?? 0;
    if (count <= 1) this.#pinned.delete(shard);
    else this.#pinned.set(shard, count - 1);
  }

  loadedShards(): number[] {
    return [...this.#handles.keys()].sort((a, b) => a - b);
  }

  /**
   * The shard's handle, loaded from storage or created from the shared genesis state. Only the
   * library's write queue may call this: unloadIdle runs there too, so no handle is unloaded
   * while a caller still holds it.
   */
  handle(shard: number): Promise<DocHandle<ShardDoc>> {
    let pending = this.#handles.get(shard);
    if (pending) {
      // Re-inserting keeps the map in least-recently-used order.
      this.#handles.delete(shard);
    } else {
      // Opened a tick later, so the shard counts as loaded (isLoaded) by the time automerge-repo
      // asks the share policy about its new handle, which it does synchronously for a new document.
      pending = Promise.resolve().then(() => this.#open(shard));
      pending.catch(() => this.#handles.delete(shard));
    }
    this.#handles.set(shard, pending);
    return pending;
  }

  /**
   * Runs `read` on the shard's current state: the loaded document when there is one, otherwise
   * a copy loaded from storage and freed afterwards, so reading every shard (reindex, verify)
   * does not load them all into the repo. `read` must copy out what it keeps.
   */
  async read<T>(shard: number, read: (doc: ShardDoc, heads: string[]) => T): Promise<T> {
    const loaded = this.#handles.get(shard);
    const handle = loaded ? await loaded : null;
    // Unloaded meanwhile: everything it held was saved first, so storage has it.
    if (handle?.isReady()) return read(handle.doc(), handle.heads());
    const storage = this.repo.storageSubsystem;
    if (!storage) throw new Error('the repo has no storage');
    const doc = (await storage.loadDoc<ShardDoc>(this.documentId(shard))) ?? Automerge.init<ShardDoc>();
    try {
      return read(doc, encodeHeads(Automerge.getHeads(doc)));
    } finally {
      Automerge.free(doc);
    }
  }

  /**
   * Unloads least-recently-used shards beyond MAX_LOADED_SHARDS whose last change (or load) was
   * before `changedBefore` (a performance.now() time). automerge-repo schedules a save and a sync
   * check up to 100 ms after each change; the caller passes a time old enough that those have run,
   * since an unloaded handle makes the sync check wait a minute and log a timeout. Freeing the
   * document matters: Automerge's memory lives in WebAssembly, which garbage collection rarely
   * reclaims on its own. Call only from the library's write queue, with everything saved.
   */
  async unloadIdle(changedBefore: number): Promise<void> {
    for (const [shard, pending] of this.#handles) {
      if (this.#handles.size <= MAX_LOADED_SHARDS) break;
      if ((this.#lastChangedAt.get(shard) ?? Infinity) >= changedBefore || this.#pinned.has(shard)) continue;
      this.#handles.delete(shard);
      this.#lastChangedAt.delete(shard);
      await unloadDocument(this.repo, await pending);
    }
  }

  async #open(shard: number): Promise<DocHandle<ShardDoc>> {
    const documentId = this.documentId(shard);
    const handle = this.isStored(shard) ? await findStoredDocument<ShardDoc>(this.repo, documentId) : this.repo.import<ShardDoc>(genesisShard(shard), { docId: documentId });
    handle.on('change', (payload: DocHandleChangePayload<ShardDoc>) => {
      this.#lastChangedAt.set(shard, performance.now());
      this.onChange(shard, payload.doc, changedEntries(payload.patches), this.#changingLocally);
    });
    handle.on('heads-changed', ({ doc }) => this.onHeadsChanged?.(documentId, doc));
    this.#lastChangedAt.set(shard, performance.now());
    return handle;
  }

  async change(shard: number, message: string, edit: (doc: ShardDoc) => void): Promise<void> {
    const handle = await this.handle(shard);
    // DocHandle.change emits its change event synchronously, so the flag covers exactly this change.
    this.#changingLocally = true;
    try {
      handle.change(edit, { message, time: Math.floor(Date.now() / 1000) });
    } finally {
      this.#changingLocally = false;
    }
  }

  /** Writes the given shards' pending changes to storage; returns their heads as saved. */
  async flush(shards: Iterable<number>): Promise<Map<number, string[]>> {
    const handles = new Map<number, DocHandle<ShardDoc>>();
    for (const shard of shards) handles.set(shard, await this.handle(shard));
    await this.repo.flush([...handles.values()].map((handle) => handle.documentId));
    return new Map([...handles].map(([shard, handle]) => [shard, handle.heads()]));
  }
}

export function shardDocumentId(namespace: string, shard: number): DocumentId {
  const digest = createHash('sha256').update(`clipshot shard ${namespace} ${shard}`).digest();
  return interpretAsDocumentId(new Uint8Array(digest.subarray(0, 16)) as BinaryDocumentId);
}

function genesisShard(shard: number): Uint8Array {
  const empty = Automerge.init<ShardDoc>({ actor: GENESIS_ACTOR as Automerge.ActorId });
  const created = Automerge.change(empty, { message: 'create shard', time: 0 }, (doc) => {
    doc.schema = SHARD_SCHEMA_VERSION;
    doc.type = new Automerge.ImmutableString(SHARD_DOC_TYPE);
    doc.shard = shard;
    doc.clips = {};
  });
  return Automerge.save(created);
}

function changedEntries(patches: Automerge.Patch[]): ChangedEntries {
  const ids = new Set<string>();
  for (const patch of patches) {
    const [root, id] = patch.path;
    if (root !== 'clips') continue;
    if (typeof id !== 'string') return null;
    ids.add(id);
  }
  const rootReplaced = patches.some((patch) => patch.path.length === 1);
  return rootReplaced ? null : [...ids];
}
