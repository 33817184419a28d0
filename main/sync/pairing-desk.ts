import type { WebSocket } from 'ws';
import { pairingLink, type DeviceView, type PairingInvitationView } from '../../contract/devices.js';
import { toBytes } from './connection/secure-session.js';
import { CloseCode } from './connection/wire.js';
import { joinPairing, PairingInvitation, type PairingIdentity, type PairingTransport } from './pairing/pairing-session.js';
import { encodePairingMessage } from './pairing/pairing-messages.js';
import type { RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';

const JOIN_TIMEOUT_MS = 30_000;

export interface PairingDeskOptions {
  /** This device as the other will record it. */
  self(): PairingIdentity;
  /** Where the other device can reach this one (shown with the code). */
  addresses(): string[];
  /** Counts a connection as unauthenticated until the returned function is called. */
  track(): () => void;
  /** Trusts the paired device (address: its HOST as seen here, or the one it was joined at). */
  paired(peer: PairingIdentity, address: string | null): Promise<DeviceView>;
  changed(): void;
  /** Pairing attempts per source address and in all ('pairing-address', 'pairing-all'); none without it. */
  rateLimits?: RateLimitPolicy;
}

/**
 * Both sides of pairing for a running instance: at most one invitation shown at a time (a new one
 * replaces it), connections to the pairing path handed to it, and joining another device's.
 */
export class PairingDesk {
  #invitation: PairingInvitation | null = null;
  #device: DeviceView | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(private readonly options: PairingDeskOptions) {}

  start(): PairingInvitationView {
    this.#invitation?.cancel();
    this.#invitation = new PairingInvitation();
    this.#device = undefined;
    const invitation = this.#invitation;
    // Expiry is a state change the person should see without asking.
    setTimeout(() => this.#notify(), Math.max(0, invitation.expiresAt - Date.now()) + 50).unref();
    this.#notify();
    return this.view()!;
  }

  view(): PairingInvitationView | null {
    const invitation = this.#invitation;
    if (!invitation) return null;
    const addresses = this.options.addresses();
    return {
      code: invitation.code,
      expiresAt: invitation.expiresAt,
      addresses,
      link: pairingLink(invitation.code, addresses[0] ?? ''),
      state: invitation.state,
      attemptsLeft: invitation.attemptsLeft,
      ...(this.#device ? { device: this.#device } : {}),
    };
  }

  cancel(): void {
    this.#invitation?.cancel();
    this.#notify();
  }

  /** Resolves when the invitation is no longer waiting (paired, expired, exhausted or cancelled). */
  settled(): Promise<PairingInvitationView | null> {
    return new Promise((resolve) => {
      const check = () => {
        const view = this.view();
        if (view?.state === 'waiting') return false;
        this.#waiters.delete(check as () => void);
        resolve(view);
        return true;
      };
      if (!check()) this.#waiters.add(check as () => void);
    });
  }

  /** An incoming connection on the pairing path. */
  accept(socket: WebSocket, address: string): void {
    if (!this.#admit(address)) {
      // Told in the protocol's own words, so the other device says why rather than "the connection closed".
      socket.send(encodePairingMessage({ type: 'abort', reason: 'rate-limited' }));
      socket.close(CloseCode.rateLimited, 'too many pairing attempts');
      return;
    }
    const invitation = this.#invitation;
    if (!invitation || invitation.state !== 'waiting') {
      socket.close(CloseCode.untrusted, 'no pairing code is being shown');
      return;
    }
    const done = this.options.track();
    invitation
      .accept(socketTransport(socket), this.options.self())
      .then(async (peer) => {
        this.#device = await this.options.paired(peer, address);
      })
      .catch(() => undefined)
      .finally(() => {
        done();
        socket.close(CloseCode.normal, 'done');
        this.#notify();
      });
  }

  /** Pairs with the device showing `code`, through a socket opened to its pairing path. */
  async join(socket: WebSocket, code: string, peerAddress: string): Promise<DeviceView> {
    try {
      const peer = await joinPairing(socketTransport(socket), code, this.options.self(), { timeoutMs: JOIN_TIMEOUT_MS });
      const host = peerAddress.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
      return await this.options.paired({ ...peer, syncPort: peer.syncPort ?? Number(peerAddress.split(':').pop()) }, host);
    } finally {
      socket.close(CloseCode.normal, 'done');
    }
  }

  /**
   * Every connection is an attempt, with or without a code shown: per address first (one
   * neighbour trying codes), then in all (many addresses at once), so one address over its budget
   * does not spend the others'.
   */
  #admit(address: string): boolean {
    const limits = this.options.rateLimits;
    if (!limits) return true;
    for (const [limit, key] of [['pairing-address', address], ['pairing-all', 'all']] as const) {
      const admission = limits.limiter(limit).admit(key);
      if (admission.ok) continue;
      limits.tripped({ limit, key: address, actor: { type: 'device', id: `pairing from ${address}` }, action: 'refused', retryAfterMs: admission.retryAfterMs });
      return false;
    }
    return true;
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
    this.options.changed();
  }
}

function socketTransport(socket: WebSocket): PairingTransport {
  return {
    send: (message) => socket.send(message),
    onMessage: (listener) =>
      socket.on('message', (data, isBinary) => {
        if (isBinary) listener(toBytes(data));
        else socket.close(CloseCode.protocol, 'text frame');
      }),
    onClose: (listener) => socket.on('close', () => listener()),
    close: () => socket.close(CloseCode.normal, 'done'),
  };
}

