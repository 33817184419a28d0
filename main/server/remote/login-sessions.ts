import { createHash, randomBytes } from 'node:crypto';

export interface SessionLimits {
  /** A session ends after this long without a request from it. */
  idleMs: number;
  /** A session ends this long after its login, however busy. */
  maxMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 12 * 60 * 60_000 };

export type SessionEndReason = 'idle' | 'lifetime' | 'logged-out' | 'server-stopped';

export interface LoginSession {
  /** Names the session in the audit log; not the secret the cookie carries. */
  readonly id: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

interface Held {
  session: LoginSession;
  timer: NodeJS.Timeout | null;
}

/**
 * The logged-in browsers of a `serve` beyond this device. Only a hash of each cookie's secret is
 * kept, so the table itself lets nobody in. Each session has one timer, set to its next deadline;
 * activity moves the deadline, and the timer checks again when it fires.
 */
export class LoginSessions {
  readonly #byHash = new Map<string, Held>();

  constructor(
    readonly limits: SessionLimits,
    private readonly onEnded: (session: LoginSession, reason: SessionEndReason) => void,
    private readonly now: () => number = Date.now,
  ) {}

  create(): { token: string; session: LoginSession } {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const held: Held = { session: { id: randomBytes(6).toString('hex'), createdAt: at, lastSeenAt: at }, timer: null };
    this.#byHash.set(hashOf(token), held);
    this.#schedule(token, held);
    return { token, session: held.session };
  }

  /** The live session this cookie secret opens, or null (an expired one ends here). */
  find(token: string | null): LoginSession | null {
    if (!token) return null;
    const hash = hashOf(token);
    const held = this.#byHash.get(hash);
    if (!held) return null;
    const expired = this.#expiry(held.session);
    if (expired) {
      this.#end(hash, held, expired);
      return null;
    }
    return held.session;
  }

  touch(session: LoginSession): void {
    session.lastSeenAt = Math.max(session.lastSeenAt, this.now());
  }

  end(token: string, reason: SessionEndReason): LoginSession | null {
    const hash = hashOf(token);
    const held = this.#byHash.get(hash);
    if (!held) return null;
    this.#end(hash, held, reason);
    return held.session;
  }

  endAll(reason: SessionEndReason): void {
    for (const [hash, held] of [...this.#byHash]) this.#end(hash, held, reason);
  }

  get size(): number {
    return this.#byHash.size;
  }

  #expiry(session: LoginSession): SessionEndReason | null {
    const at = this.now();
    if (at >= session.createdAt + this.limits.maxMs) return 'lifetime';
    if (at >= session.lastSeenAt + this.limits.idleMs) return 'idle';
    return null;
  }

  #schedule(token: string, held: Held): void {
    const hash = hashOf(token);
    const arm = () => {
      const { session } = held;
      const deadline = Math.min(session.createdAt + this.limits.maxMs, session.lastSeenAt + this.limits.idleMs);
      held.timer = setTimeout(() => {
        const expired = this.#expiry(session);
        if (expired) this.#end(hash, held, expired);
        else arm();
      }, Math.max(0, deadline - this.now()) + 5);
      held.timer.unref();
    };
    arm();
  }

  #end(hash: string, held: Held, reason: SessionEndReason): void {
    if (this.#byHash.get(hash) !== held) return;
    this.#byHash.delete(hash);
    if (held.timer) clearTimeout(held.timer);
    this.onEnded(held.session, reason);
  }
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
