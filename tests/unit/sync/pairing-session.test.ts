import { randomBytes } from 'node:crypto';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { cpaceGenerator, cpaceIsk, cpaceStart } from '../../../main/sync/crypto/cpace.js';
import { generateStaticKeyPair } from '../../../main/sync/crypto/noise-xx.js';
import { derivePairingKeys, PAIRING_LABEL } from '../../../main/sync/pairing/pairing-keys.js';
import { decodePairingMessage, encodePairingMessage } from '../../../main/sync/pairing/pairing-messages.js';
import type { PairingMessage } from '../../../main/sync/pairing/pairing-messages.js';
import { PairingError, PairingInvitation, joinPairing } from '../../../main/sync/pairing/pairing-session.js';
import type { PairingErrorCode, PairingIdentity, PairingTransport } from '../../../main/sync/pairing/pairing-session.js';

// An in-memory link standing in for the WebSocket: messages arrive whole, in order, on a later turn
// of the event loop, and a close reaches the other end after what was sent before it. `log` is what a
// passive observer of the wire sees.
interface Frame { from: 'joiner' | 'inviter'; bytes: Uint8Array }

class TestEnd implements PairingTransport {
  readonly received: unknown[] = [];
  closed = false;
  peer!: TestEnd;
  readonly #messageListeners: Array<(message: Uint8Array) => void> = [];
  readonly #closeListeners: Array<() => void> = [];
  readonly #waiting: Array<() => void> = [];

  constructor(readonly side: Frame['from'], readonly log: Frame[]) {}

  send(message: Uint8Array): void {
    if (this.closed) return;
    this.log.push({ from: this.side, bytes: new Uint8Array(message) });
    this.deliverLater(message);
  }

  /** Lets a test put anything on the wire, even what a transport would never carry. */
  deliverLater(message: unknown): void {
    const copy = message instanceof Uint8Array ? new Uint8Array(message) : message;
    setImmediate(() => this.peer.#deliver(copy));
  }

  onMessage(listener: (message: Uint8Array) => void): void {
    this.#messageListeners.push(listener);
  }

  onClose(listener: () => void): void {
    this.#closeListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => {
      this.#closed();
      this.peer.closed = true;
      this.peer.#closed();
    });
  }

  /** The next message this end receives (decoded), for tests that play one side by hand. */
  async next(): Promise<PairingMessage> {
    while (this.received.length === 0) {
      if (this.closed) throw new Error('closed without a message');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    return decodePairingMessage(this.received.shift());
  }

  async whenClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #deliver(message: unknown): void {
    if (this.closed) return;
    this.received.push(message);
    for (const listener of this.#messageListeners) listener(message as Uint8Array);
    this.#wake();
  }

  #closed(): void {
    for (const listener of this.#closeListeners.splice(0)) listener();
    this.#wake();
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

function link() {
  const log: Frame[] = [];
  const joiner = new TestEnd('joiner', log);
  const inviter = new TestEnd('inviter', log);
  joiner.peer = inviter;
  inviter.peer = joiner;
  return { joiner, inviter, log };
}

function device(name: string, syncPort: number | null = 7733): PairingIdentity {
  return { publicKey: generateStaticKeyPair().publicKey, name, syncPort };
}

async function failure(promise: Promise<unknown>): Promise<PairingError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PairingError);
    return error as PairingError;
  }
  throw new Error('expected pairing to fail');
}

async function codes(...promises: Array<Promise<unknown>>): Promise<PairingErrorCode[]> {
  return Promise.all(promises.map(async (promise) => (await failure(promise)).code));
}

const CODE = '1234-5678';
const WRONG = '1234-5679';
const laptop = device('Laptop');
const desktop = device('Desktop', null);

/** Runs a full pairing over a fresh link: the inviter accepts, the joiner joins with `code`. */
function attempt(invitation: PairingInvitation, code: string, options: { timeoutMs?: number } = {}) {
  const wire = link();
  return {
    ...wire,
    accepted: invitation.accept(wire.inviter, desktop, options),
    joined: joinPairing(wire.joiner, code, laptop, options),
  };
}

