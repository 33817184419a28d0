// What every sync connection shares: its paths, its limits, and the channels inside it.

export const SYNC_PATH = '/clipshot/sync';
export const PAIR_PATH = '/clipshot/pair';

/** Largest WebSocket frame either side accepts; a bigger one closes the connection. */
export const MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** A connection must finish its handshake within this, or it is dropped. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Pings keep a connection honest through a link that silently stopped carrying traffic. */
export const KEEPALIVE_MS = 10_000;

export const NOISE_PROLOGUE = new TextEncoder().encode('clipshot-sync-1');

/** The first byte of every decrypted message says which part of sync it is for. */
export const Channel = {
  /** automerge-repo messages, CBOR as automerge-repo's own adapters send them. */
  repo: 0,
  /** Sync control: the hello, document manifests and changes (JSON). */
  control: 1,
  /** Blob transfers (main/sync/blobs). */
  blobs: 2,
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

export function isChannel(value: number): value is Channel {
  return value === Channel.repo || value === Channel.control || value === Channel.blobs;
}

/** WebSocket close codes the sync layer uses (4000–4999 are the application's). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  handshakeFailed: 4001,
  untrusted: 4003,
  protocol: 4002,
  replaced: 4004,
  revoked: 4005,
  /** Over a rate limit: too many pairing attempts, or a device over its sync budget for too long. */
  rateLimited: 4006,
} as const;
