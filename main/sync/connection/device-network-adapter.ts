import { decodeSyncMessage } from '@automerge/automerge';
import { cbor, NetworkAdapter, type Message, type PeerId, type PeerMetadata } from '@automerge/automerge-repo';
import { Channel } from './wire.js';
import type { SecureSession } from './secure-session.js';
import { syncMessageHeads, withoutCapabilities } from './sync-message-layout.js';

const MESSAGE_TYPES = new Set(['sync', 'request', 'doc-unavailable', 'ephemeral', 'remote-subscription-change', 'remote-heads-changed']);

/**
 * automerge-repo's network for other devices: each peer is one authenticated SecureSession, and
 * its peer id is the one derived from its key. A message whose sender is not the session's own
 * device, or not addressed to this one, or not shaped like automerge-repo's, is dropped.
 */
export class DeviceNetworkAdapter extends NetworkAdapter {
  readonly #sessions = new Map<PeerId, SecureSession>();
  #ready = false;
  #readyResolve: (() => void) | null = null;
  readonly #readyPromise = new Promise<void>((resolve) => (this.#readyResolve = resolve));
  /** Messages dropped as malformed or forged, for `sync status` and the tests. */
  dropped = 0;
  /**
   * The peer id other devices know this one by (derived from its key). The repo has its own
   * (windows know it); on the wire to devices it is always this one, so the peer id a device
   * sees is bound to the key it authenticated.
   */
  localDeviceId: string | null = null;
  /**
   * Called before a device's message about a document is handed to the repo; a promise delays
   * it until the document is loaded. automerge-repo answers a message about a document that is
   * not loaded with "unavailable", and the sender, counting its changes as sent, never sends them
   * again: the two would stay apart until the document is loaded afresh.
   */
  admit: ((peerId: string, documentId: string, bringsChanges: () => boolean) => Promise<void> | null) | null = null;
  /**
   * Whether a document is loaded here. A device's "unavailable" about one that is not is dropped:
   * the repo would answer it with an "unavailable" of its own, and two devices that had both let
   * the document go bounced those between them until one loaded it again (thousands of messages
   * while three devices synced).
   */
  isLoaded: ((documentId: string) => boolean) | null = null;
  /**
   * Whether a device may have anything of a document at all (another person's device: only the
   * documents of collections shared with them). A message about any other document is dropped
   * unanswered, either way: asking by id gets nothing, not even "unavailable".
   */
  mayShare: ((peerId: string, documentId: string) => boolean) | null = null;
  /**
   * Looks at a device's message about a document just before the repo gets it: returns it, a
   * changed copy (changes kept out), or null to deliver nothing. Shared collections' role checks.
   */
  screen: ((peerId: string, documentId: string, message: Message) => Message | null) | null = null;
  /** Sees a message refused by mayShare before it is dropped (a revoked member's changes are still reported). */
  inspectRefused: ((peerId: string, documentId: string, message: Message) => void) | null = null;
  /**
   * Whether this device would rather receive a document whole than as changes, given the heads
   * (hex) it holds: yes for one it holds nothing of yet. Otherwise its messages about the document
   * stop advertising Automerge's version-2 messages, and the peer sends only the changes missing
   * here. Automerge sends the whole document once more than a third of its changes are missing,
   * and a device that holds most of it then reads all of it again for the few it lacked: three
   * devices converging sent a whole document in nearly every exchange.
   */
  wantsWholeDocument: ((documentId: string, heads: readonly string[]) => boolean) | null = null;
  /** Messages about documents a device may not have, dropped (see mayShare). */
  refused = 0;
  /** Per peer and document, the last message waiting to be admitted: later ones queue behind it. */
  readonly #waiting = new Map<string, Promise<void>>();

  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return this.#readyPromise;
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata;
    this.#ready = true;
    this.#readyResolve?.();
  }

  disconnect(): void {
    for (const peerId of [...this.#sessions.keys()]) this.removeSession(peerId);
  }

  has(peerId: string): boolean {
    return this.#sessions.has(peerId as PeerId);
  }

  /** Makes the session's device a peer of the repo until removeSession (or the session closes). */
  addSession(session: SecureSession): void {
    const peerId = session.peerId as PeerId;
    this.#sessions.set(peerId, session);
    // Ephemeral: automerge-repo then keeps no sync state for the device between loads of a
    // document. Documents here are loaded and let go again and again while devices sync, and a
    // sync state saved mid-exchange (changes sent but never received) was loaded with the
    // document each time, and two devices then sent each other the same changes forever.
    const peerMetadata: PeerMetadata = { isEphemeral: true };
    this.emit('peer-candidate', { peerId, peerMetadata });
  }

  removeSession(peerId: string): void {
    if (!this.#sessions.delete(peerId as PeerId)) return;
    this.emit('peer-disconnected', { peerId: peerId as PeerId });
  }

  /** A channel-0 message from a session: decoded, checked, and handed to the repo. */
  receive(session: SecureSession, body: Uint8Array): void {
    if (this.#sessions.get(session.peerId as PeerId) !== session) return;
    const message = this.#validate(session, body);
    if (!message) {
      this.dropped += 1;
      return;
    }
    const documentId = 'documentId' in message ? message.documentId : undefined;
    if (documentId === undefined) return void this.emit('message', message);
    const key = `${session.peerId} ${documentId}`;
    const before = this.#waiting.get(key);
    if (message.type === 'doc-unavailable') {
      // It brings nothing to load a document for; behind a waiting message, the document is loaded by then.
      if (!before && this.isLoaded?.(documentId) === false) return;
      if (!before) return void this.#deliver(session.peerId, documentId, message);
    }
    const admitted = message.type === 'doc-unavailable' ? null : (this.admit?.(session.peerId, documentId, () => bringsChanges(message)) ?? null);
    if (!before && !admitted) return void this.#deliver(session.peerId, documentId, message);
    const delivered = Promise.all([before, admitted])
      .catch(() => undefined)
      .then(() => {
        if (this.#waiting.get(key) === delivered) this.#waiting.delete(key);
        if (this.#sessions.get(session.peerId as PeerId) === session) this.#deliver(session.peerId, documentId, message);
      });
    this.#waiting.set(key, delivered);
  }

  #deliver(peerId: string, documentId: string, message: Message): void {
    // Decided at delivery, not on arrival: a document this device is loading for the peer (admit)
    // counts once loaded, and a role may have changed while the message waited.
    if (this.mayShare && !this.mayShare(peerId, documentId)) {
      this.refused += 1;
      this.inspectRefused?.(peerId, documentId, message);
      return;
    }
    const screened = this.screen ? this.screen(peerId, documentId, message) : message;
    if (screened) this.emit('message', screened);
  }

  #validate(session: SecureSession, body: Uint8Array): Message | null {
    let decoded: unknown;
    try {
      decoded = cbor.decode(body);
    } catch {
      return null;
    }
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return null;
    const message = decoded as Record<string, unknown>;
    if (typeof message.type !== 'string' || !MESSAGE_TYPES.has(message.type)) return null;
    if (message.senderId !== session.peerId || message.targetId !== this.localDeviceId || !this.peerId) return null;
    if ('documentId' in message && (typeof message.documentId !== 'string' || message.documentId.length > 100)) return null;
    if ('data' in message && !(message.data instanceof Uint8Array)) return null;
    return { ...message, targetId: this.peerId } as unknown as Message;
  }

  send(message: Message): void {
    const session = this.#sessions.get(message.targetId);
    if (!session || session.closed) return;
    if (!this.localDeviceId) return;
    // However the repo came to sync it (a share revoked mid-exchange), nothing of a document a device may not have leaves.
    if ('documentId' in message && message.documentId !== undefined && this.mayShare && !this.mayShare(message.targetId, message.documentId)) return;
    session.send(Channel.repo, cbor.encode({ ...this.#advertising(message), senderId: this.localDeviceId }));
  }

  /** The message as it should go, advertising version-2 messages only when wantsWholeDocument says so. */
  #advertising(message: Message): Message {
    if (!this.wantsWholeDocument || (message.type !== 'sync' && message.type !== 'request') || !message.data || message.documentId === undefined) return message;
    const heads = syncMessageHeads(message.data);
    if (heads === null || this.wantsWholeDocument(message.documentId, heads)) return message;
    return { ...message, data: withoutCapabilities(message.data) };
  }
}

function bringsChanges(message: Message): boolean {
  if ((message.type !== 'sync' && message.type !== 'request') || !('data' in message) || !message.data) return false;
  try {
    return decodeSyncMessage(message.data).changes.length > 0;
  } catch {
    // Malformed: the repo refuses it either way.
    return false;
  }
}
