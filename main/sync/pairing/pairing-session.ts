// Pairing two devices with a short code: CPace with explicit key confirmation, then each side's
// identity (long-term public key, name, sync port) sealed under the PAKE key.
//
//   joiner → inviter   hello     sid, Ya
//   inviter → joiner   share     Yb, macI            (the inviter proves the code; an attempt is used now)
//   joiner → inviter   confirm   macJ, sealed joiner identity   (only after macI checked out)
//   inviter → joiner   identity  sealed inviter identity        (only after macJ checked out)
//
// The joiner is CPace's initiator (its share goes first, and it picks the sid); the inviter is the
// responder. The inviter reveals nothing about itself before the joiner has proven the code, and the
// joiner nothing before the inviter has. Every share the inviter sends costs one of the invitation's
// attempts unless that session ends paired: whoever receives a share can test exactly one guess
// against it, so a session that vanishes, stalls or sends garbage after the share is a wrong attempt.
import { randomBytes } from 'node:crypto';
import type { PairingState } from '../../../contract/devices.js';
import { CpaceError, cpaceStart } from '../crypto/cpace.js';
import { bytesEqual } from '../crypto/primitives.js';
import { PairingChannel } from './pairing-channel.js';
import type { PairingTransport } from './pairing-channel.js';
import { formatPairingCode, generatePairingCode, parsePairingCode } from './pairing-code.js';
import { PairingError } from './pairing-error.js';
import { derivePairingKeys, macMatches, openIdentity, PAIRING_LABEL, sealIdentity } from './pairing-keys.js';
import { assertValidIdentity, decodeIdentity, encodeIdentity, PAIRING_SID_BYTES } from './pairing-messages.js';
import type { PairingIdentity } from './pairing-messages.js';

export { PairingError } from './pairing-error.js';
export type { PairingErrorCode } from './pairing-error.js';
export type { PairingTransport } from './pairing-channel.js';
export type { PairingIdentity } from './pairing-messages.js';

export const DEFAULT_PAIRING_TTL_MS = 5 * 60_000;
export const DEFAULT_PAIRING_MAX_ATTEMPTS = 3;
/** How long one pairing conversation may take, from connection to identities exchanged. */
export const DEFAULT_PAIRING_TIMEOUT_MS = 30_000;

export interface PairingInvitationOptions {
  ttlMs?: number;
  maxAttempts?: number;
  /** The clock expiry is measured on (injected by tests). */
  now?: () => number;
  /** A given code instead of a random one (tests; any form parsePairingCode accepts). */
  code?: string;
}

export interface PairingSessionOptions {
  timeoutMs?: number;
}

