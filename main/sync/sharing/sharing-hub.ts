import type { DocumentId, Message } from '@automerge/automerge-repo';
import type { AuditActor } from '../../../contract/audit.js';
import type { ClipView } from '../../../contract/clips.js';
import type { PersonView, SharedCollectionView, SharingStatus } from '../../../contract/sharing.js';
import type { Library } from '../../library/library.js';
import type { SecretStore } from '../../security/secret-store.js';
import type { DeviceIdentity } from '../device-identity.js';
import type { DeviceRegistry, PairedDevice } from '../device-registry.js';
import type { SyncedDocument } from '../documents/synced-documents.js';
import {
  loadOrCreatePersonIdentity, parsePersonSecret, personFingerprint, personIdentityAccount, verifyDeviceCertificate,
  type DeviceCertificate, type PersonIdentity,
} from '../people/person-identity.js';
import { ChangeGuard, type RejectedChange } from './change-guard.js';
import { isCollectionRole, mayRead, type CollectionRole } from './collection-schema.js';
import { SharedCollections, SharingError } from './shared-collections.js';

/** How long a message about a collection's entries waits for its access list to arrive first. */
const ACL_WAIT_MS = 10_000;

/** What own devices tell each other so that they come to hold one person key (see receiveOffer). */
export interface PersonOffer {
  t: 'person';
  secret: string;
  inUse: boolean;
}

/**
 * People and shared collections for the sync service: this device's person (its key, and its
 * certificate of this device), which person each paired device is, what each may receive
 * (another person's device: only the documents and blobs of collections shared with that person),
 * and the role check of every change arriving for a shared collection.
 */
export class SharingHub {
  #person: PersonIdentity;
  #certificate: DeviceCertificate;
  readonly collections: SharedCollections;
  readonly guard: ChangeGuard;
  /** Persons of connected devices, from the certificates they presented this session. */
  readonly #sessionPersons = new Map<string, string>();
  readonly #listeners = new Set<() => void>();
  /** Collections whose entries just took other people's changes (their edits come into this library's clips). */
  readonly #othersEdited = new Set<string>();