/** Plays the joiner by hand up to the inviter's share: returns what a real joiner would know. */
async function handJoin(invitation: PairingInvitation, code: string, options: { timeoutMs?: number } = {}) {
  const wire = link();
  const accepted = invitation.accept(wire.inviter, desktop, options);
  // Handled here too: if the exchange below fails first, the test never reaches its own await.
  accepted.catch(() => undefined);
  const sid = new Uint8Array(randomBytes(16));
  const cpace = cpaceStart({ role: 'initiator', prs: new TextEncoder().encode(code.replace('-', '')), sid, ci: PAIRING_LABEL });
  wire.joiner.send(encodePairingMessage({ type: 'hello', sid, share: cpace.share }));
  const share = await wire.joiner.next();
  if (share.type !== 'share') throw new Error(`expected a share, got ${share.type}`);
  const keys = derivePairingKeys(cpace.finish(share.share), sid, cpace.share, share.share);
  return { ...wire, accepted, keys, share };
}

describe('pairing with the right code', () => {
  it('pairs, and each device learns the other’s identity', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    expect(invitation.code).toBe(CODE);
    const { accepted, joined, joiner, inviter } = attempt(invitation, '1234 5678');
    expect(await accepted).toEqual(laptop);
    expect(await joined).toEqual(desktop);
    expect(invitation.state).toBe('paired');
    expect(invitation.pairedWith).toEqual(laptop);
    expect(invitation.attemptsLeft).toBe(3);
    await joiner.whenClosed();
    await inviter.whenClosed();
  });

  it('works with a random code and the defaults: 5 minutes, 3 attempts', async () => {
    let now = 1_000_000;
    const invitation = new PairingInvitation({ now: () => now });
    expect(invitation.code).toMatch(/^\d{4}-\d{4}$/);
    expect(invitation.expiresAt).toBe(1_000_000 + 5 * 60_000);
    expect(invitation.attemptsLeft).toBe(3);
    now += 4 * 60_000;
    const { accepted, joined } = attempt(invitation, invitation.code);
    await expect(joined).resolves.toEqual(desktop);
    await expect(accepted).resolves.toEqual(laptop);
  });

  it('shows a passive observer neither the code nor either identity', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const { accepted, joined, log } = attempt(invitation, CODE);
    await Promise.all([accepted, joined]);
    expect(log.map((frame) => `${frame.from}:${decodePairingMessage(frame.bytes).type}`))
      .toEqual(['joiner:hello', 'inviter:share', 'joiner:confirm', 'inviter:identity']);
    const wire = Buffer.concat(log.map((frame) => frame.bytes));
    for (const secret of ['12345678', '1234-5678', '1234 5678', 'Laptop', 'Desktop']) expect(wire.includes(Buffer.from(secret)), secret).toBe(false);
    for (const key of [laptop.publicKey, desktop.publicKey]) expect(wire.includes(Buffer.from(key))).toBe(false);
  });
});