function positive(value: number, what: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${what} must be a positive number, got ${value}`);
  return value;
}

function asPairingError(error: unknown): PairingError {
  if (error instanceof PairingError) return error;
  if (error instanceof CpaceError) return new PairingError('protocol', error.message, { cause: error });
  return new PairingError('protocol', `pairing failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** The code's digits as CPace's password string: the same bytes however the person typed the code. */
function passwordString(code: string): Uint8Array {
  return new TextEncoder().encode(parsePairingCode(code));
}

function refuseOwnKey(peer: PairingIdentity, self: PairingIdentity): void {
  if (bytesEqual(peer.publicKey, self.publicKey)) throw new PairingError('protocol', 'the other device presented this device’s own key');
}

/**
 * Validates the caller's own arguments before anything is sent; a bad one is the caller's mistake,
 * so the transport is closed and the error thrown as it is. Returns the conversation's timeout.
 */
function checkArguments(transport: PairingTransport, self: PairingIdentity, options: PairingSessionOptions): number {
  try {
    assertValidIdentity(self);
    return positive(options.timeoutMs ?? DEFAULT_PAIRING_TIMEOUT_MS, 'timeoutMs');
  } catch (error) {
    transport.close();
    throw error;
  }
}

/** An invitation this device shows: one code, valid for a while and for a few wrong tries, pairing at most one device. */
export class PairingInvitation {
  readonly code: string;
  readonly expiresAt: number;
  readonly #prs: Uint8Array;
  readonly #now: () => number;
  readonly #maxAttempts: number;
  #wrongAttempts = 0;
  #cancelled = false;
  #paired: PairingIdentity | null = null;
  #current: PairingChannel | null = null;

  constructor(options: PairingInvitationOptions = {}) {
    const ttlMs = positive(options.ttlMs ?? DEFAULT_PAIRING_TTL_MS, 'ttlMs');
    const maxAttempts = options.maxAttempts ?? DEFAULT_PAIRING_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
    this.#now = options.now ?? Date.now;
    this.#maxAttempts = maxAttempts;
    this.code = options.code === undefined ? generatePairingCode() : formatPairingCode(options.code);
    this.#prs = passwordString(this.code);
    this.expiresAt = this.#now() + ttlMs;
  }

  get state(): PairingState {
    if (this.#paired) return 'paired';
    if (this.#cancelled) return 'cancelled';
    if (this.#wrongAttempts >= this.#maxAttempts) return 'exhausted';
    // A conversation that started in time may finish after the expiry.
    if (!this.#current && this.#now() >= this.expiresAt) return 'expired';
    return 'waiting';
  }

  get attemptsLeft(): number {
    return Math.max(0, this.#maxAttempts - this.#wrongAttempts);
  }

  /** The device this invitation paired with, once paired. */
  get pairedWith(): PairingIdentity | null {
    return this.#paired;
  }

  /**
   * Runs the inviter's side over one incoming connection; resolves with the joiner's identity once it
   * proved the code. Rejects with a PairingError (and tells the joiner why, then closes).
   */
  async accept(transport: PairingTransport, self: PairingIdentity, options: PairingSessionOptions = {}): Promise<PairingIdentity> {
    const channel = new PairingChannel(transport, checkArguments(transport, self, options));
    const refusal = this.#refusal();
    if (refusal) throw channel.fail(refusal);

    this.#current = channel;
    let shareSent = false;
    try {
      const hello = await channel.expect('hello');
      if (this.#now() >= this.expiresAt) throw new PairingError('expired');
      const cpace = cpaceStart({ role: 'responder', prs: this.#prs, sid: hello.sid, ci: PAIRING_LABEL });
      const keys = derivePairingKeys(cpace.finish(hello.share), hello.sid, hello.share, cpace.share);
      // From here on the joiner can test one guess: the attempt counts unless this session pairs.
      shareSent = true;
      channel.send({ type: 'share', share: cpace.share, mac: keys.mac.inviter });

      const confirm = await channel.expect('confirm');
      if (!macMatches(keys, 'joiner', confirm.mac)) throw new PairingError('wrong-code', 'the other device does not know the pairing code');
      const joiner = decodeIdentity(openIdentity(keys, 'joiner', confirm.sealedIdentity));
      refuseOwnKey(joiner, self);
      this.#paired = joiner;
      channel.send({ type: 'identity', sealedIdentity: sealIdentity(keys, 'inviter', encodeIdentity(self)) });
      channel.finish();
      return joiner;
    } catch (error) {
      let failure = channel.fail(asPairingError(error));
      if (shareSent && failure.code === 'cancelled' && !this.#cancelled) {
        failure = new PairingError('wrong-code', 'the other device left without proving it knows the code (counted as a wrong attempt)', { cause: failure });
      }
      throw failure;
    } finally {
      this.#current = null;
      if (shareSent && !this.#paired) this.#wrongAttempts += 1;
    }
  }

  /** Ends the invitation: a conversation under way is told and closed, later ones are refused. No effect once paired. */
  cancel(): void {
    if (this.#paired) return;
    this.#cancelled = true;
    this.#current?.fail(new PairingError('cancelled', 'the invitation was cancelled'));
  }

  #refusal(): PairingError | null {
    switch (this.state) {
      case 'paired': return new PairingError('expired', 'this pairing code has already been used');
      case 'cancelled': return new PairingError('cancelled', 'the invitation was cancelled');
      case 'exhausted': return new PairingError('exhausted');
      case 'expired': return new PairingError('expired');
      case 'waiting': return this.#current ? new PairingError('busy') : null;
    }
  }
}

/**
 * Runs the joiner's side: proves `code` to the device at the other end of `transport` and resolves with
 * that device's identity. Rejects with a PairingError: 'invalid-code' before anything is sent,
 * 'wrong-code' when the other device's proof does not match the code, or the reason the other side gave.
 */
export async function joinPairing(transport: PairingTransport, code: string, self: PairingIdentity, options: PairingSessionOptions = {}): Promise<PairingIdentity> {
  let prs: Uint8Array;
  try {
    prs = passwordString(code);
  } catch (error) {
    transport.close();
    throw error;
  }
  const channel = new PairingChannel(transport, checkArguments(transport, self, options));
  try {
    const sid = new Uint8Array(randomBytes(PAIRING_SID_BYTES));
    const cpace = cpaceStart({ role: 'initiator', prs, sid, ci: PAIRING_LABEL });
    channel.send({ type: 'hello', sid, share: cpace.share });

    const share = await channel.expect('share');
    const keys = derivePairingKeys(cpace.finish(share.share), sid, cpace.share, share.share);
    if (!macMatches(keys, 'inviter', share.mac)) throw new PairingError('wrong-code');
    channel.send({ type: 'confirm', mac: keys.mac.joiner, sealedIdentity: sealIdentity(keys, 'joiner', encodeIdentity(self)) });

    const reply = await channel.expect('identity');
    const inviter = decodeIdentity(openIdentity(keys, 'inviter', reply.sealedIdentity));
    refuseOwnKey(inviter, self);
    channel.finish();
    return inviter;
  } catch (error) {
    throw channel.fail(asPairingError(error));
  }
}
