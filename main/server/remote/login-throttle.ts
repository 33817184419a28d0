export interface LoginThrottleOptions {
  /** Wrong tries allowed before any waiting. */
  freeTries: number;
  /** The wait after the first try past the free ones; it doubles with each further wrong try. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { freeTries: 3, firstDelayMs: 1_000, maxDelayMs: 5 * 60_000 };

/**
 * Slows guessing: a few wrong tries are free, then each wrong try makes the next one wait twice as
 * long. One throttle for the whole server, not one per address: addresses cost a LAN neighbour
 * nothing (IPv6 gives each machine millions), so per-address limits would not slow them down.
 * The price is that a neighbour who guesses makes the person wait too, at most `maxDelayMs`.
 */
export class LoginThrottle {
  #wrongTries = 0;
  #openAt = 0;

  constructor(
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long until the next try will be checked (0: now). */
  waitMs(): number {
    return Math.max(0, this.#openAt - this.now());
  }

  /** Notes a wrong try; returns how long the next one must wait. */
  failed(): number {
    this.#wrongTries++;
    const past = this.#wrongTries - this.options.freeTries;
    const delay = past <= 0 ? 0 : Math.min(this.options.maxDelayMs, this.options.firstDelayMs * 2 ** Math.min(past - 1, 30));
    this.#openAt = this.now() + delay;
    return delay;
  }

  succeeded(): void {
    this.#wrongTries = 0;
    this.#openAt = 0;
  }
}
