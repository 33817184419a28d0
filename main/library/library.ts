import * as Automerge from '@automerge/automerge';
import { encodeHeads, Repo, type DocumentId, type NetworkAdapterInterface, type PeerId } from '@automerge/automerge-repo';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ClipDetailDoc } from '../../contract/clip-details.js';
import type { ClipPage, ClipQuery, ClipView } from '../../contract/clips.js';
import { clipsChangeMessage, type ClipOperation } from '../../contract/shard-document.js';
import { ClipIndex } from '../index/clip-index.js';
import { createKeyFile, readKeySlots, unlockWithPassphrase, unlockWithSecretStore, type ScryptCost } from '../security/key-slots.js';
import { deriveLibrarySubkeys } from '../security/library-subkeys.js';
import { finishBlobKeyMigration } from '../security/blob-key-rotation.js';
import { finishInterruptedRotation } from '../security/key-rotation.js';
import type { SecretStore } from '../security/secret-store.js';
import { BlobStore } from './blobs/blob-store.js';
import { openLibraryDatabase, readMeta, writeMeta, type LibraryDatabase } from './database.js';
import { DetailDocuments } from './documents/detail-documents.js';
import { migrateDocumentNamespace } from './documents/document-namespace.js';
import { SettingsDocument } from './documents/settings-document.js';
import { MAX_LOADED_SHARDS, ShardDocuments } from './documents/shard-documents.js';
import { EDIT_DERIVERS } from './edits/derivers.js';
import { detailSeedOf } from './edits/detail-seed.js';
import { EditDerivations } from './edits/edit-derivations.js';
import { toClipEntryDoc, type ClipEntryDoc, type ShardDoc } from './documents/schema.js';
import type { ChangedEntries } from './documents/shard-documents.js';
import { AmbiguousIdError, ClipNotFoundError, LibraryError, LibraryNotFoundError } from './errors.js';
import { shardOfClip } from './ids.js';
import { libraryPaths, type LibraryPaths } from './library-paths.js';
import { Quarantine } from './quarantine.js';
import { ShardIndexer } from './shard-indexer.js';
import { SqliteStorageAdapter } from './storage/sqlite-storage-adapter.js';
import { reindexLibrary } from './operations/reindex.js';
import type { AuditActor } from '../../contract/audit.js';
import { AuditLog } from '../security/audit/audit-log.js';
import { foldPendingAudit, PendingAuditJournal } from '../security/audit/pending-journal.js';

const UNLOAD_DELAY_MS = 250;
const THIS_DEVICE: AuditActor = { type: 'device', id: 'this-device' };
/** Changes from peers are saved (and the index marked as matching them) this long after they arrive. */
const PEER_SAVE_DELAY_MS = 50;

/** Called after the index took a change: the clips it touched, or null when a whole shard was re-read. */
export type IndexChangeListener = (clipIds: string[] | null) => void;

/** Called after any library document (shard, detail, settings) changed, here or from a peer: its id and new heads. */
export type DocumentChangeListener = (documentId: DocumentId, heads: string[]) => void;

/**
 * Decides what another device may sync (shareConfig's announce and access both): true or false
 * for a device's peer id, null for any other peer (the app's own windows), which keep their rules.
 */
export type DevicePolicy = (peerId: PeerId, documentId: DocumentId) => boolean | null;
/** Whether this side opens each document's exchange with a device (shareConfig's announce), or only answers it. */
export type DeviceOpensExchange = (peerId: PeerId) => boolean;

/** An edit of many clips (Library.changeClips): which entries it would change, and the change itself. */
export interface ClipsEdit {
  /** Reads the entry as it is (it must not change it). */
  changes(entry: ClipEntryDoc): boolean;
  /** Called only for entries `changes` said yes to, inside the shard's change. */
  apply(entry: ClipEntryDoc): void;
  /** Runs in the same database transaction, after the changes: bookkeeping that must commit with them (and costs no fsync of its own). */
  alongside?(): void;
}

/** What a window or device opens to edit a clip: the shard holding its entry, and its detail document. */
export interface OpenedForPeers {
  clipId: string;
  shard: number;
  documentId: DocumentId;
  detailDocumentId: DocumentId;
}

