// serve's /sync sockets (each browser tab's automerge-repo) under a message and a byte budget of
// their own. Over either, the socket is closed: the tab's adapter reconnects by itself and its
// Repo, which holds every edit made in the tab, syncs again what the core is missing.
import { WebSocket, type RawData } from 'ws';
import type { RateLimitName } from '../../contract/rate-limits.js';
import type { Admission } from '../security/rate-limit/keyed-limiter.js';
import type { RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';
import { CloseCode } from '../sync/connection/wire.js';

/** The code a tab's sync socket is closed with when over its budget: the one paired devices get. */
export const SYNC_SOCKET_RATE_LIMITED = CloseCode.rateLimited;
/** A client that never answers the close must not keep the socket. */
const CLOSE_GRACE_MS = 2_000;

/**
 * A server-side socket whose incoming messages pass a gate before any listener hears them. ws hands
 * every 'message' listener the same message, so a listener of our own could neither keep the repo's
 * adapter from reading the message over the limit nor the ones ws had already parsed from the same
 * read. Made by the WebSocketServer (its `WebSocket` option), so nothing else changes.
 */
export class GatedWebSocket extends WebSocket {
  #gate: ((data: RawData) => boolean) | null = null;

  /** `gate` false: the message is dropped, unheard. */
  gateMessages(gate: (data: RawData) => boolean): void {
    this.#gate = gate;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message' && this.#gate && !this.#gate(args[0] as RawData)) return false;
    return super.emit(event, ...args);
  }
}

let socketCount = 0;

/**
 * Gives one /sync socket its buckets ('serve-sync-messages', 'serve-sync-bytes'). The first
 * message over either closes the socket (SYNC_SOCKET_RATE_LIMITED, the reason naming which) and is
 * audited; neither it nor anything after it reaches the repo.
 */
export function limitSyncSocket(socket: GatedWebSocket, limits: RateLimitPolicy): void {
  const key = `serve-sync-${++socketCount}`;
  const messages = limits.limiter('serve-sync-messages');
  const bytes = limits.limiter('serve-sync-bytes');
  let over = false;
  socket.gateMessages((data) => {
    if (over) return false;
    const refused = overBudget(messages.admit(key), 'serve-sync-messages', 'too many messages') ?? overBudget(bytes.admit(key, Math.max(1, byteLength(data))), 'serve-sync-bytes', 'too much data');
    if (!refused) return true;
    over = true;
    const { limit, what, retryAfterMs } = refused;
    limits.tripped({ limit, key, actor: { type: 'device', id: key }, action: 'disconnected', retryAfterMs });
    socket.close(SYNC_SOCKET_RATE_LIMITED, `over its sync budget: ${what}`);
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    return false;
  });
  socket.once('close', () => {
    messages.forget(key);
    bytes.forget(key);
  });
}

function overBudget(admission: Admission, limit: RateLimitName, what: string): { limit: RateLimitName; what: string; retryAfterMs: number } | null {
  return admission.ok ? null : { limit, what, retryAfterMs: admission.retryAfterMs };
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, part) => total + part.byteLength, 0);
  return data.byteLength;
}