describe('wrong codes and attempts', () => {
  it('fails on both sides with a wrong code, uses one attempt, and the right code still works after', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const wrong = attempt(invitation, WRONG);
    expect(await codes(wrong.joined, wrong.accepted)).toEqual(['wrong-code', 'wrong-code']);
    expect(invitation.attemptsLeft).toBe(2);
    expect(invitation.state).toBe('waiting');
    // The joiner gave up on the inviter's proof: it never sent its identity.
    expect(wrong.log.map((frame) => decodePairingMessage(frame.bytes).type)).toEqual(['hello', 'share', 'abort']);

    const right = attempt(invitation, CODE);
    await expect(right.joined).resolves.toEqual(desktop);
    await expect(right.accepted).resolves.toEqual(laptop);
  });

  it('is exhausted after 3 wrong codes, and then refuses even the right one', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    for (const left of [2, 1, 0]) {
      const { accepted, joined } = attempt(invitation, WRONG);
      expect(await codes(joined, accepted)).toEqual(['wrong-code', 'wrong-code']);
      expect(invitation.attemptsLeft).toBe(left);
    }
    expect(invitation.state).toBe('exhausted');
    const right = attempt(invitation, CODE);
    expect(await codes(right.joined, right.accepted)).toEqual(['exhausted', 'exhausted']);
    // The inviter answered the joiner's hello with nothing but the refusal.
    expect(right.log.filter((frame) => frame.from === 'inviter').map((frame) => decodePairingMessage(frame.bytes).type)).toEqual(['abort']);
  });

  it('takes a custom number of attempts', async () => {
    const invitation = new PairingInvitation({ code: CODE, maxAttempts: 1 });
    const { accepted, joined } = attempt(invitation, WRONG);
    expect(await codes(joined, accepted)).toEqual(['wrong-code', 'wrong-code']);
    expect(invitation.state).toBe('exhausted');
  });

  it('never reveals the inviter’s identity to a joiner who has not proven the code', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    // A joiner with a wrong code that plays on after the share, with a made-up proof.
    const { accepted, joiner, log } = await handJoin(invitation, WRONG);
    joiner.send(encodePairingMessage({ type: 'confirm', mac: new Uint8Array(randomBytes(64)), sealedIdentity: new Uint8Array(randomBytes(80)) }));
    expect((await failure(accepted)).code).toBe('wrong-code');
    expect(await joiner.next()).toEqual({ type: 'abort', reason: 'wrong-code' });
    expect(log.filter((frame) => frame.from === 'inviter').map((frame) => decodePairingMessage(frame.bytes).type)).toEqual(['share', 'abort']);
    expect(Buffer.concat(log.map((frame) => frame.bytes)).includes(Buffer.from(desktop.publicKey))).toBe(false);
    expect(invitation.attemptsLeft).toBe(2);
  });

  it('counts a joiner that goes away after the share as a wrong attempt', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const { accepted, joiner } = await handJoin(invitation, CODE);
    joiner.close();
    const error = await failure(accepted);
    expect(error.code).toBe('wrong-code');
    expect(error.message).toMatch(/counted as a wrong attempt/);
    expect(invitation.attemptsLeft).toBe(2);
  });

  it('counts a joiner that stalls after the share, but not one that never says anything', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const silent = link();
    expect((await failure(invitation.accept(silent.inviter, desktop, { timeoutMs: 200 }))).code).toBe('timeout');
    expect(await silent.joiner.next()).toEqual({ type: 'abort', reason: 'timeout' });
    expect(invitation.attemptsLeft).toBe(3);

    // Long enough for the share to come back on a busy machine; then the joiner says nothing.
    const stalled = await handJoin(invitation, CODE, { timeoutMs: 1_000 });
    expect((await failure(stalled.accepted)).code).toBe('timeout');
    expect(invitation.attemptsLeft).toBe(2);
  });
});

