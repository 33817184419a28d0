// The typed contract of multi-device sync, shared by the core, the CLI, the API and the renderer.
import type { SharingControl } from './sharing.js';

/** A device this library syncs with (or this device itself, with `self: true`). */
export interface DeviceView {
  /** Stable id: the device's automerge-repo peer id, derived from its long-term public key. */
  id: string;
  name: string;
  /** What a person compares on both screens: groups of the public key's SHA-256, e.g. "K7QH-2M4X-9PLC-WW3E". */
  fingerprint: string;
  self: boolean;
  online: boolean;
  /** ms since the epoch; null when never connected since pairing. */
  lastSeenAt: number | null;
  pairedAt: number;
  /** The last address it was reached at or advertised (HOST:PORT); null when unknown. */
  address: string | null;
  /** Documents and blobs changed here that this device has not yet confirmed (an estimate while offline). */
  pendingChanges: number;
}

export type SyncState = 'idle' | 'syncing' | 'offline';

export interface SyncProgress {
  /** Documents whose heads differ from a connected peer's and are being exchanged. */
  documentsPending: number;
  documentsSynced: number;
  /** Blobs this device wants (thumbnails eagerly, originals on demand or all) and does not have yet. */
  blobsPending: number;
  blobsFetched: number;
  bytesReceived: number;
  bytesSent: number;
}

export interface SyncStatus {
  device: DeviceView;
  /** Where other devices reach this one (HOST:PORT), empty when not listening. */
  listening: string[];
  state: SyncState;
  progress: SyncProgress;
  devices: DeviceView[];
  /** 'on-demand' fetches originals when opened; 'all' keeps every original here (a home server). */
  originals: 'on-demand' | 'all';
  /** Shared collections: changes kept out because their author's role did not allow them. */
  sharing?: { rejectedChanges: number; lastRejectedAt: number | null };
}

export type PairingState = 'waiting' | 'paired' | 'expired' | 'exhausted' | 'cancelled';

/** An invitation this device shows so another can pair with it. */
export interface PairingInvitationView {
  code: string;
  expiresAt: number;
  /** HOST:PORT addresses the other device can use with `clipshot pair CODE --peer HOST:PORT`. */
  addresses: string[];
  /** What the QR code encodes: clipshot://pair?code=CODE&peer=HOST:PORT */
  link: string;
  state: PairingState;
  attemptsLeft: number;
  /** Set once state is 'paired'. */
  device?: DeviceView;
}

/** The sync subsystem as the CLI, the API and the app see it. */
export interface SyncControl {
  status(): SyncStatus;
  /** Starts an invitation (replacing a waiting one). */
  startPairing(): PairingInvitationView;
  pairingState(): PairingInvitationView | null;
  cancelPairing(): void;
  /** Pairs with the device showing `code` at `peer` (HOST:PORT); resolves with that device. */
  join(code: string, peer: string): Promise<DeviceView>;
  /** Revokes a device by id, fingerprint or name: its connections close and it is refused from then on. */
  unpair(device: string): Promise<DeviceView>;
  rename(name: string): Promise<DeviceView>;
  /** Connects to a device at HOST:PORT now (a paired device's address, or a home server). */
  connect(peer: string): Promise<void>;
  setOriginals(mode: 'on-demand' | 'all'): Promise<void>;
  /** People and shared collections (absent where sync has no sharing). */
  readonly sharing?: SharingControl;
  /** Called (coalesced) whenever status or the invitation changes. */
  onChange(listener: () => void): () => void;
}

export const PAIRING_LINK_PREFIX = 'clipshot://pair';

export function pairingLink(code: string, peer: string): string {
  return `${PAIRING_LINK_PREFIX}?code=${encodeURIComponent(code)}&peer=${encodeURIComponent(peer)}`;
}