export type LibraryUnlock =
  | { method: 'passphrase'; passphrase: string }
  | { method: 'secret-store'; store: SecretStore }
  // The keychain slot, taken after the OS confirmed the person (the app lock's Touch ID): audited as its own method.
  | { method: 'os-auth'; store: SecretStore; authenticator: string }
  | { method: 'key'; libraryKey: Buffer };

export interface CreateLibraryOptions {
  passphrase?: string;
  secretStore?: SecretStore;
  scryptCost?: ScryptCost;
}

/**
 * An open library: shard documents (the truth), the SQLite index derived from them, and the blob
 * store. Plain Node; the app, `serve` and the CLI all drive this one class.
 */
export class Library {
  #writes: Promise<unknown> = Promise.resolve();
  #storageFailure: LibraryError | null = null;
  #documentsChanged = false;
  #unloadTimer: NodeJS.Timeout | null = null;
  readonly #indexListeners = new Set<IndexChangeListener>();
  readonly #documentListeners = new Set<DocumentChangeListener>();
  #devicePolicy: DevicePolicy | null = null;
  #deviceOpensExchange: DeviceOpensExchange = () => true;
  /** Shards a peer changed, with the entries it changed (null: any of them), not yet indexed. */
  readonly #peerChangedShards = new Map<number, Set<string> | null>();
  #peerSaveTimer: NodeJS.Timeout | null = null;
  /** Renders each clip's edits into its entry (set once the library is constructed). */
  #derivations: EditDerivations | null = null;
  /** The library's settings (shortcuts, theme…), synced to windows and devices. */
  readonly settings: SettingsDocument;
  /** The subkeys the blob store and the audit log hold: zeroed at close (the app lock closes the library to drop them). */
  #heldKeys: Buffer[] = [];

  private constructor(
    readonly paths: LibraryPaths,
    readonly libraryId: string,
    /** What the library's document ids derive from; the same on every device it syncs with. */
    readonly documentNamespace: string,
    readonly db: LibraryDatabase,
    readonly storage: SqliteStorageAdapter,
    readonly repo: Repo,
    readonly shards: ShardDocuments,
    readonly details: DetailDocuments,
    readonly index: ClipIndex,
    readonly blobs: BlobStore,
    readonly quarantine: Quarantine,
    readonly indexer: ShardIndexer,
    /** The tamper-evident audit log (main/security/audit/); subsystems are handed it, or its `record`. */
    readonly audit: AuditLog,
  ) {
    this.settings = new SettingsDocument(repo, storage, documentNamespace);
    const emit = (documentId: DocumentId, doc: Automerge.Doc<unknown>) => this.#emitDocumentChange(documentId, doc);
    shards.onHeadsChanged = emit;
    details.onHeadsChanged = emit;
    this.settings.onHeadsChanged = emit;
  }

  static async exists(dir: string): Promise<boolean> {
    return fileExists(libraryPaths(dir).keyFile);
  }

  static async create(dir: string, options: CreateLibraryOptions): Promise<Library> {
    const paths = libraryPaths(dir);
    if (await fileExists(paths.keyFile)) throw new LibraryError(`a library already exists at ${paths.dir}`, 'exists');
    await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
    const { libraryKey } = await createKeyFile(paths.keyFile, options);
    return Library.#openUnlocked(paths, libraryKey);
  }

  /** `actor` is who unlocks, for the audit log (the app or `serve`: this device; the CLI says so). */
  static async open(dir: string, unlock: LibraryUnlock, actor: AuditActor = THIS_DEVICE): Promise<Library> {
    const paths = libraryPaths(dir);
    if (!(await fileExists(paths.keyFile))) throw new LibraryNotFoundError(paths.dir);
    let libraryKey: Buffer;
    try {
      libraryKey = await unlockLibraryKey(paths.keyFile, unlock);
      // A key rotation that stopped part way is finished first (main/security/key-rotation.ts).
      if (unlock.method !== 'key') libraryKey = await finishInterruptedRotation(paths, libraryKey, (next) => unlockLibraryKey(next, unlock));
    } catch (error) {
      // The database cannot be opened without the key: the attempt waits beside it for the next open.
      const journal = new PendingAuditJournal(paths.auditPending);
      journal.record({ kind: 'unlock-failed', actor, details: { ...unlockMethodDetails(unlock), reason: error instanceof Error ? error.name : 'unknown' } });
      await journal.flush().catch(() => undefined);
      throw error;
    }
    const library = await Library.#openUnlocked(paths, libraryKey);
    library.audit.record({ kind: 'unlock', actor, details: unlockMethodDetails(unlock) });
    return library;
  }