  private constructor(
    private readonly library: Library,
    private readonly device: DeviceIdentity,
    private readonly registry: DeviceRegistry,
    private readonly store: SecretStore,
    person: PersonIdentity,
  ) {
    this.#person = person;
    this.#certificate = person.certify(device.keys.publicKey);
    this.collections = new SharedCollections(library, () => this.#person, device.keys.publicKey);
    this.guard = new ChangeGuard(library, this.collections);
    this.collections.onAclChanged(() => this.#changed());
    this.collections.onEntriesChanged(() => this.#changed());
  }

  /** The person key lives in the store the device key is in. */
  static async start(library: Library, device: DeviceIdentity, registry: DeviceRegistry, store: SecretStore): Promise<SharingHub> {
    const person = await loadOrCreatePersonIdentity(store, personIdentityAccount(library.libraryId));
    const hub = new SharingHub(library, device, registry, store, person);
    await hub.collections.start();
    return hub;
  }

  get person(): PersonIdentity {
    return this.#person;
  }

  /** This device's certificate by its person, for its hellos. */
  get certificate(): DeviceCertificate {
    return this.#certificate;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  // ---- devices and their persons ----

  /**
   * Records the person a connected device's certificate names. A device of another person must
   * present a valid one (false: refuse the session); one's own device may present one or not.
   */
  async admitSession(peerId: string, remoteKey: Uint8Array, certificate: unknown): Promise<boolean> {
    const device = this.registry.get(peerId);
    const verified = certificate === undefined ? null : verifyDeviceCertificate(certificate, remoteKey);
    if (device?.relation === 'person' && !verified) return false;
    if (!verified) return true;
    if (device?.relation === 'person' && verified.personId === this.#person.personId) return false;
    this.#sessionPersons.set(peerId, verified.personId);
    await this.registry.certified(peerId, verified.personId, Buffer.from(verified.publicKey).toString('base64'));
    return true;
  }

  endSession(peerId: string): void {
    this.#sessionPersons.delete(peerId);
  }

  isForeign(peerId: string): boolean {
    return this.registry.get(peerId)?.relation !== 'own';
  }

  #personOf(peerId: string): string | null {
    return this.#sessionPersons.get(peerId) ?? this.registry.get(peerId)?.personId ?? null;
  }

  // ---- what each device may receive ----

  /** Whether a device may have anything of this document: own devices all; another person's only their collections'. */
  mayShare(peerId: string, documentId: string): boolean {
    if (!this.isForeign(peerId)) return true;
    const person = this.#personOf(peerId);
    const collection = this.collections.identify(documentId);
    if (!person || !collection) return false;
    // A collection whose access list has not arrived yet is one this person offered: it may bring it.
    return mayRead(this.collections.standing(collection.collection, person)) || !this.collections.hasAcl(collection.collection);
  }

  /** Which documents a device may know of (its manifests): for another person, their collections, and ones they offer. */
  allowsDocument(peerId: string, documentId: DocumentId, doc: SyncedDocument): boolean {
    if (!this.isForeign(peerId)) return true;
    if (doc.kind !== 'collection') return false;
    return this.collections.isLoaded(documentId) ? this.mayShare(peerId, documentId) : this.#personOf(peerId) !== null;
  }

  mayServeBlob(peerId: string, hash: string): boolean {
    const device = this.registry.get(peerId);
    if (!device || device.revokedAt !== null) return false;
    if (device.relation === 'own') return true;
    const person = this.#personOf(peerId);
    return person !== null && this.collections.mayReadBlob(person, hash);
  }

  /** Delays a message about a collection's entries until its access list is here (or a while has passed). */
  whenAclKnown(documentId: string): Promise<void> | null {
    const collection = this.collections.identify(documentId);
    if (!collection || collection.part !== 'entries' || this.collections.hasAcl(collection.collection)) return null;
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ACL_WAIT_MS);
      const stop = this.collections.onAclChanged((changed) => {
        if (changed === collection.collection && this.collections.hasAcl(changed)) finish();
      });
      function finish(): void {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  }

  /** Role checks for a message about a shared collection's document (see ChangeGuard); others pass. */
  screen(peerId: string, documentId: string, message: Message): Message | null {
    const collection = this.collections.identify(documentId);
    if (!collection || (message.type !== 'sync' && message.type !== 'request') || !('data' in message) || !message.data) return message;
    const sender = { peerId, own: !this.isForeign(peerId), personId: this.#personOf(peerId) };
    const { data, authors, rejected } = this.guard.screen(collection.collection, collection.part, sender, message.data);
    if (collection.part === 'entries' && [...authors].some((author) => author !== this.#person.personId)) this.#othersEdited.add(collection.collection);
    for (const change of rejected) this.#audit(change, peerId);
    if (rejected.length > 0) this.#changed();
    if (data === null) return null;
    return data === message.data ? message : ({ ...message, data } as Message);
  }

  /**
   * A message refused because its sender's person was revoked from the collection: nothing of it
   * reaches the repo, but the changes it brings are judged, recorded and reported all the same.
   */
  inspectRefused(peerId: string, documentId: string, message: Message): void {
    const collection = this.collections.identify(documentId);
    const person = this.#personOf(peerId);
    if (!collection || !person || this.collections.standing(collection.collection, person) !== 'revoked') return;
    this.screen(peerId, documentId, message);
  }

  /**
   * Whether other people's changes reached this collection's entries since last asked. Only those
   * are taken into this library's clips: one's own devices' changes already came from them.
   */
  takeOthersEdits(collection: string): boolean {
    return this.#othersEdited.delete(collection);
  }

  #audit(change: RejectedChange, peerId: string): void {
    if (change.reason === 'relayed') return;
    const actor: AuditActor = { type: 'person', id: change.person ?? 'unknown' };
    this.library.audit.record({ kind: 'change-rejected', actor, details: { collection: change.collection, document: change.part, change: change.hash.slice(0, 16), reason: change.reason, device: peerId } });
  }

  // ---- one person key on all one's own devices ----

  offer(): PersonOffer {
    return { t: 'person', secret: this.#person.secret, inUse: this.collections.inUse };
  }

  /**
   * An own device's person key: adopted when it ranks before this one's (a key in use first, then
   * the lower id), so every device of one person ends up with one key. A key in use here (shared,
   * or shared with) is never replaced. Offers from another person's device are ignored.
   */
  async receiveOffer(peerId: string, offer: PersonOffer): Promise<boolean> {
    if (this.isForeign(peerId)) return false;
    let theirs: PersonIdentity;
    try {
      theirs = parsePersonSecret('offer', offer.secret);
    } catch {
      return false;
    }
    const mine = this.#person;
    if (theirs.personId === mine.personId || this.collections.inUse) return false;
    if (!offer.inUse && theirs.personId > mine.personId) return false;
    await this.store.set(personIdentityAccount(this.library.libraryId), theirs.secret);
    this.#person = theirs;
    this.#certificate = theirs.certify(this.device.keys.publicKey);
    this.#changed();
    return true;
  }

  // ---- sharing ----

  status(): SharingStatus {
    return {
      person: { id: this.#person.personId, fingerprint: this.#person.fingerprint, self: true, devices: [] },
      people: this.people(),
      collections: this.collections.list(),
      ...this.guard.summary(),
    };
  }

  /** Other people whose devices are paired here (certified), with their devices' names. */
  people(): PersonView[] {
    const byPerson = new Map<string, { key: string; devices: string[] }>();
    for (const device of this.registry.active()) {
      if (device.relation !== 'person' || !device.personId || !device.personKey) continue;
      const entry = byPerson.get(device.personId) ?? { key: device.personKey, devices: [] };
      entry.devices.push(device.name);
      byPerson.set(device.personId, entry);
    }
    return [...byPerson].map(([id, entry]) => ({ id, fingerprint: personFingerprint(Buffer.from(entry.key, 'base64')), self: false, devices: entry.devices }));
  }

  /** A person by id, fingerprint, or the name, id or fingerprint of one of their paired devices. */
  findPerson(wanted: string): { personId: string; key: string; name: string } {
    const text = wanted.trim().toLowerCase();
    const bare = text.replace(/-/g, '');
    const devices = this.registry.active().filter((device): device is PairedDevice & { personId: string; personKey: string } => device.relation === 'person' && device.personId !== null && device.personKey !== null);
    const matches = devices.filter((device) => {
      const fingerprint = personFingerprint(Buffer.from(device.personKey, 'base64')).replace(/-/g, '').toLowerCase();
      return device.personId === text || fingerprint === bare || device.name.toLowerCase() === text || device.peerId === text || device.fingerprint.replace(/-/g, '').toLowerCase() === bare;
    });
    const persons = new Set(matches.map((device) => device.personId));
    if (persons.size === 1) {
      const device = matches[0]!;
      return { personId: device.personId, key: device.personKey, name: device.name };
    }
    if (persons.size > 1) throw new SharingError(`"${wanted.slice(0, 80)}" names ${persons.size} people; use a person id (clipshot share list)`, 'unknown-person');
    // A member already listed (a revoked one, say) is found by id too.
    for (const view of this.collections.list()) {
      const member = view.members.find((candidate) => candidate.personId === text);
      if (member) return { personId: member.personId, key: '', name: member.name };
    }
    throw new SharingError(`no person "${wanted.slice(0, 80)}": pair with one of their devices first (clipshot pair --person)`, 'unknown-person');
  }

  async share(collection: string, wantedPerson: string, role: string): Promise<SharedCollectionView> {
    if (!isCollectionRole(role)) throw new SharingError(`unknown role "${role.slice(0, 20)}" (viewer, editor or owner)`, 'unknown-person');
    const person = this.findPerson(wantedPerson);
    if (!person.key) throw new SharingError('that person has no device paired here any more', 'unknown-person');
    if (person.personId === this.#person.personId) throw new SharingError('that is you', 'unknown-person');
    const view = await this.collections.share(collection, person, role as CollectionRole);
    this.library.audit.record({ kind: 'share', actor: { type: 'person', id: this.#person.personId }, details: { collection: view.id, person: person.personId, role } });
    return view;
  }

  async unshare(collection: string, wantedPerson: string): Promise<SharedCollectionView> {
    const person = this.findPerson(wantedPerson);
    const view = await this.collections.unshare(collection, person.personId);
    this.library.audit.record({ kind: 'unshare', actor: { type: 'person', id: this.#person.personId }, details: { collection: view.id, person: person.personId } });
    return view;
  }

  sharedClips(collection: string): { collection: SharedCollectionView; clips: ClipView[] } {
    const id = this.collections.find(collection);
    return { collection: this.collections.list().find((view) => view.id === id)!, clips: this.collections.clips(id) };
  }

  editSharedClip(collection: string, clipId: string, edit: { title?: string; notes?: string }): Promise<ClipView> {
    return this.collections.editClip(collection, clipId, edit);
  }
}
