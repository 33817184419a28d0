import { RateLimitedError } from './rate-limited-error.js';
import { TokenBucket } from './token-bucket.js';

export interface KeyedLimiterOptions {
  /** Which limit this is (audit entries and errors name it). */
  readonly name: string;
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Most keys holding a bucket at once; beyond it, idle (full) buckets go first, then the least recently used. */
  readonly maxKeys?: number;
  /** Milliseconds on a monotonic clock; tests pass their own. */
  readonly now?: () => number;
}

export const DEFAULT_MAX_KEYS = 1024;

/** The answer to a refusal-style take: let through, or refused for this long. */
export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * One token bucket per key (a session, a peer, a plugin, an address), so one key over its budget
 * never spends another's. Memory is bounded: at most maxKeys buckets. A full bucket is the same as
 * no bucket, so dropping one loses nothing; only when every bucket is in use is the least recently
 * used dropped (that key starts over with a full bucket: a bound on memory is worth more than
 * remembering the debt of a key not heard from in the longest time).
 */
export class KeyedLimiter {
  readonly name: string;
  readonly maxKeys: number;
  #capacity: number;
  #refillPerSecond: number;
  readonly #now: () => number;
  // A Map iterates in insertion order: re-inserting on use keeps it least recently used first.
  readonly #buckets = new Map<string, TokenBucket>();
  /** The key last moved to the end: a stream charges the same key per frame, and need not move it each time. */
  #newest: string | null = null;

  constructor(options: KeyedLimiterOptions) {
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`a keyed limiter needs maxKeys of at least 1, not ${maxKeys}`);
    this.name = options.name;
    this.maxKeys = maxKeys;
    this.#now = options.now ?? (() => performance.now());
    this.#capacity = options.capacity;
    this.#refillPerSecond = options.refillPerSecond;
    // Checks the shape once, here, rather than at the first take.
    new TokenBucket({ capacity: options.capacity, refillPerSecond: options.refillPerSecond, now: this.#now });
  }

  get capacity(): number {
    return this.#capacity;
  }

  get refillPerSecond(): number {
    return this.#refillPerSecond;
  }

  /** Keys holding a bucket now. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Takes n tokens now or refuses (reserving nothing): the style of an entry point that answers
   * "too many requests". n above the capacity is taken as the capacity (one large request is
   * let through after a quiet spell rather than refused for ever).
   */
  admit(key: string, n = 1): Admission {
    const bucket = this.#bucket(key);
    const wanted = Math.min(n, bucket.capacity);
    if (bucket.available >= wanted) {
      bucket.take(wanted);
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil(((wanted - bucket.available) / bucket.refillPerSecond) * 1000)) };
  }

  /** As admit, but throws RateLimitedError naming this limit and the key. */
  check(key: string, n = 1): void {
    const admission = this.admit(key, n);
    if (!admission.ok) throw new RateLimitedError(admission.retryAfterMs, undefined, { limit: this.name, key });
  }

  /**
   * Takes n tokens whether or not they are there, and returns how long the caller should wait
   * before going on (0: at once): the style of a stream that slows a sender down (stops reading)
   * instead of refusing it. n above the capacity is taken as the capacity.
   */
  charge(key: string, n = 1): number {
    const bucket = this.#bucket(key);
    return bucket.take(Math.min(n, bucket.capacity));
  }

  /** New limits: buckets start over full with them (a setting changed by the person, not by a key). */
  reconfigure(capacity: number, refillPerSecond: number): void {
    new TokenBucket({ capacity, refillPerSecond, now: this.#now });
    this.#capacity = capacity;
    this.#refillPerSecond = refillPerSecond;
    this.#buckets.clear();
    this.#newest = null;
  }

  /** Forgets a key (its session closed): its next use starts with a full bucket. */
  forget(key: string): void {
    this.#buckets.delete(key);
    if (key === this.#newest) this.#newest = null;
  }

  #bucket(key: string): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      if (key !== this.#newest) {
        this.#buckets.delete(key);
        this.#buckets.set(key, bucket);
        this.#newest = key;
      }
      return bucket;
    }
    if (this.#buckets.size >= this.maxKeys) this.#evict();
    bucket = new TokenBucket({ capacity: this.#capacity, refillPerSecond: this.#refillPerSecond, now: this.#now });
    this.#buckets.set(key, bucket);
    this.#newest = key;
    return bucket;
  }

  #evict(): void {
    let victim: string | undefined;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.available >= bucket.capacity) {
        victim = key;
        break;
      }
    }
    victim ??= this.#buckets.keys().next().value;
    if (victim === undefined) return;
    this.#buckets.delete(victim);
    if (victim === this.#newest) this.#newest = null;
  }
}