  static async #openUnlocked(paths: LibraryPaths, libraryKey: Buffer): Promise<Library> {
    const { libraryId } = await readKeySlots(paths.keyFile);
    const keys = deriveLibrarySubkeys(libraryKey);
    libraryKey.fill(0);
    const db = openLibraryDatabase(paths.database, keys.databaseKey);
    // SQLite keeps its own copy for the connection's life; ours is no longer needed.
    keys.databaseKey.fill(0);
    try {
      const storedId = readMeta(db, 'library_id');
      if (storedId === null) writeMeta(db, 'library_id', libraryId);
      else if (storedId !== libraryId) throw new LibraryError(`the key file belongs to library ${libraryId}, the database to ${storedId}`, 'mismatch');
      const documentNamespace = migrateDocumentNamespace(db, libraryId);
      const storage = new SqliteStorageAdapter(db);
      const repo = new Repo({ storage, network: [], peerId: `clipshot-${randomUUID()}` as PeerId, sharePolicy: async () => false });
      const index = new ClipIndex(db);
      const quarantine = new Quarantine(db);
      // After a key rotation the blob keys live in the database; a move of the blobs to new keys
      // that stopped part way is finished here, before anything reads a blob.
      const { keys: rotatedBlobKeys } = await finishBlobKeyMigration(db, paths.blobs);
      if (rotatedBlobKeys) {
        keys.blobContentKey.fill(0);
        keys.blobNameKey.fill(0);
        keys.blobContentKey = rotatedBlobKeys.contentKey;
        keys.blobNameKey = rotatedBlobKeys.nameKey;
      }
      const blobs = new BlobStore(paths.blobs, { contentKey: keys.blobContentKey, nameKey: keys.blobNameKey });
      // The listener runs only on later changes, by which time the indexer exists.
      const shards = new ShardDocuments(repo, storage, documentNamespace, (shard, doc, changed, local) => library.#onShardChange(shard, doc, changed, local));
      const details = new DetailDocuments(repo, storage, documentNamespace, (clipId) => library.#onDetailChange(clipId));
      const indexer = new ShardIndexer(db, index, quarantine, shards);
      const library = new Library(paths, libraryId, documentNamespace, db, storage, repo, shards, details, index, blobs, quarantine, indexer, new AuditLog(db, libraryId, keys.auditKey));
      library.#heldKeys = [keys.blobContentKey, keys.blobNameKey, keys.auditKey];
      await foldPendingAudit(paths.auditPending, library.audit);
      library.#derivations = new EditDerivations(library, EDIT_DERIVERS, (clipId, error) => {
        // The rendering stays pending and is tried again at the next open; nothing is lost.
        console.error(`ClipShot: the edits of clip ${clipId} could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
      });
      // Peers (the renderer's windows, later other devices) are told about nothing, and may sync
      // only the documents that the core opened for them.
      repo.shareConfig = {
        announce: async (peer, documentId) => (documentId !== undefined && library.#devicePolicy?.(peer, documentId) && library.#deviceOpensExchange(peer)) || false,
        access: async (peer, documentId) => {
          const deviceDecision = documentId === undefined ? null : (library.#devicePolicy?.(peer, documentId) ?? null);
          if (deviceDecision !== null) return deviceDecision;
          const shard = shards.shardOfDocument(documentId);
          if (shard !== null) return shards.isPinned(shard);
          if (documentId === library.settings.documentId) return library.settings.isOpenToPeers;
          const clipId = details.clipOfDocument(documentId);
          return clipId !== null && details.isPinned(clipId);
        },
      };
      await blobs.cleanTemporaryFiles();
      // A new or upgraded index schema starts empty: fill it from the documents.
      if (index.needsRebuild) await reindexLibrary(library);
      else await indexer.repairDirtyShards();
      library.#derivations.resumePending();
      return library;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  // ---- reading (index only) ----

  resolveId(idOrPrefix: string): string {
    const wanted = idOrPrefix.trim().toLowerCase();
    if (!/^[0-9a-z]{4,26}$/.test(wanted)) throw new ClipNotFoundError(idOrPrefix);
    const matches = this.index.resolveIdPrefix(wanted, 2);
    if (matches.length === 0) throw new ClipNotFoundError(idOrPrefix);
    if (matches.length > 1 && !matches.includes(wanted)) throw new AmbiguousIdError(idOrPrefix, matches.length);
    return matches.includes(wanted) ? wanted : matches[0]!;
  }

  get(idOrPrefix: string): ClipView {
    const clip = this.index.get(this.resolveId(idOrPrefix));
    if (!clip) throw new ClipNotFoundError(idOrPrefix);
    const { shard: _shard, ...view } = clip;
    return view;
  }

  query(query: ClipQuery): ClipPage<ClipView> {
    const page = this.index.query(query);
    return { items: page.items.map(({ shard: _shard, ...view }) => view), nextCursor: page.nextCursor };
  }

  /** How many clips a list or search matches (order and paging aside). */
  count(query: ClipQuery = {}): number {
    return this.index.count(query);
  }

  /** Clips per kind, tag and collection, outside the trash, and the trash's size. */
  overview(): ReturnType<ClipIndex['overview']> {
    return this.index.overview();
  }

  /** Matching clips per UTC hour, day, month or year of capture, in time order. */
  timeline(query: ClipQuery, bucket: Parameters<ClipIndex['timeline']>[1]): ReturnType<ClipIndex['timeline']> {
    return this.index.timeline(query, bucket);
  }

  /** The capture times of the first and last clip a query matches; null when none does. */
  timelineSpan(query: ClipQuery): { first: number; last: number } | null {
    return this.index.captureSpan(query);
  }

  // ---- peers: windows and devices that sync shard documents ----

  connectPeers(adapter: NetworkAdapterInterface): void {
    this.repo.networkSubsystem.addNetworkAdapter(adapter);
  }

  /**
   * Starts a loaded document's exchange with a peer afresh. Automerge sends a change once per
   * exchange: when the message carrying it is lost or refused on the way, each side then waits for
   * the other and the document stays apart until the connection ends. Beginning again forgets what
   * was sent (automerge-repo re-reads the sync state from its encoding, which keeps only the heads
   * both had in common) and sends the peer this side's heads, so the exchange resumes from there.
   */
  restartExchange(documentId: DocumentId, peerId: PeerId): void {
    const synchronizer = this.repo.synchronizer.docSynchronizers[documentId];
    if (!synchronizer?.hasPeer(peerId)) return;
    synchronizer.endSync(peerId);
    void synchronizer.beginSync([peerId]);
  }

  /** Opens the shard holding a clip, and the clip's detail document, for peers to sync and edit, until closeClipForPeers. */
  async openClipForPeers(idOrPrefix: string): Promise<OpenedForPeers> {
    const clipId = this.resolveId(idOrPrefix);
    const shard = shardOfClip(clipId);
    await this.write(async () => {
      await this.shards.pin(shard);
      try {
        await this.details.pin(clipId, () => detailSeedOf(this, clipId));
      } catch (error) {
        this.shards.unpin(shard);
        throw error;
      }
    });
    this.#reconsiderSharing();
    return { clipId, shard, documentId: this.shards.documentId(shard), detailDocumentId: this.details.documentId(clipId) };
  }

  closeClipForPeers(clipId: string): void {
    this.shards.unpin(shardOfClip(clipId));
    this.details.unpin(clipId);
    this.#scheduleUnload();
  }

  /** Opens the settings document for peers to sync and edit, until closeSettingsForPeers. */
  async openSettingsForPeers(): Promise<DocumentId> {
    await this.write(() => this.settings.openForPeers());
    this.#reconsiderSharing();
    return this.settings.documentId;
  }

  /**
   * automerge-repo asks the share policy about a peer only when a document loads or the peer
   * writes. A shard loaded here before a window opens it (by an import, or another device)
   * would never send that window what changed since the copy the window kept: ask again.
   */
  #reconsiderSharing(): void {
    this.repo.shareConfigChanged();
  }

  closeSettingsForPeers(): void {
    this.settings.closeForPeers();
  }

  /**
   * Changes a clip's detail document from the core itself (the CLI, bulk operations); windows
   * edit theirs through their own Repo. Durable when this resolves; the rendering follows.
   */
  async changeDetails(idOrPrefix: string, message: string, edit: (doc: ClipDetailDoc) => void): Promise<void> {
    const clipId = this.resolveId(idOrPrefix);
    await this.write(async () => {
      await this.details.change(clipId, () => detailSeedOf(this, clipId), message, edit);
      await this.details.flush([clipId]);
    });
  }

  /** Renders every pending edit now; resolves once each clip's `edited` entry is written. */
  settleEdits(): Promise<void> {
    return this.#derivations?.settle() ?? Promise.resolve();
  }

  /** Renders one clip's edits again now, changed or not (re-analyse). */
  rederiveEdits(clipId: string): Promise<void> {
    return this.#derivations?.deriveNow(clipId) ?? Promise.resolve();
  }

  /**
   * Sets what other devices may sync (the sync service's policy); null stops all device access.
   * `opensExchange` says with which devices this side starts each document's exchange; with the
   * others it answers theirs.
   */
  setDevicePolicy(policy: DevicePolicy | null, opensExchange: DeviceOpensExchange = () => true): void {
    this.#devicePolicy = policy;
    this.#deviceOpensExchange = opensExchange;
  }

  onDocumentChanged(listener: DocumentChangeListener): () => void {
    this.#documentListeners.add(listener);
    return () => this.#documentListeners.delete(listener);
  }

  #emitDocumentChange(documentId: DocumentId, doc: Automerge.Doc<unknown>): void {
    if (this.#documentListeners.size === 0) return;
    const heads = encodeHeads(Automerge.getHeads(doc));
    for (const listener of this.#documentListeners) listener(documentId, heads);
  }

  /** Lets idle documents unload again after a caller released ones it held loaded. */
  documentsReleased(): void {
    this.#scheduleUnload();
  }

  #onDetailChange(clipId: string): void {
    const kind = this.index.get(clipId)?.kind;
    if (kind) this.#derivations?.schedule(clipId, kind);
    this.#scheduleUnload();
  }

  onIndexChanged(listener: IndexChangeListener): () => void {
    this.#indexListeners.add(listener);
    return () => this.#indexListeners.delete(listener);
  }

  #onShardChange(shard: number, doc: ShardDoc, changed: ChangedEntries, local: boolean): void {
    if (!local) {
      this.#schedulePeerSave(shard, changed);
      return;
    }
    this.indexer.onShardChange(shard, doc, changed);
    for (const listener of this.#indexListeners) listener(changed);
  }

  /**
   * A peer's changes (another device's, another window's) are indexed a moment later, together,
   * on the write queue: indexed one by one outside a write, every sync message that touched a
   * shard committed (and synced to disk) a transaction of its own. automerge-repo saves the
   * changes by itself; the same write records that the index matches the saved heads.
   */
  #schedulePeerSave(shard: number, changed: ChangedEntries): void {
    const pending = this.#peerChangedShards.get(shard);
    if (changed === null || pending === null) this.#peerChangedShards.set(shard, null);
    else if (pending) for (const key of changed) pending.add(key);
    else this.#peerChangedShards.set(shard, new Set(changed));
    if (this.#peerSaveTimer) return;
    this.#peerSaveTimer = setTimeout(() => {
      this.#peerSaveTimer = null;
      this.write(() => this.#indexPeerChanges()).catch(() => undefined);
    }, PEER_SAVE_DELAY_MS);
    this.#peerSaveTimer.unref();
  }

  async #indexPeerChanges(): Promise<void> {
    const pending = new Map(this.#peerChangedShards);
    this.#peerChangedShards.clear();
    const notified: string[] = [];
    let whole = false;
    for (const [shard, keys] of pending) {
      const doc = (await this.shards.handle(shard)).doc();
      const changed = keys === null ? null : [...keys];
      this.indexer.onShardChange(shard, doc, changed);
      if (changed === null) whole = true;
      else notified.push(...changed);
    }
    await this.#save(pending.keys());
    for (const listener of this.#indexListeners) listener(whole ? null : notified);
  }

  // ---- writing (documents; the index follows through change events) ----

  /** Adds new clips; they are durable when this resolves. */
  async addClips(clips: ClipView[]): Promise<void> {
    const byShard = groupByShard(clips, (clip) => clip.id);
    await this.write(async () => {
      for (const [shard, group] of byShard) {
        await this.#change(shard, `import ${group.length} clip(s)`, (doc) => {
          for (const clip of group) doc.clips[clip.id] = toClipEntryDoc(clip);
        });
      }
      await this.#save(byShard.keys());
    });
  }

  /** Applies one edit to one clip as an Automerge change, durable when this resolves. */
  async changeClip(idOrPrefix: string, message: string, edit: (entry: ClipEntryDoc, doc: ShardDoc) => void): Promise<ClipView> {
    const id = this.resolveId(idOrPrefix);
    const shard = shardOfClip(id);
    await this.write(async () => {
      // The clip id in the message lets undo find this clip's changes in the shard's history.
      await this.#change(shard, `${message} ${id}`, (doc) => {
        const entry = doc.clips[id];
        if (!entry) throw new ClipNotFoundError(id);
        edit(entry, doc);
        entry.updatedAt = Date.now();
      });
      await this.#save([shard]);
    });
    return this.get(id);
  }

  /**
   * Applies an edit to each of many clips in one write: one Automerge change per shard, whose
   * message names every clip it changed (so each clip's history and `clipshot undo ID` see it),
   * the shards saved together. Only the clips `edit.changes` says yes to get the change. Keep a call
   * to a bounded number of shards and clips (bulk operations take a few hundred at a time): every
   * shard it touches stays loaded until the write ends. Resolves with the ids changed and those no
   * shard holds.
   */
  async changeClips(ids: readonly string[], operation: ClipOperation | 'analyse', edit: ClipsEdit): Promise<{ changed: string[]; missing: string[] }> {
    const byShard = groupByShard([...ids], (id) => id);
    return this.write(async () => {
      const changed: string[] = [];
      const missing: string[] = [];
      for (const [shard, group] of byShard) {
        const current = (await this.shards.handle(shard)).doc();
        const changing: string[] = [];
        for (const id of group) {
          const entry = current.clips?.[id];
          if (!entry) missing.push(id);
          else if (edit.changes(entry)) changing.push(id);
        }
        if (changing.length === 0) continue;
        await this.#change(shard, clipsChangeMessage(operation, changing), (doc) => {
          const now = Date.now();
          for (const id of changing) {
            const entry = doc.clips[id]!;
            edit.apply(entry);
            // What the core records on its own (analysis) is not the person's edit: the clip keeps its place in "recently updated".
            if (operation !== 'analyse') entry.updatedAt = now;
          }
        });
        changed.push(...changing);
      }
      await this.#save(byShard.keys());
      edit.alongside?.();
      return { changed, missing };
    });
  }

  async removeClips(ids: string[]): Promise<void> {
    const byShard = groupByShard(ids, (id) => id);
    await this.write(async () => {
      for (const [shard, group] of byShard) {
        await this.#change(shard, `purge ${group.length} clip(s)`, (doc) => {
          for (const id of group) delete doc.clips[id];
        });
      }
      await this.#save(byShard.keys());
    });
  }

  /**
   * Runs one write at a time, as one SQLite transaction: the Automerge changes, their storage
   * and the index commit together (one fsync, not one per shard), or not at all.
   */
  write<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#storageFailure) throw this.#storageFailure;
      this.#documentsChanged = false;
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await work();
      } catch (error) {
        this.#rollBack(error);
        throw error;
      }
      try {
        this.db.exec('COMMIT');
      } catch (error) {
        this.#rollBack(error);
        throw error;
      }
      this.#scheduleUnload();
      // SQLite calls are synchronous, so back-to-back writes would never let timers run:
      // automerge-repo's own, and the one that unloads idle shards.
      await yieldToEventLoop();
      return result;
    };
    const next = this.#writes.then(run, run);
    this.#writes = next.catch(() => undefined);
    return next;
  }

  /**
   * Unloads idle shards beyond MAX_LOADED_SHARDS now rather than a little after the next write:
   * waits as long as the scheduled unloading would (automerge-repo's own timers for the latest
   * changes must have run), then unloads on the write queue. Bulk writes pace themselves by it.
   */
  async unloadIdleDocuments(): Promise<void> {
    const changedBefore = performance.now();
    await new Promise((resolve) => setTimeout(resolve, UNLOAD_DELAY_MS));
    await this.write(async () => {
      await this.shards.unloadIdle(changedBefore);
      await this.details.unloadIdle(changedBefore);
    });
  }

  #rollBack(cause: unknown): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    if (!this.#documentsChanged) return;
    // Documents in memory are now ahead of storage; only reopening makes them agree again.
    this.#storageFailure = new LibraryError(`a change could not be saved, so the library must be reopened (${cause instanceof Error ? cause.message : String(cause)})`, 'storage-failure');
  }

  /**
   * Unloads idle shards a little after writes, from the write queue. The delay outlasts
   * automerge-repo's own per-change timers (100 ms), and timers fire in order, so those for
   * changes made before scheduling have run when this one does.
   */
  #scheduleUnload(): void {
    if (this.#unloadTimer || (this.shards.loadedCount <= MAX_LOADED_SHARDS && this.details.loadedCount === 0)) return;
    const scheduledAt = performance.now();
    this.#unloadTimer = setTimeout(() => {
      this.#unloadTimer = null;
      // A failure here (a library poisoned by a storage failure) is reported by the next real write.
      this.write(async () => {
        await this.shards.unloadIdle(scheduledAt);
        await this.details.unloadIdle(scheduledAt);
      }).catch(() => undefined);
    }, UNLOAD_DELAY_MS);
    this.#unloadTimer.unref();
  }

  async #change(shard: number, message: string, edit: (doc: ShardDoc) => void): Promise<void> {
    await this.shards.change(shard, message, edit);
    this.#documentsChanged = true;
  }

  async #save(shards: Iterable<number>): Promise<void> {
    this.indexer.markSaved(await this.shards.flush(shards));
  }

  async flush(): Promise<void> {
    await this.#writes;
  }

  async close(): Promise<void> {
    await this.#derivations?.stop();
    if (this.#unloadTimer) clearTimeout(this.#unloadTimer);
    this.#unloadTimer = null;
    if (this.#peerSaveTimer) clearTimeout(this.#peerSaveTimer);
    this.#peerSaveTimer = null;
    if (this.#peerChangedShards.size > 0) await this.write(() => this.#indexPeerChanges()).catch(() => undefined);
    try {
      await this.flush();
      await this.repo.flush();
      await this.repo.shutdown();
    } finally {
      this.storage.close();
      this.db.close();
      for (const key of this.#heldKeys) key.fill(0);
    }
  }
}

function groupByShard<T>(items: T[], idOf: (item: T) => string): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const shard = shardOfClip(idOf(item));
    const group = groups.get(shard);
    if (group) group.push(item);
    else groups.set(shard, [item]);
  }
  return groups;
}

async function unlockLibraryKey(keyFile: string, unlock: LibraryUnlock): Promise<Buffer> {
  switch (unlock.method) {
    case 'passphrase':
      return unlockWithPassphrase(keyFile, unlock.passphrase);
    case 'secret-store':
    case 'os-auth':
      return unlockWithSecretStore(keyFile, unlock.store);
    case 'key':
      return Buffer.from(unlock.libraryKey);
  }
}

function unlockMethodDetails(unlock: LibraryUnlock): { method: string; authenticator?: string } {
  return unlock.method === 'os-auth' ? { method: unlock.method, authenticator: unlock.authenticator } : { method: unlock.method };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}
