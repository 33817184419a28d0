import { ApiError } from '../../../contract/api.js';

/** Failed unlocks (wrong passphrases, refused OS prompts) allowed back to back before each further try must wait. */
export const FREE_UNLOCK_ATTEMPTS = 3;
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * Slows guessing at a running instance's unlock: a few wrong tries are free, then each try waits
 * twice as long as the one before (up to five minutes). A right passphrase starts over.
 */
export class UnlockBackoff {
  #failures = 0;
  #nextTryAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Refuses (ApiError 'rate-limited', saying how long) while the next try must still wait. */
  check(): void {
    const waitMs = this.#nextTryAt - this.now();
    if (waitMs > 0) throw new ApiError('rate-limited', `too many failed unlocks: try again in ${Math.ceil(waitMs / 1000)} s`);
  }

  /** Counts a wrong try; says what happens next, for the error the person sees. */
  failed(): string {
    this.#failures += 1;
    const left = FREE_UNLOCK_ATTEMPTS - this.#failures;
    if (left > 0) return `${left} more ${left === 1 ? 'try' : 'tries'} before ClipShot makes you wait`;
    const delayMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** -left);
    this.#nextTryAt = this.now() + delayMs;
    return `the next try must wait ${Math.ceil(delayMs / 1000)} s`;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#nextTryAt = 0;
  }
}
