import * as Automerge from '@automerge/automerge';
import type { DocumentId, PeerId } from '@automerge/automerge-repo';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { WebSocket } from 'ws';
import { checkDeviceName } from '../../contract/device-inputs.js';
import type { DeviceView, PairingInvitationView, SyncControl, SyncStatus } from '../../contract/devices.js';
import { readMeta, writeMeta } from '../library/database.js';
import type { Library } from '../library/library.js';
import type { SecretStore } from '../security/secret-store.js';
import { BlobSync } from './blobs/blob-sync.js';
import { DeviceNetworkAdapter } from './connection/device-network-adapter.js';
import { formatPeerAddress, openSocket, parsePeerAddress, RetrySchedule } from './connection/dialer.js';
import { establishSession, encodeJson, type SecureSession, type SessionHello } from './connection/secure-session.js';
import { SyncListener } from './connection/sync-listener.js';
import { Channel, CloseCode, PAIR_PATH } from './connection/wire.js';
import { deviceKeyStore, LibraryVaultSecretStore, loadDeviceIdentity } from './device-key-store.js';
import { deviceHeadSigner } from '../security/audit/head-signers.js';
import { DeviceRegistry, type DeviceRelation, type PairedDevice } from './device-registry.js';
import { SharingHub, type PersonOffer } from './sharing/sharing-hub.js';
import { collectionDocumentId } from './sharing/collection-schema.js';
import { deviceFingerprint, type DeviceIdentity } from './device-identity.js';
import { documentMessageSchema, PeerDocumentSync } from './documents/peer-document-sync.js';
import { headsDigest, SyncedDocuments } from './documents/synced-documents.js';
import { PairingDesk } from './pairing-desk.js';
import { deviceInboundThrottle } from './connection/inbound-throttle.js';
import { rateLimitsOf } from '../security/rate-limit/rate-limit-policy.js';
import { parsePairingCode } from './pairing/pairing-code.js';

export const DEFAULT_SYNC_PORT = 47813;
const NAME_META_KEY = 'device_name';
const ORIGINALS_META_KEY = 'sync_originals';
const PARTIAL_KEY_ACCOUNT = 'blob-partials';
const CHANGE_EVENT_MS = 250;
const BLOB_WANT_DELAY_MS = 300;
const BLOB_RETRY_MS = 2_000;
const MIRROR_DELAY_MS = 300;

export interface LibraryDigest {
  documents: string;
  documentCount: number;
  blobs: string;
  blobCount: number;
  clips: number;
}

export interface SyncServiceOptions {
  /** Where to accept connections; 0.0.0.0 by default (other devices on the LAN). */
  host?: string;
  /** DEFAULT_SYNC_PORT by default, falling back to any free port when it is taken; 0 for any. */
  port?: number;
  /** The OS keychain, when reachable; the device key goes there (else into the library's vault). */
  keychain?: SecretStore | null;
  /** Whether to advertise and browse on the LAN by mDNS (off in tests unless asked). */
  discovery?: boolean;
  /** The port other devices should dial when it is not the listening one (a router or proxy forwards it here). */
  publicPort?: number;
}

interface PeerState {
  session: SecureSession;
  documents: PeerDocumentSync;
}

/**
 * Multi-device sync for one open library: this device's identity, the devices it trusts, the
 * port they connect to, connections out to them, and, per connection, the document exchange
 * (automerge-repo over DeviceNetworkAdapter, steered by PeerDocumentSync) and blob transfers.
 */
export class SyncService implements SyncControl {
  readonly #adapter = new DeviceNetworkAdapter();
  readonly #peers = new Map<string, PeerState>();
  readonly #retries = new RetrySchedule();
  readonly #redialTimers = new Map<string, NodeJS.Timeout>();
  readonly #listeners = new Set<() => void>();
  readonly #changedWhileAway = new Map<string, number>();
  readonly #knownPresent = new Set<string>();
  #changeTimer: NodeJS.Timeout | null = null;
  #blobWantTimer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #stops: (() => void)[] = [];
  #discovery: { close(): Promise<void> } | null = null;
  /** What the next pairing makes the other device: one's own (the default) or another person's. */
  #pairingRelation: DeviceRelation = 'own';
  #mirrorTimer: NodeJS.Timeout | null = null;
  readonly #mirrorIds = new Set<string>();
  #mirrorAll = false;

