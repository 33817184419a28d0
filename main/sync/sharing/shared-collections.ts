import * as Automerge from '@automerge/automerge';
import type { DocHandle, DocumentId } from '@automerge/automerge-repo';
import { encodeHeads } from '@automerge/automerge-repo';
import type { ClipView } from '../../../contract/clips.js';
import type { ClipEntryDoc } from '../../../contract/shard-document.js';
import type { SharedCollectionView } from '../../../contract/sharing.js';
import { toClipEntryDoc, validateClipEntry } from '../../library/documents/schema.js';
import { findStoredDocument } from '../../library/documents/loaded-documents.js';
import type { Library } from '../../library/library.js';
import { collectionActorOf, type PersonIdentity } from '../people/person-identity.js';
import {
  collectionDocumentId, COLLECTION_ID, mayChange, mayRead, newCollectionId,
  type CollectionAclDoc, type CollectionEntriesDoc, type CollectionPart, type CollectionRole, type MemberStanding,
} from './collection-schema.js';

/** A person to share with, as the sync service knows them from a device certificate. */
export interface SharePerson {
  personId: string;
  /** Ed25519 public key, base64. */
  key: string;
  name: string;
}

export class SharingError extends Error {
  constructor(
    message: string,
    readonly code: 'not-owner' | 'not-editor' | 'unknown-collection' | 'unknown-clip' | 'no-clips' | 'unknown-person',
  ) {
    super(message);
    this.name = 'SharingError';
  }
}

interface Loaded {
  collection: string;
  part: CollectionPart;
  handle: DocHandle<unknown>;
}

type HeadsListener = (documentId: DocumentId, collection: string, part: CollectionPart, heads: string[]) => void;

const MAX_COLLECTION_CLIPS = 10_000;

/**
 * The shared collections this device holds: each one's two documents (kept loaded while sync runs:
 * they are few and small), what their access lists say (read on every change, so role checks are
 * synchronous), and the blobs their entries refer to. Local changes carry this device's bound actor
 * (collectionActorOf), the only actor other devices accept from it.
 */
export class SharedCollections {
  readonly #loaded = new Map<DocumentId, Loaded>();
  readonly #loading = new Map<DocumentId, Promise<Loaded>>();
  readonly #acl = new Map<string, CollectionAclDoc>();
  readonly #blobs = new Map<string, Set<string>>();
  readonly #clipCounts = new Map<string, number>();
  readonly #headsListeners = new Set<HeadsListener>();
  readonly #aclListeners = new Set<(collection: string) => void>();
  readonly #entriesListeners = new Set<(collection: string, local: boolean) => void>();
  #changingLocally = false;

  constructor(
    private readonly library: Library,
    private readonly person: () => PersonIdentity,
    private readonly devicePublicKey: Uint8Array,
  ) {
    library.db.exec('CREATE TABLE IF NOT EXISTS shared_collections (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL) STRICT');
  }

  /** Loads every known collection's documents. */
  async start(): Promise<void> {
    const ids = (this.library.db.prepare('SELECT id FROM shared_collections ORDER BY id').all() as { id: string }[]).map((row) => row.id);
    await this.library.write(async () => {
      for (const id of ids) {
        await this.hold(id, 'acl');
        await this.hold(id, 'entries');
      }
    });
  }

  /** Whether this person shares or has been shared anything: a person key in use is never replaced. */
  get inUse(): boolean {
    return this.library.db.prepare('SELECT 1 FROM shared_collections LIMIT 1').get() !== undefined;
  }

  onHeadsChanged(listener: HeadsListener): () => void {
    this.#headsListeners.add(listener);
    return () => this.#headsListeners.delete(listener);
  }

  onAclChanged(listener: (collection: string) => void): () => void {
    this.#aclListeners.add(listener);
    return () => this.#aclListeners.delete(listener);
  }

  onEntriesChanged(listener: (collection: string, local: boolean) => void): () => void {
    this.#entriesListeners.add(listener);
    return () => this.#entriesListeners.delete(listener);
  }

  identify(documentId: string): { collection: string; part: CollectionPart } | null {
    const loaded = this.#loaded.get(documentId as DocumentId);
    return loaded ? { collection: loaded.collection, part: loaded.part } : null;
  }

  isLoaded(documentId: string): boolean {
    return this.#loaded.has(documentId as DocumentId);
  }

