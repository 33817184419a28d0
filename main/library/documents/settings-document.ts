import * as Automerge from '@automerge/automerge';
import { interpretAsDocumentId, type BinaryDocumentId, type DocHandle, type DocumentId, type Repo } from '@automerge/automerge-repo';
import { createHash } from 'node:crypto';
import { SETTINGS_DOC_TYPE, SETTINGS_SCHEMA_VERSION, type SettingsDoc } from '../../../contract/settings-document.js';
import type { SqliteStorageAdapter } from '../storage/sqlite-storage-adapter.js';
import { findStoredDocument, readStoredDocument } from './loaded-documents.js';

// As for shards and details: every device creates the settings document byte for byte the same,
// so two devices that change settings before they ever met hold one document with one
// `shortcuts` map, not two rival ones of which a merge would keep only one.
const GENESIS_ACTOR = '02'.repeat(16);

/**
 * The library's settings document (contract/settings-document.ts). Its id derives from the library
 * id, so every device knows it without a directory. Windows edit it through their own Repo; it is
 * open to them (shareConfig.access) while at least one has asked for it. It is one small
 * document, so once loaded it stays loaded.
 */
export class SettingsDocument {
  readonly documentId: DocumentId;
  #handle: Promise<DocHandle<SettingsDoc>> | null = null;
  #openers = 0;
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
  ) {
    this.documentId = settingsDocumentId(namespace);
  }

  get isOpenToPeers(): boolean {
    return this.#openers > 0;
  }

  /** Keeps the document open to peers until as many closeForPeers calls. Call from the library's write queue. */
  async openForPeers(): Promise<DocHandle<SettingsDoc>> {
    const handle = await this.handle();
    this.#openers += 1;
    return handle;
  }

  closeForPeers(): void {
    this.#openers = Math.max(0, this.#openers - 1);
  }

  /** The loaded document, loaded from storage or created from the shared genesis. Call from the library's write queue. */
  handle(): Promise<DocHandle<SettingsDoc>> {
    if (!this.#handle) {
      // A tick later, so that isLoaded holds when automerge-repo asks the share policy (see ShardDocuments.handle).
      const pending = Promise.resolve().then(() => this.#open());
      pending.catch(() => {
        if (this.#handle === pending) this.#handle = null;
      });
      this.#handle = pending;
    }
    return this.#handle;
  }

  /** Runs `read` on the document as it is now (null when it was never created); `read` must copy out what it keeps. */
  async read<T>(read: (doc: SettingsDoc | null) => T): Promise<T> {
    const handle = this.#handle ? await this.#handle.catch(() => null) : null;
    if (handle?.isReady()) return read(handle.doc());
    return readStoredDocument<SettingsDoc, T>(this.repo, this.documentId, (doc) => read(doc));
  }

  /** A change made by the core itself, saved when this resolves. Call from the library's write queue. */
  async change(message: string, edit: (doc: SettingsDoc) => void): Promise<void> {
    const handle = await this.handle();
    handle.change(edit, { message, time: Math.floor(Date.now() / 1000) });
    await this.repo.flush([this.documentId]);
  }

  get isLoaded(): boolean {
    return this.#handle !== null;
  }

  async #open(): Promise<DocHandle<SettingsDoc>> {
    const handle = this.storage.hasDocument(this.documentId)
      ? await findStoredDocument<SettingsDoc>(this.repo, this.documentId)
      : this.repo.import<SettingsDoc>(genesisSettings(), { docId: this.documentId });
    handle.on('heads-changed', ({ doc }) => this.onHeadsChanged?.(this.documentId, doc));
    return handle;
  }
}

export function settingsDocumentId(namespace: string): DocumentId {
  const digest = createHash('sha256').update(`clipshot settings ${namespace}`).digest();
  return interpretAsDocumentId(new Uint8Array(digest.subarray(0, 16)) as BinaryDocumentId);
}

export function genesisSettings(): Uint8Array {
  const empty = Automerge.init<SettingsDoc>({ actor: GENESIS_ACTOR as Automerge.ActorId });
  const created = Automerge.change(empty, { message: 'create settings', time: 0 }, (doc) => {
    doc.schema = SETTINGS_SCHEMA_VERSION;
    doc.type = new Automerge.ImmutableString(SETTINGS_DOC_TYPE);
    doc.shortcuts = {};
    doc.appearance = {};
    doc.themes = {};
  });
  const bytes = Automerge.save(created);
  Automerge.free(created);
  return bytes;
}
