import { RateLimitedError } from './rate-limited-error.js';

export interface TokenBucketOptions {
  /** Most tokens held at once: the burst allowed after a quiet spell. */
  readonly capacity: number;
  /** Tokens added per second, up to capacity: the sustained rate. */
  readonly refillPerSecond: number;
  /**
   * Longest wait `take` will hand out; a longer one throws RateLimitedError instead. 0 makes the
   * bucket refuse rather than queue (an entry point answering 429); Infinity makes it always queue.
   */
  readonly maxWaitMs?: number;
  /** Milliseconds on a monotonic clock; tests pass their own. */
  readonly now?: () => number;
}

/**
 * A token bucket that hands out reservations: `take(n)` removes n tokens at once, going into debt
 * when there are too few, and returns how long the caller must wait before acting, so concurrent
 * callers are spaced out in the order they asked instead of waking together and racing.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly maxWaitMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  #heldUntil = 0;

  constructor(options: TokenBucketOptions) {
    if (!(options.capacity >= 1) || !Number.isFinite(options.capacity)) throw new RangeError(`a token bucket needs a capacity of at least 1, not ${options.capacity}`);
    if (!(options.refillPerSecond > 0) || !Number.isFinite(options.refillPerSecond)) throw new RangeError(`a token bucket needs a positive refill rate, not ${options.refillPerSecond}`);
    const maxWaitMs = options.maxWaitMs ?? Infinity;
    if (!(maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be 0 or more, not ${maxWaitMs}`);
    this.capacity = options.capacity;
    this.refillPerSecond = options.refillPerSecond;
    this.maxWaitMs = maxWaitMs;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = options.capacity;
    this.#updatedAt = this.#now();
  }

  /** Tokens on hand now (negative while reservations are outstanding). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Reserves n tokens. Returns 0 when they are there now, else the milliseconds to wait before
   * using them. Throws RateLimitedError (reserving nothing) when that wait exceeds maxWaitMs.
   */
  take(n = 1): number {
    if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`take needs a positive number of tokens, not ${n}`);
    if (n > this.capacity) throw new RangeError(`take(${n}) can never be met by a bucket of capacity ${this.capacity}`);
    this.#refill();
    const now = this.#now();
    const held = Math.max(0, this.#heldUntil - now);
    const short = n - this.#tokens;
    const wait = Math.max(held, short > 0 ? (short / this.refillPerSecond) * 1000 : 0);
    if (wait > this.maxWaitMs) throw new RateLimitedError(wait);
    this.#tokens -= n;
    return Math.ceil(wait);
  }

  /**
   * Takes n tokens and waits until they may be used. On abort the reservation is given back and
   * the promise rejects with the signal's reason.
   */
  async acquire(n = 1, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const wait = this.take(n);
    if (wait === 0) return;
    try {
      await abortableDelay(wait, signal);
    } catch (error) {
      this.refund(n);
      throw error;
    }
  }

  /** Gives back tokens reserved but not used (the request was cancelled before it went out). */
  refund(n = 1): void {
    this.#refill();
    this.#tokens = Math.min(this.capacity, this.#tokens + n);
  }

  /**
   * Lets nothing through for `ms` (a server said Retry-After): every take waits at least that
   * long, or is refused when that is over maxWaitMs. A shorter hold never shortens a longer one.
   */
  holdFor(ms: number): void {
    if (!(ms > 0)) return;
    this.#heldUntil = Math.max(this.#heldUntil, this.#now() + ms);
  }

  /** Milliseconds until a hold from holdFor ends (0 when none). */
  get heldForMs(): number {
    return Math.max(0, Math.ceil(this.#heldUntil - this.#now()));
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed / 1000) * this.refillPerSecond);
    this.#updatedAt = now;
  }
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