describe('expiry, one conversation at a time, cancelling', () => {
  it('expires on its clock and then refuses every joiner, telling it why', async () => {
    let now = 0;
    const invitation = new PairingInvitation({ code: CODE, ttlMs: 60_000, now: () => now });
    expect(invitation.state).toBe('waiting');
    now = 59_999;
    expect(invitation.state).toBe('waiting');
    now = 60_000;
    expect(invitation.state).toBe('expired');
    const { accepted, joined } = attempt(invitation, CODE);
    expect(await codes(joined, accepted)).toEqual(['expired', 'expired']);
    expect(invitation.attemptsLeft).toBe(3);
  });

  it('refuses a joiner whose first message comes after the expiry, before sending a share', async () => {
    let now = 0;
    const invitation = new PairingInvitation({ code: CODE, ttlMs: 1000, now: () => now });
    const wire = link();
    const accepted = invitation.accept(wire.inviter, desktop);
    now = 1000;
    const joined = joinPairing(wire.joiner, CODE, laptop);
    expect(await codes(joined, accepted)).toEqual(['expired', 'expired']);
    expect(wire.log.map((frame) => decodePairingMessage(frame.bytes).type)).toEqual(['hello', 'abort']);
  });

  it('answers a second concurrent joiner with busy, and goes on with the first', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const first = link();
    const accepted = invitation.accept(first.inviter, desktop);
    const second = link();
    expect((await failure(invitation.accept(second.inviter, desktop))).code).toBe('busy');
    expect(await second.joiner.next()).toEqual({ type: 'abort', reason: 'busy' });
    await second.joiner.whenClosed();

    await expect(joinPairing(first.joiner, CODE, laptop)).resolves.toEqual(desktop);
    await expect(accepted).resolves.toEqual(laptop);
  });

  it('pairs one device only: once paired, later joiners are refused even with the code', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const first = attempt(invitation, CODE);
    await Promise.all([first.accepted, first.joined]);
    const late = attempt(invitation, CODE);
    const [joinerError, inviterError] = await Promise.all([failure(late.joined), failure(late.accepted)]);
    expect([joinerError.code, inviterError.code]).toEqual(['expired', 'expired']);
    expect(inviterError.message).toMatch(/already been used/);
    invitation.cancel();
    expect(invitation.state).toBe('paired');
  });

  it('cancels a conversation under way, telling the joiner, and refuses later ones', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const wire = link();
    const accepted = invitation.accept(wire.inviter, desktop);
    invitation.cancel();
    expect(invitation.state).toBe('cancelled');
    const joined = joinPairing(wire.joiner, CODE, laptop);
    expect(await codes(joined, accepted)).toEqual(['cancelled', 'cancelled']);

    const later = attempt(invitation, CODE);
    expect(await codes(later.joined, later.accepted)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('malformed and hostile messages', () => {
  it('answers garbage before any share with protocol, uses no attempt, and still pairs afterwards', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const sid = new Uint8Array(16);
    const garbage: Array<[string, unknown]> = [
      ['random bytes', new Uint8Array(randomBytes(50))],
      ['empty', new Uint8Array(0)],
      ['oversized', new Uint8Array(1024 * 1024)],
      ['text', 'hello'],
      ['another version', Uint8Array.from([2, 1, ...new Uint8Array(48)])],
      ['a share from the joiner', encodePairingMessage({ type: 'share', share: new Uint8Array(32), mac: new Uint8Array(64) })],
      ['a truncated hello', encodePairingMessage({ type: 'hello', sid, share: ristretto255.Point.BASE.toBytes() }).subarray(0, 40)],
      ['the identity element as share', encodePairingMessage({ type: 'hello', sid, share: new Uint8Array(32) })],
      ['a share that is no group element', encodePairingMessage({ type: 'hello', sid, share: new Uint8Array(32).fill(0xff) })],
    ];
    for (const [what, message] of garbage) {
      const wire = link();
      const accepted = invitation.accept(wire.inviter, desktop);
      wire.joiner.deliverLater(message);
      const error = await failure(accepted);
      expect(error.code, what).toBe('protocol');
      expect(await wire.joiner.next(), what).toEqual({ type: 'abort', reason: 'protocol' });
      await wire.joiner.whenClosed();
      expect(invitation.attemptsLeft, what).toBe(3);
      expect(invitation.state).toBe('waiting');
    }
    const { accepted, joined } = attempt(invitation, CODE);
    await expect(joined).resolves.toEqual(desktop);
    await expect(accepted).resolves.toEqual(laptop);
  });

  it('refuses a flood of messages', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const { accepted, joiner } = await handJoin(invitation, CODE);
    for (let i = 0; i < 10; i++) joiner.deliverLater(new Uint8Array(10));
    expect((await failure(accepted)).code).toBe('protocol');
    expect(invitation.attemptsLeft).toBe(2);
  });

  it('counts garbage after the share as a wrong attempt', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const { accepted, joiner } = await handJoin(invitation, CODE);
    joiner.deliverLater(new Uint8Array(randomBytes(120)));
    expect((await failure(accepted)).code).toBe('protocol');
    expect(invitation.attemptsLeft).toBe(2);
  });

  it('refuses a proven joiner whose sealed identity was tampered with', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const { accepted, joiner, keys } = await handJoin(invitation, CODE);
    joiner.send(encodePairingMessage({ type: 'confirm', mac: keys.mac.joiner, sealedIdentity: new Uint8Array(randomBytes(60)) }));
    expect((await failure(accepted)).code).toBe('protocol');
    expect(invitation.state).toBe('waiting');
  });

  it('refuses a peer that presents this device’s own key', async () => {
    const invitation = new PairingInvitation({ code: CODE });
    const wire = link();
    const accepted = invitation.accept(wire.inviter, desktop);
    const joined = joinPairing(wire.joiner, CODE, { ...laptop, publicKey: desktop.publicKey });
    expect(await codes(joined, accepted)).toEqual(['protocol', 'protocol']);
  });

  it('on the joiner’s side, refuses garbage, invalid shares and a vanished inviter', async () => {
    const answers: Array<[string, unknown, PairingErrorCode]> = [
      ['random bytes', new Uint8Array(randomBytes(98)), 'protocol'],
      ['a hello instead of a share', encodePairingMessage({ type: 'hello', sid: new Uint8Array(16), share: new Uint8Array(32) }), 'protocol'],
      ['the identity element', encodePairingMessage({ type: 'share', share: new Uint8Array(32), mac: new Uint8Array(64) }), 'protocol'],
      ['a share with a made-up proof', encodePairingMessage({ type: 'share', share: ristretto255.Point.BASE.toBytes(), mac: new Uint8Array(64) }), 'wrong-code'],
      ['an abort', encodePairingMessage({ type: 'abort', reason: 'exhausted' }), 'exhausted'],
    ];
    for (const [what, answer, code] of answers) {
      const wire = link();
      const joined = joinPairing(wire.joiner, CODE, laptop);
      expect((await wire.inviter.next()).type).toBe('hello');
      wire.inviter.deliverLater(answer);
      expect((await failure(joined)).code, what).toBe(code);
    }

    const vanished = link();
    const joined = joinPairing(vanished.joiner, CODE, laptop);
    await vanished.inviter.next();
    vanished.inviter.close();
    const error = await failure(joined);
    expect(error.code).toBe('cancelled');
    expect(error.message).toMatch(/closed the connection/);

    const silent = link();
    expect((await failure(joinPairing(silent.joiner, CODE, laptop, { timeoutMs: 50 }))).code).toBe('timeout');
  });

  it('checks the code and its own identity before sending anything', async () => {
    const typo = link();
    expect((await failure(joinPairing(typo.joiner, '1234-567', laptop))).code).toBe('invalid-code');
    expect(typo.log).toEqual([]);
    expect(typo.joiner.closed).toBe(true);

    const nameless = link();
    await expect(joinPairing(nameless.joiner, CODE, { ...laptop, name: '' })).rejects.toThrow(RangeError);
    expect(nameless.log).toEqual([]);
    await expect(new PairingInvitation().accept(link().inviter, { ...desktop, syncPort: 0 })).rejects.toThrow(RangeError);
    const untimed = link();
    await expect(joinPairing(untimed.joiner, CODE, laptop, { timeoutMs: 0 })).rejects.toThrow(RangeError);
    expect(untimed.joiner.closed).toBe(true);
    expect(() => new PairingInvitation({ code: 'abcd' })).toThrow(PairingError);
    expect(() => new PairingInvitation({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => new PairingInvitation({ ttlMs: -1 })).toThrow(RangeError);
  });
});