  collectionIds(): string[] {
    return [...new Set([...this.#loaded.values()].map((loaded) => loaded.collection))].sort();
  }

  /** Every loaded document with its heads. */
  states(): { documentId: DocumentId; collection: string; part: CollectionPart; heads: string[] }[] {
    return [...this.#loaded].map(([documentId, loaded]) => ({ documentId, collection: loaded.collection, part: loaded.part, heads: loaded.handle.heads() ?? [] }));
  }

  /** What the collection's access list says of a person (null: not listed, or no access list yet). */
  standing(collection: string, personId: string): MemberStanding | null {
    return this.#acl.get(collection)?.members[personId]?.role ?? null;
  }

  /** Whether this device's copy of the document already holds a change. */
  hasChange(collection: string, part: CollectionPart, hash: string): boolean {
    const loaded = this.#loaded.get(collectionDocumentId(collection, part));
    const doc = loaded?.handle.isReady() ? loaded.handle.doc() : undefined;
    return doc !== undefined && Automerge.hasHeads(doc, [hash] as Automerge.Heads);
  }

  /** Whether the access list of the collection has arrived (has any member). */
  hasAcl(collection: string): boolean {
    return Object.keys(this.#acl.get(collection)?.members ?? {}).length > 0;
  }

  /** Whether a person may receive this document: one of a collection they are a member of (not revoked). */
  mayReadDocument(personId: string, documentId: string): boolean {
    const loaded = this.#loaded.get(documentId as DocumentId);
    return loaded !== undefined && mayRead(this.standing(loaded.collection, personId));
  }

  mayReadBlob(personId: string, hash: string): boolean {
    for (const [collection, hashes] of this.#blobs) if (hashes.has(hash) && mayRead(this.standing(collection, personId))) return true;
    return false;
  }

  /** The blobs (originals and thumbnails) the entries of every held collection refer to. */
  blobReferences(): { thumbnails: string[]; originals: string[] } {
    const thumbnails: string[] = [];
    const originals: string[] = [];
    for (const id of this.collectionIds()) {
      for (const clip of this.clips(id)) {
        if (clip.media?.thumb) thumbnails.push(clip.media.thumb);
        if (clip.edited?.thumb) thumbnails.push(clip.edited.thumb);
        if (clip.media) originals.push(clip.media.blob);
      }
    }
    return { thumbnails, originals };
  }

  /** The id of a collection by its id or name (names as in the access list). */
  find(wanted: string): string {
    const text = wanted.trim();
    if (COLLECTION_ID.test(text) && this.#acl.has(text)) return text;
    const named = [...this.#acl.values()].filter((acl) => acl.name === text);
    if (named.length === 1) return named[0]!.collection;
    if (named.length > 1) throw new SharingError(`${named.length} shared collections are called "${text.slice(0, 80)}"; use its id (clipshot share list)`, 'unknown-collection');
    throw new SharingError(`no shared collection is called "${text.slice(0, 80)}" (clipshot share list)`, 'unknown-collection');
  }

  list(): SharedCollectionView[] {
    const me = this.person().personId;
    return this.collectionIds().map((id) => {
      const acl = this.#acl.get(id);
      return {
        id,
        name: acl?.name ?? '',
        role: this.standing(id, me),
        members: Object.entries(acl?.members ?? {})
          .map(([personId, member]) => ({ personId, name: member.name, role: member.role, at: member.at }))
          .sort((a, b) => a.at - b.at),
        clips: this.#clipCounts.get(id) ?? 0,
      };
    });
  }

  /** The clips a collection shares, as views (entries that do not validate are left out). */
  clips(collection: string): ClipView[] {
    const doc = this.#doc<CollectionEntriesDoc>(collection, 'entries');
    const clips: ClipView[] = [];
    for (const [key, raw] of Object.entries(doc?.clips ?? {})) {
      const checked = validateClipEntry(key, raw);
      if (checked.ok) clips.push(checked.clip);
    }
    return clips.sort((a, b) => b.capturedAt - a.capturedAt);
  }

  /**
   * Shares the library's collection `name` with a person: creates the collection's documents the
   * first time (this person their owner, the clips' entries copied in) and sets the person's role.
   * Only an owner may; the name is the library's own collection name, or a shared collection's id.
   */
  async share(name: string, member: SharePerson, role: CollectionRole): Promise<SharedCollectionView> {
    const me = this.person();
    const byId = COLLECTION_ID.test(name) ? this.#acl.get(name) : undefined;
    let collection = (byId ? [byId] : [...this.#acl.values()]).find((acl) => (byId || acl.name === name) && acl.members[me.personId]?.role === 'owner')?.collection ?? null;
    if (collection === null) {
      const existing = byId ?? [...this.#acl.values()].find((acl) => acl.name === name);
      if (existing) throw new SharingError(`"${existing.name.slice(0, 80)}" is shared with you, not owned by you: only its owners change who can see it`, 'not-owner');
      const clips = this.#libraryClips(name);
      if (clips.length === 0) throw new SharingError(`no clip is in the collection "${name.slice(0, 80)}"`, 'no-clips');
      collection = await this.#create(name, me, clips);
    }
    const id = collection;
    await this.#changeAcl(id, `share ${role}`, (acl) => {
      acl.members[member.personId] = { key: member.key, role, name: member.name.slice(0, 64), at: Date.now() };
    });
    return this.list().find((view) => view.id === id)!;
  }

  /** Revokes a person's access: their devices get nothing new and their changes are rejected from now on. */
  async unshare(wanted: string, personId: string): Promise<SharedCollectionView> {
    const collection = this.find(wanted);
    const member = this.#acl.get(collection)?.members[personId];
    if (!member) throw new SharingError(`that person is not a member of "${wanted.slice(0, 80)}"`, 'unknown-person');
    await this.#changeAcl(collection, 'revoke', (acl) => {
      const entry = acl.members[personId];
      if (entry) {
        entry.role = 'revoked';
        entry.at = Date.now();
      }
    });
    return this.list().find((view) => view.id === collection)!;
  }

  /** Edits a shared clip's title or notes (an editor's or owner's change; a viewer is refused here already). */
  async editClip(wanted: string, clipId: string, edit: { title?: string; notes?: string }): Promise<ClipView> {
    const collection = this.find(wanted);
    if (!mayChange(this.standing(collection, this.person().personId), 'entries')) throw new SharingError('you can view this collection, not change it (ask an owner for the editor role)', 'not-editor');
    const entries = this.#doc<CollectionEntriesDoc>(collection, 'entries');
    const matches = Object.keys(entries?.clips ?? {}).filter((id) => id.startsWith(clipId.trim().toLowerCase()));
    if (matches.length !== 1) throw new SharingError(`no single clip of this collection starts with "${clipId.slice(0, 30)}"`, 'unknown-clip');
    const id = matches[0]!;
    await this.#change(collection, 'entries', `edit ${id}`, (doc) => {
      const entry = (doc as CollectionEntriesDoc).clips[id]!;
      if (edit.title !== undefined) entry.title = new Automerge.ImmutableString(edit.title);
      if (edit.notes !== undefined) entry.notes = edit.notes;
      entry.updatedAt = Date.now();
    });
    return this.clips(collection).find((clip) => clip.id === id)!;
  }

  /**
   * Copies the library's changes to clips of collections this person owns or edits into their
   * entries: new clips in the collection, edits, clips taken out of it or trashed. Only the clips
   * named (null: every clip of those collections).
   */
  async mirror(clipIds: readonly string[] | null): Promise<void> {
    const me = this.person().personId;
    for (const collection of this.collectionIds()) {
      const acl = this.#acl.get(collection);
      if (!acl || !mayChange(this.standing(collection, me), 'entries')) continue;
      const have = this.#doc<CollectionEntriesDoc>(collection, 'entries')?.clips ?? {};
      const candidates = clipIds === null ? new Set([...Object.keys(have), ...this.#libraryClips(acl.name).map((clip) => clip.id)]) : new Set(clipIds);
      const stale: string[] = [];
      const changed: ClipView[] = [];
      for (const id of candidates) {
        const clip = this.library.index.get(id);
        const inCollection = clip !== null && clip.collections.includes(acl.name);
        if (!inCollection) {
          // A clip this library never had (another member's) stays; one taken out of the collection here leaves it.
          if (have[id] && clip !== null) stale.push(id);
          continue;
        }
        const { shard: _shard, ...view } = clip;
        const current = have[id] ? validateClipEntry(id, have[id]) : null;
        if (!current?.ok || !sameShared(current.clip, view)) changed.push(view);
      }
      if (stale.length === 0 && changed.length === 0) continue;
      await this.#change(collection, 'entries', 'mirror', (raw) => {
        const entries = raw as CollectionEntriesDoc;
        for (const id of stale) delete entries.clips[id];
        for (const clip of changed) entries.clips[clip.id] = sharedEntry(clip, acl.name);
      });
    }
  }

  /**
   * Takes other members' accepted edits (title, notes) of a collection's clips into this library's
   * own entries of those clips, where it has them: the shared copy and the private one then agree.
   */
  async absorb(collection: string, apply: (clipId: string, edit: { title: string; notes: string }) => Promise<void>): Promise<void> {
    if (!mayChange(this.standing(collection, this.person().personId), 'entries')) return;
    for (const shared of this.clips(collection)) {
      const own = this.library.index.get(shared.id);
      if (!own || (own.title === shared.title && own.notes === shared.notes)) continue;
      await apply(shared.id, { title: shared.title, notes: shared.notes });
    }
  }

  /**
   * Loads a collection document, creating an empty one (a peer will fill it) when this device has
   * never held it. Call from the library's write queue.
   */
  async hold(collection: string, part: CollectionPart): Promise<{ heads(): string[] }> {
    const documentId = collectionDocumentId(collection, part);
    const loaded = this.#loaded.get(documentId) ?? (await this.#load(collection, part, null));
    return { heads: () => loaded.handle.heads() ?? [] };
  }

  #load(collection: string, part: CollectionPart, genesis: Uint8Array | null): Promise<Loaded> {
    const documentId = collectionDocumentId(collection, part);
    const pending = this.#loading.get(documentId);
    if (pending) return pending;
    const loading = (async () => {
      this.library.db.prepare('INSERT INTO shared_collections (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING').run(collection, Date.now());
      const handle = this.library.storage.hasDocument(documentId)
        ? await findStoredDocument<unknown>(this.library.repo, documentId)
        : this.library.repo.import<unknown>(genesis ?? emptyDocument(), { docId: documentId });
      // An empty document (one a peer will fill) moves no heads on import, so the repo never calls it ready.
      if (!handle.isReady()) handle.doneLoading();
      const loaded: Loaded = { collection, part, handle };
      this.#loaded.set(documentId, loaded);
      handle.on('heads-changed', ({ doc }) => this.#onHeadsChanged(documentId, loaded, doc));
      // Made or loaded here: no heads-changed event tells of these heads.
      const heads = handle.heads() ?? [];
      for (const listener of this.#headsListeners) listener(documentId, collection, part, heads);
      this.#read(loaded, false);
      return loaded;
    })();
    this.#loading.set(documentId, loading);
    loading.finally(() => this.#loading.delete(documentId)).catch(() => undefined);
    return loading;
  }

  #onHeadsChanged(documentId: DocumentId, loaded: Loaded, doc: Automerge.Doc<unknown>): void {
    const heads = encodeHeads(Automerge.getHeads(doc));
    // Sync learns the new heads before anyone reacts to what the document now says.
    for (const listener of this.#headsListeners) listener(documentId, loaded.collection, loaded.part, heads);
    this.#read(loaded, this.#changingLocally);
  }

  /** Refreshes what is known of a loaded document (its access list, or its entries' blobs). */
  #read(loaded: Loaded, local: boolean): void {
    const doc = loaded.handle.doc() as unknown as { type?: string; collection?: string; clips?: Record<string, unknown> } | undefined;
    if (loaded.part === 'acl') {
      if (doc?.type !== 'clipshot-collection-acl' || doc.collection !== loaded.collection) return;
      this.#acl.set(loaded.collection, JSON.parse(JSON.stringify(doc)) as CollectionAclDoc);
      for (const listener of this.#aclListeners) listener(loaded.collection);
      return;
    }
    const hashes = new Set<string>();
    let count = 0;
    for (const [key, raw] of Object.entries(doc?.clips ?? {})) {
      const checked = validateClipEntry(key, raw);
      if (!checked.ok) continue;
      count += 1;
      if (checked.clip.media) hashes.add(checked.clip.media.blob);
      if (checked.clip.media?.thumb) hashes.add(checked.clip.media.thumb);
      if (checked.clip.edited?.thumb) hashes.add(checked.clip.edited.thumb);
    }
    this.#blobs.set(loaded.collection, hashes);
    this.#clipCounts.set(loaded.collection, count);
    for (const listener of this.#entriesListeners) listener(loaded.collection, local);
  }

  #doc<T>(collection: string, part: CollectionPart): T | null {
    const loaded = this.#loaded.get(collectionDocumentId(collection, part));
    return (loaded?.handle.doc() as unknown as T | undefined) ?? null;
  }

  #actor(): string {
    return collectionActorOf(this.person().personId, this.devicePublicKey);
  }

  async #create(name: string, me: PersonIdentity, clips: ClipView[]): Promise<string> {
    const collection = newCollectionId();
    const actor = this.#actor() as Automerge.ActorId;
    const acl = Automerge.change(Automerge.init<CollectionAclDoc>({ actor }), { message: 'create', time: Math.floor(Date.now() / 1000) }, (doc) => {
      doc.type = 'clipshot-collection-acl';
      doc.collection = collection;
      doc.name = name;
      doc.members = { [me.personId]: { key: Buffer.from(me.publicKey).toString('base64'), role: 'owner', name: 'owner', at: Date.now() } };
    });
    const entries = Automerge.change(Automerge.init<CollectionEntriesDoc>({ actor }), { message: 'create', time: Math.floor(Date.now() / 1000) }, (doc) => {
      doc.type = 'clipshot-collection-entries';
      doc.collection = collection;
      doc.clips = {};
      for (const clip of clips) doc.clips[clip.id] = sharedEntry(clip, name);
    });
    await this.library.write(async () => {
      await this.#load(collection, 'acl', Automerge.save(acl));
      await this.#load(collection, 'entries', Automerge.save(entries));
      await this.library.repo.flush([collectionDocumentId(collection, 'acl'), collectionDocumentId(collection, 'entries')]);
    });
    Automerge.free(acl);
    Automerge.free(entries);
    return collection;
  }

  async #changeAcl(collection: string, message: string, edit: (acl: CollectionAclDoc) => void): Promise<void> {
    if (this.standing(collection, this.person().personId) !== 'owner') throw new SharingError('only an owner of the collection changes who can see it', 'not-owner');
    await this.#change(collection, 'acl', message, (doc) => edit(doc as CollectionAclDoc));
  }

  async #change(collection: string, part: CollectionPart, message: string, edit: (doc: unknown) => void): Promise<void> {
    const documentId = collectionDocumentId(collection, part);
    await this.library.write(async () => {
      const loaded = this.#loaded.get(documentId) ?? (await this.#load(collection, part, null));
      const actor = this.#actor() as Automerge.ActorId;
      this.#changingLocally = true;
      try {
        loaded.handle.update((doc) => {
          // Changes here carry this device's bound actor, the only one other devices accept from it.
          const own = Automerge.getActorId(doc) === actor ? doc : Automerge.clone(doc, { actor });
          return Automerge.change(own, { message, time: Math.floor(Date.now() / 1000) }, edit);
        });
      } finally {
        this.#changingLocally = false;
      }
      await this.library.repo.flush([documentId]);
    });
  }

  #libraryClips(name: string): ClipView[] {
    const clips: ClipView[] = [];
    let cursor: string | undefined;
    do {
      const page = this.library.query({ collection: name, limit: 500, ...(cursor ? { cursor } : {}) });
      clips.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && clips.length < MAX_COLLECTION_CLIPS);
    return clips;
  }
}

/** A clip's entry as a collection shares it: its other collections stay private. */
function sharedEntry(clip: ClipView, collectionName: string): ClipEntryDoc {
  const entry = toClipEntryDoc({ ...clip, collections: [collectionName], sourceName: '' });
  if (clip.edited) {
    entry.edited = {
      summary: new Automerge.ImmutableString(clip.edited.summary),
      at: clip.edited.at,
      ...(clip.edited.thumb !== undefined && { thumb: new Automerge.ImmutableString(clip.edited.thumb) }),
      ...(clip.edited.width !== undefined && { width: clip.edited.width }),
      ...(clip.edited.height !== undefined && { height: clip.edited.height }),
      ...(clip.edited.durationMs !== undefined && { durationMs: clip.edited.durationMs }),
    };
  }
  return entry;
}

function sameShared(shared: ClipView, clip: ClipView): boolean {
  return (
    shared.title === clip.title &&
    shared.notes === clip.notes &&
    shared.deletedAt === clip.deletedAt &&
    shared.tags.join('\n') === [...clip.tags].join('\n') &&
    shared.text === clip.text &&
    JSON.stringify(shared.media) === JSON.stringify(clip.media) &&
    JSON.stringify(shared.edited) === JSON.stringify(clip.edited)
  );
}

function emptyDocument(): Uint8Array {
  const empty = Automerge.init();
  const bytes = Automerge.save(empty);
  Automerge.free(empty);
  return bytes;
}