  private constructor(
    private readonly library: Library,
    readonly identity: DeviceIdentity,
    readonly keyStoreName: string,
    private readonly registry: DeviceRegistry,
    private readonly documents: SyncedDocuments,
    private readonly blobs: BlobSync,
    private readonly listener: SyncListener,
    private readonly pairing: PairingDesk,
    private readonly publicPort: number | null,
    /** People and shared collections: who each device is, what it may receive, role checks. */
    readonly sharing: SharingHub,
  ) {}

  static async start(library: Library, options: SyncServiceOptions = {}): Promise<SyncService> {
    const { identity, storeName } = await loadDeviceIdentity(library, options.keychain ?? null);
    // Where the device key is loaded, the audit log's head carries its signature too.
    library.audit.useDeviceKey(deviceHeadSigner(identity.keys.privateKey));
    const registry = new DeviceRegistry(library);
    const keyStore = deviceKeyStore(library, options.keychain ?? null);
    if (!keyStore) throw new Error('the device key store is not recorded');
    const sharing = await SharingHub.start(library, identity, registry, keyStore);
    const documents = new SyncedDocuments(library, sharing.collections);
    const vault = new LibraryVaultSecretStore(library);
    let partialKey = await vault.get(PARTIAL_KEY_ACCOUNT);
    if (partialKey === null) {
      partialKey = randomBytes(32).toString('base64');
      await vault.set(PARTIAL_KEY_ACCOUNT, partialKey);
    }
    let service: SyncService | null = null;
    // The parts below call back into the service, which exists only once they do.
    const self = (): SyncService => {
      if (!service) throw new Error('sync is still starting');
      return service;
    };
    const blobs = new BlobSync(library.blobs, {
      partialDir: path.join(library.paths.dir, 'sync-partial'),
      partialKey: Buffer.from(partialKey, 'base64'),
      // One's own devices may have any blob of the library; another person's, those of the collections shared with them.
      mayServe: (peerId, hash) => sharing.mayServeBlob(peerId, hash),
      onProgress: () => service && self().#changed(),
    });
    const host = options.host ?? '0.0.0.0';
    const handlers = {
      sync: (socket: WebSocket, address: string) => (service ? self().#accept(socket, address) : socket.terminate()),
      pair: (socket: WebSocket, address: string) => (service ? self().pairing.accept(socket, address) : socket.terminate()),
    };
    const listener = await listen(host, options.port, handlers);
    const pairing = new PairingDesk({
      self: () => ({ publicKey: identity.keys.publicKey, name: service?.deviceName ?? os.hostname(), syncPort: options.publicPort ?? listener.address.port }),
      addresses: () => self().#addresses(),
      track: () => listener.track(),
      paired: async (peer, address) => {
        const relation = self().#pairingRelation;
        const device = await registry.add(peer.publicKey, peer.name, peer.syncPort && address ? formatPeerAddress(address, peer.syncPort) : null, relation);
        library.audit.record({ kind: 'pair', actor: { type: 'device', id: device.peerId }, details: { peerId: device.peerId, fingerprint: device.fingerprint, address: device.address, relation } });
        self().#changed();
        if (device.address) self().#dial(device.address);
        return self().#view(device);
      },
      changed: () => service && self().#changed(),
      rateLimits: rateLimitsOf(library),
    });
    service = new SyncService(library, identity, storeName, registry, documents, blobs, listener, pairing, options.publicPort ?? null, sharing);
    service.#begin(options);
    return service;
  }

  #begin(options: SyncServiceOptions): void {
    this.library.repo.networkSubsystem.addNetworkAdapter(this.#adapter);
    this.#adapter.localDeviceId = this.identity.peerId;
    this.#adapter.admit = (peerId, documentId, bringsChanges) => {
      const admitted = this.#peers.get(peerId)?.documents.admit(documentId as DocumentId, bringsChanges) ?? null;
      // A collection's entries are judged against its access list: that must be here first.
      const acl = this.sharing.whenAclKnown(documentId);
      return acl ? Promise.all([admitted, acl]).then(() => undefined) : admitted;
    };
    this.#adapter.isLoaded = (documentId) => this.documents.isLoaded(documentId as DocumentId);
    this.#adapter.wantsWholeDocument = (documentId, heads) => heads.length === 0 || this.library.shards.isGenesis(documentId, heads);
    this.#adapter.mayShare = (peerId, documentId) => this.sharing.mayShare(peerId, documentId);
    this.#adapter.screen = (peerId, documentId, message) => this.sharing.screen(peerId, documentId, message);
    this.#adapter.inspectRefused = (peerId, documentId, message) => this.sharing.inspectRefused(peerId, documentId, message);
    this.library.setDevicePolicy(
      (peerId, documentId) => {
        if (!peerId.startsWith('device-')) return null;
        // Only a device connected right now through an authenticated session, and only documents
        // held loaded here: a device never makes this repo load (or create) a document by asking.
        if (!this.#adapter.has(peerId)) return false;
        // Another person's device: only the documents of the collections shared with that person.
        if (!this.sharing.mayShare(peerId, documentId)) return false;
        return this.documents.isLoaded(documentId);
      },
      // Between one's own devices, the side that accepted the connection opens each document's
      // exchange and the dialling side answers. When both open at once, each first sends its
      // heads alone, and every exchange takes a round more: three devices converging sent a fifth
      // more messages that way. Another person's device opens its own: what each side may hold
      // of the other's differs (a collection one has not seen yet is not one it could open).
      (peerId) => this.sharing.isForeign(peerId) || this.#peers.get(peerId)?.session.initiator === false,
    );
    this.#stops.push(
      this.documents.onChanged((state) => {
        for (const peer of this.#peers.values()) peer.documents.localChange(state);
        for (const device of this.registry.active()) {
          if (!this.#peers.has(device.peerId)) this.#changedWhileAway.set(device.peerId, (this.#changedWhileAway.get(device.peerId) ?? 0) + 1);
        }
        this.#changed();
      }),
      this.library.onIndexChanged((clipIds) => {
        this.#scheduleBlobWants();
        this.#scheduleMirror(clipIds);
      }),
      this.sharing.collections.onAclChanged((collection) => this.#accessChanged(collection)),
      this.sharing.collections.onEntriesChanged((collection, local) => {
        this.#scheduleBlobWants();
        if (!local && this.sharing.takeOthersEdits(collection)) this.#absorb(collection);
      }),
      this.sharing.onChange(() => this.#changed()),
    );
    this.library.blobs.setMissingBlobSource((hash) => this.blobs.fetch(hash));
    for (const device of this.registry.active()) if (device.address) this.#dial(device.address);
    if (options.discovery) {
      this.#startDiscovery().catch((error: unknown) => console.error(`ClipShot: LAN discovery is off: ${error instanceof Error ? error.message : String(error)}`));
    }
    this.#scheduleBlobWants();
  }

  get deviceName(): string {
    return readMeta(this.library.db, NAME_META_KEY) ?? os.hostname().slice(0, 64);
  }

  get originals(): 'on-demand' | 'all' {
    return readMeta(this.library.db, ORIGINALS_META_KEY) === 'all' ? 'all' : 'on-demand';
  }

  // ---- SyncControl ----

  status(): SyncStatus {
    const devices = this.registry.active().map((device) => this.#view(device));
    const blobProgress = this.blobs.progress;
    let documentsPending = 0;
    let documentsSynced = 0;
    let bytesReceived = 0;
    let bytesSent = 0;
    for (const peer of this.#peers.values()) {
      const progress = peer.documents.progress;
      documentsPending += progress.pending + (progress.started ? 0 : 1);
      documentsSynced += progress.synced;
      bytesReceived += peer.session.bytesReceived;
      bytesSent += peer.session.bytesSent;
    }
    const syncing = documentsPending > 0 || blobProgress.pending > 0 || blobProgress.inFlight > 0;
    return {
      device: this.#selfView(),
      listening: this.#addresses(),
      state: this.#peers.size === 0 && devices.length > 0 ? 'offline' : syncing ? 'syncing' : 'idle',
      progress: { documentsPending, documentsSynced, blobsPending: blobProgress.pending + blobProgress.inFlight, blobsFetched: blobProgress.fetched, bytesReceived, bytesSent },
      devices,
      originals: this.originals,
      sharing: this.sharing.guard.summary(),
    };
  }

  startPairing(options: { person?: boolean } = {}): PairingInvitationView {
    this.#pairingRelation = options.person ? 'person' : 'own';
    return this.pairing.start();
  }

  pairingState(): PairingInvitationView | null {
    return this.pairing.view();
  }

  cancelPairing(): void {
    this.pairing.cancel();
  }

  /** Resolves when the shown invitation stops waiting (paired, expired, exhausted, cancelled). */
  settled(): Promise<PairingInvitationView | null> {
    return this.pairing.settled();
  }

  async join(code: string, peer: string, options: { person?: boolean } = {}): Promise<DeviceView> {
    parsePairingCode(code);
    parsePeerAddress(peer);
    this.#pairingRelation = options.person ? 'person' : 'own';
    const socket = await openSocket(peer, PAIR_PATH);
    return this.pairing.join(socket, code, peer);
  }

  async unpair(wanted: string): Promise<DeviceView> {
    const device = await this.registry.revoke(this.registry.find(wanted).peerId);
    this.library.audit.record({ kind: 'unpair', actor: { type: 'device', id: this.identity.peerId }, details: { peerId: device.peerId, fingerprint: device.fingerprint } });
    const peer = this.#peers.get(device.peerId);
    peer?.session.close(CloseCode.revoked, 'unpaired');
    const timer = this.#redialTimers.get(device.peerId);
    if (timer) clearTimeout(timer);
    this.#changed();
    return this.#view(device);
  }

  async rename(name: string): Promise<DeviceView> {
    const checked = checkDeviceName(name);
    if (!checked.ok) throw Object.assign(new Error(checked.reason), { code: 'invalid-name' });
    await this.library.write(async () => writeMeta(this.library.db, NAME_META_KEY, checked.value));
    this.#changed();
    return this.#selfView();
  }

  async connect(peer: string): Promise<void> {
    const socket = await openSocket(peer);
    await this.#handshake(socket, 'initiator', parsePeerAddress(peer).host);
  }

  async setOriginals(mode: 'on-demand' | 'all'): Promise<void> {
    await this.library.write(async () => writeMeta(this.library.db, ORIGINALS_META_KEY, mode));
    this.#scheduleBlobWants();
    this.#changed();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * What two devices compare to know they hold the same library: a digest of every document's
   * heads and one of the blobs present here among those the clips refer to.
   */
  async digest(): Promise<LibraryDigest> {
    const empty = headsDigest([]);
    const documents = (await this.documents.states())
      .filter((state) => state.digest !== empty)
      .map((state) => `${state.id}:${state.digest}`)
      .sort();
    const { thumbnails, originals } = this.library.index.blobReferences();
    const present: string[] = [];
    for (const hash of new Set([...thumbnails, ...originals])) if (await this.library.blobs.has(hash)) present.push(hash);
    present.sort();
    return {
      documents: sha256(documents.join('\n')),
      documentCount: documents.length,
      blobs: sha256(present.join('\n')),
      blobCount: present.length,
      clips: this.library.index.allClipIds().length,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of this.#stops) stop();
    for (const timer of this.#redialTimers.values()) clearTimeout(timer);
    if (this.#changeTimer) clearTimeout(this.#changeTimer);
    if (this.#blobWantTimer) clearTimeout(this.#blobWantTimer);
    if (this.#mirrorTimer) clearTimeout(this.#mirrorTimer);
    this.pairing.cancel();
    for (const peer of this.#peers.values()) peer.session.close(CloseCode.goingAway, 'closing');
    await this.#discovery?.close().catch(() => undefined);
    await this.listener.close();
    this.library.blobs.setMissingBlobSource(null);
    await this.blobs.close();
    this.library.setDevicePolicy(null);
    this.library.repo.networkSubsystem.removeNetworkAdapter(this.#adapter);
    this.documents.close();
  }

  // ---- connections ----

  #accept(socket: WebSocket, address: string): void {
    this.#handshake(socket, 'responder', address).catch(() => undefined);
  }

  async #handshake(socket: WebSocket, role: 'initiator' | 'responder', host: string): Promise<void> {
    const done = this.listener.track();
    try {
      const hello: SessionHello = { v: 1, name: this.deviceName, storageId: (await this.library.repo.storageId()) ?? null, syncPort: this.publicPort ?? this.listener.address.port, person: this.sharing.certificate };
      const session = await establishSession(socket, { role, identity: this.identity, hello, isTrusted: (key) => this.registry.isTrusted(key) });
      done();
      // Another person's device must show its person's certificate; who it is decides what it may have.
      if (!(await this.sharing.admitSession(session.peerId, session.remoteKey, session.hello.person))) return session.close(CloseCode.untrusted, 'no valid person certificate');
      this.#register(session, host);
    } finally {
      done();
    }
  }

  #register(session: SecureSession, host: string): void {
    if (this.#closed) return session.close(CloseCode.goingAway, 'closing');
    const existing = this.#peers.get(session.peerId);
    if (existing && !existing.session.closed) {
      // Both sides dialled at once, or the link was re-established: both must keep the same one.
      const sameDirection = existing.session.initiator === session.initiator;
      const keepNew = sameDirection || initiatorOf(session, this.identity.peerId) < initiatorOf(existing.session, this.identity.peerId);
      if (!keepNew) return session.close(CloseCode.replaced, 'a connection already exists');
      this.#drop(session.peerId, existing);
      existing.session.close(CloseCode.replaced, 'replaced by a newer connection');
    }
    const documents = new PeerDocumentSync(
      this.documents,
      (message) => session.send(Channel.control, encodeJson(message)),
      () => this.#changed(),
      (id) => this.library.restartExchange(id, session.peerId as PeerId),
      (id, doc) => this.sharing.allowsDocument(session.peerId, id, doc),
    );
    const peer: PeerState = { session, documents };
    session.limitInbound(deviceInboundThrottle(rateLimitsOf(this.library), session.peerId));
    this.#peers.set(session.peerId, peer);
    this.#retries.succeeded(session.peerId);
    this.#changedWhileAway.delete(session.peerId);
    session.onMessage((channel, body) => {
      if (channel === Channel.repo) this.#adapter.receive(session, body);
      else if (channel === Channel.control) this.#control(session, documents, body);
      else this.blobs.receive(session.peerId, body);
    });
    session.onClose(() => {
      if (this.#peers.get(session.peerId) === peer) {
        this.#drop(session.peerId, peer);
        this.sharing.endSession(session.peerId);
      }
      const device = this.registry.get(session.peerId);
      if (!this.#closed && device?.revokedAt === null && device.address) this.#scheduleRedial(device);
    });
    this.#adapter.addSession(session);
    this.blobs.addPeer({ peerId: session.peerId, send: (message) => session.send(Channel.blobs, message) });
    const address = session.hello.syncPort ? formatPeerAddress(host, session.hello.syncPort) : null;
    void this.registry.seen(session.peerId, { address, name: session.hello.name }).catch(() => undefined);
    void documents.start().catch(() => session.close(CloseCode.protocol, 'the manifest could not be read'));
    // One's own devices come to hold one person key (SharingHub.receiveOffer).
    if (!this.sharing.isForeign(session.peerId)) session.send(Channel.control, encodeJson(this.sharing.offer()));
    this.#scheduleBlobWants();
    this.#changed();
  }

  #control(session: SecureSession, documents: PeerDocumentSync, body: Uint8Array): void {
    const message = JSON.parse(new TextDecoder().decode(body)) as { t?: unknown };
    if (message.t !== 'person') return documents.receive(documentMessageSchema.parse(message));
    const offer = message as PersonOffer;
    if (typeof offer.secret !== 'string' || typeof offer.inUse !== 'boolean') throw new Error('a malformed person offer');
    void this.sharing.receiveOffer(session.peerId, offer).catch((error: unknown) => console.error(`ClipShot: a person key could not be adopted: ${error instanceof Error ? error.message : String(error)}`));
  }

  /**
   * A collection's access list changed: devices that may now have its documents are told of them
   * (a new member learns of the collection), and the repo re-decides who syncs what.
   */
  #accessChanged(collection: string): void {
    for (const part of ['acl', 'entries'] as const) {
      const id = collectionDocumentId(collection, part);
      const digest = this.documents.digestOf(id);
      if (digest === null) continue;
      for (const peer of this.#peers.values()) peer.documents.announceNow({ id, doc: { kind: 'collection', collection, part }, digest });
    }
    this.library.repo.shareConfigChanged();
    this.#changed();
  }

  /** The library's edits to clips of shared collections this person owns or edits reach their entries. */
  #scheduleMirror(clipIds: string[] | null): void {
    if (this.#closed || this.sharing.collections.collectionIds().length === 0) return;
    if (clipIds === null) this.#mirrorAll = true;
    else for (const id of clipIds) this.#mirrorIds.add(id);
    if (this.#mirrorTimer) return;
    this.#mirrorTimer = setTimeout(() => {
      this.#mirrorTimer = null;
      const ids = this.#mirrorAll ? null : [...this.#mirrorIds];
      this.#mirrorAll = false;
      this.#mirrorIds.clear();
      this.sharing.collections.mirror(ids).catch((error: unknown) => console.error(`ClipShot: shared collections could not be updated: ${error instanceof Error ? error.message : String(error)}`));
    }, MIRROR_DELAY_MS);
    this.#mirrorTimer.unref();
  }

  /** Other members' accepted edits reach this library's own entries of the same clips. */
  #absorb(collection: string): void {
    this.sharing.collections
      .absorb(collection, async (clipId, edit) => {
        await this.library.changeClip(clipId, 'edit', (entry) => {
          if (entry.title.toString() !== edit.title) entry.title = new Automerge.ImmutableString(edit.title);
          if (entry.notes !== edit.notes) entry.notes = edit.notes;
        });
      })
      .catch((error: unknown) => console.error(`ClipShot: a shared collection's edits could not be taken in: ${error instanceof Error ? error.message : String(error)}`));
  }

  #drop(peerId: string, peer: PeerState): void {
    this.#peers.delete(peerId);
    peer.documents.close();
    this.#adapter.removeSession(peerId);
    this.blobs.removePeer(peerId);
    void this.registry.seen(peerId, {}).catch(() => undefined);
    this.#changed();
  }

  #dial(address: string): void {
    if (this.#closed) return;
    openSocket(address)
      .then((socket) => this.#handshake(socket, 'initiator', parsePeerAddress(address).host))
      .catch(() => {
        const device = this.registry.active().find((candidate) => candidate.address === address);
        if (device && !this.#peers.has(device.peerId)) this.#scheduleRedial(device);
      });
  }

  #scheduleRedial(device: PairedDevice): void {
    if (this.#closed || this.#redialTimers.has(device.peerId)) return;
    const timer = setTimeout(() => {
      this.#redialTimers.delete(device.peerId);
      const current = this.registry.get(device.peerId);
      if (current?.revokedAt === null && current.address && !this.#peers.has(device.peerId)) this.#dial(current.address);
    }, this.#retries.nextDelay(device.peerId));
    timer.unref();
    this.#redialTimers.set(device.peerId, timer);
  }

  async #startDiscovery(): Promise<void> {
    const { MdnsDiscovery } = await import('./discovery/mdns-discovery.js');
    const discovery = MdnsDiscovery.start({ peerId: this.identity.peerId, name: this.deviceName, port: this.listener.address.port });
    this.#discovery = discovery;
    discovery.onDevice((found) => {
      const device = this.registry.get(found.peerId);
      if (!device || device.revokedAt !== null || this.#peers.has(found.peerId)) return;
      const address = found.addresses[0];
      if (address) this.#dial(address);
    });
  }

  // ---- blobs ----

  #scheduleBlobWants(): void {
    if (this.#blobWantTimer || this.#closed) return;
    this.#blobWantTimer = setTimeout(() => {
      this.#blobWantTimer = null;
      void this.#wantBlobs();
    }, BLOB_WANT_DELAY_MS);
    this.#blobWantTimer.unref();
  }

  async #wantBlobs(): Promise<void> {
    if (this.#peers.size === 0) return;
    const library = this.library.index.blobReferences();
    const shared = this.sharing.collections.blobReferences();
    const thumbnails = [...library.thumbnails, ...shared.thumbnails];
    const originals = [...library.originals, ...shared.originals];
    const wanted = this.originals === 'all' ? [...thumbnails, ...originals] : thumbnails;
    const missing: string[] = [];
    for (const hash of wanted) {
      if (this.#knownPresent.has(hash)) continue;
      if (await this.library.blobs.has(hash)) this.#knownPresent.add(hash);
      else missing.push(hash);
    }
    if (missing.length === 0) return;
    this.blobs.want(missing);
    // Another device may be fetching them itself right now (three devices, one in the middle):
    // ask again in a while rather than wait for the next change.
    setTimeout(() => this.#scheduleBlobWants(), BLOB_RETRY_MS).unref();
  }

  // ---- views ----

  #changed(): void {
    if (this.#changeTimer || this.#closed) return;
    this.#changeTimer = setTimeout(() => {
      this.#changeTimer = null;
      for (const listener of this.#listeners) listener();
    }, CHANGE_EVENT_MS);
    this.#changeTimer.unref();
  }

  #view(device: PairedDevice): DeviceView {
    const peer = this.#peers.get(device.peerId);
    return {
      id: device.peerId,
      name: device.name,
      fingerprint: device.fingerprint,
      self: false,
      online: peer !== undefined,
      lastSeenAt: peer ? Date.now() : device.lastSeenAt,
      pairedAt: device.pairedAt,
      address: device.address,
      pendingChanges: peer ? peer.documents.progress.pending : (this.#changedWhileAway.get(device.peerId) ?? 0),
    };
  }

  #selfView(): DeviceView {
    return {
      id: this.identity.peerId,
      name: this.deviceName,
      fingerprint: deviceFingerprint(this.identity.keys.publicKey),
      self: true,
      online: true,
      lastSeenAt: Date.now(),
      pairedAt: 0,
      address: this.#addresses()[0] ?? null,
      pendingChanges: 0,
    };
  }

  #addresses(): string[] {
    const { host } = this.listener.address;
    const port = this.publicPort ?? this.listener.address.port;
    if (host !== '0.0.0.0' && host !== '::') return [formatPeerAddress(host, port)];
    const found: string[] = [];
    for (const entries of Object.values(os.networkInterfaces())) {
      for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) found.push(formatPeerAddress(entry.address, port));
    }
    return found.length > 0 ? found : [formatPeerAddress('127.0.0.1', port)];
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function initiatorOf(session: SecureSession, self: string): string {
  return session.initiator ? self : session.peerId;
}

async function listen(host: string, port: number | undefined, handlers: Parameters<typeof SyncListener.start>[2]): Promise<SyncListener> {
  if (port !== undefined) return SyncListener.start(host, port, handlers);
  try {
    return await SyncListener.start(host, DEFAULT_SYNC_PORT, handlers);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return SyncListener.start(host, 0, handlers);
  }
}