describe('what a recorded exchange gives away', () => {
  // The argument is CPace's (a recorded exchange does not let anyone test guesses offline); these
  // checks only show that the data sent leaves no obvious shortcut around it.
  async function record(code: string) {
    const invitation = new PairingInvitation({ code: CODE });
    const { accepted, joined, log } = attempt(invitation, code);
    await Promise.allSettled([accepted, joined]);
    const [hello, share] = log.map((frame) => decodePairingMessage(frame.bytes));
    if (hello?.type !== 'hello' || share?.type !== 'share') throw new Error('unexpected transcript');
    return { log, hello, share };
  }

  it('looks the same in form whichever code the joiner used', async () => {
    const right = await record(CODE);
    const wrong = await record(WRONG);
    expect(right.log.slice(0, 2).map((frame) => frame.bytes.length)).toEqual(wrong.log.slice(0, 2).map((frame) => frame.bytes.length));
    // Every share is a valid group element whatever the code: nothing in it tells codes apart.
    for (const share of [right.hello.share, right.share.share, wrong.hello.share, wrong.share.share]) {
      expect(() => ristretto255.Point.fromBytes(share)).not.toThrow();
    }
  });

  it('has proofs that depend on the secret DH value, which even the right code and every public value do not give', async () => {
    const { hello, share } = await record(CODE);
    const prs = new TextEncoder().encode('12345678');
    // What one could compute from the transcript and a guess of the code, with no scalar: the shares,
    // the generator for that code, and their combinations. None yields the key behind the proof.
    const generator = cpaceGenerator(prs, PAIRING_LABEL, hello.sid);
    const ya = ristretto255.Point.fromBytes(hello.share);
    const yb = ristretto255.Point.fromBytes(share.share);
    const candidates = [hello.share, share.share, generator.toBytes(), ya.add(yb).toBytes(), ya.add(generator).toBytes(), yb.add(generator).toBytes()];
    for (const k of candidates) {
      const keys = derivePairingKeys(cpaceIsk(hello.sid, k, hello.share, share.share), hello.sid, hello.share, share.share);
      expect(keys.mac.inviter).not.toEqual(share.mac);
    }
    // And with everything public held fixed, a different K gives different proofs both ways.
    const [first, second] = [randomBytes(32), randomBytes(32)].map((k) => derivePairingKeys(cpaceIsk(hello.sid, k, hello.share, share.share), hello.sid, hello.share, share.share));
    expect(first!.mac.inviter).not.toEqual(second!.mac.inviter);
    expect(first!.mac.joiner).not.toEqual(second!.mac.joiner);
  });
});
