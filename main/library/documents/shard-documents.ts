import * as Automerge from '@automerge/automerge';
import { interpretAsDocumentId, type BinaryDocumentId, type DocHandle, type DocHandleChangePayload, type DocumentId, type Repo } from '@automerge/automerge-repo';
import { createHash } from 'node:crypto';
import type { SqliteStorageAdapter } from '../storage/sqlite-storage-adapter.js';
import { SHARD_COUNT, SHARD_DOC_TYPE, SHARD_SCHEMA_VERSION, type ShardDoc } from './schema.js';

/** Which clip entries a change touched; null when the whole shard must be re-read. */
export type ChangedEntries = string[] | null;
export type ShardChangeListener = (shard: number, doc: ShardDoc, changed: ChangedEntries) => void;

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

  constructor(
    private readonly repo: Repo,
    private readonly storage: SqliteStorageAdapter,
    libraryId: string,
    private readonly onChange: ShardChangeListener,
  ) {
    this.#documentIds = Array.from({ length: SHARD_COUNT }, (_, shard) => shardDocumentId(libraryId, shard));
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

  isStored(shard: number): boolean {
    return this.storage.hasDocument(this.documentId(shard));
  }

  loadedShards(): number[] {
    return [...this.#handles.keys()].sort((a, b) => a - b);
  }

  /** The shard's handle, loaded from storage or created from the shared genesis state. */
  handle(shard: number): Promise<DocHandle<ShardDoc>> {
    let pending = this.#handles.get(shard);
    if (!pending) {
      pending = this.#open(shard);
      this.#handles.set(shard, pending);
      pending.catch(() => this.#handles.delete(shard));
    }
    return pending;
  }

  async #open(shard: number): Promise<DocHandle<ShardDoc>> {
    const documentId = this.documentId(shard);
    const handle = this.isStored(shard)
      ? await this.repo.find<ShardDoc>(documentId, { allowableStates: ['ready'] })
      : this.repo.import<ShardDoc>(genesisShard(shard), { docId: documentId });
    handle.on('change', (payload: DocHandleChangePayload<ShardDoc>) => {
      this.onChange(shard, payload.doc, changedEntries(payload.patches));
    });
    return handle;
  }

  async change(shard: number, message: string, edit: (doc: ShardDoc) => void): Promise<void> {
    const handle = await this.handle(shard);
    handle.change(edit, { message, time: Math.floor(Date.now() / 1000) });
  }

  /** Writes the given shards' pending changes to storage; returns their heads as saved. */
  async flush(shards: Iterable<number>): Promise<Map<number, string[]>> {
    const handles = new Map<number, DocHandle<ShardDoc>>();
    for (const shard of shards) handles.set(shard, await this.handle(shard));
    await this.repo.flush([...handles.values()].map((handle) => handle.documentId));
    return new Map([...handles].map(([shard, handle]) => [shard, handle.heads()]));
  }
}

export function shardDocumentId(libraryId: string, shard: number): DocumentId {
  const digest = createHash('sha256').update(`clipshot shard ${libraryId} ${shard}`).digest();
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
