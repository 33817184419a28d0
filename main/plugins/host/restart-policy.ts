export interface RestartPolicyOptions {
  /** Wait before the first restart; doubles with each failure in the window, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** After this many failures within windowMs the plugin stays down until asked. */
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

export type RestartDecision = { restart: true; afterMs: number } | { restart: false; failures: number };

/** When a failed plugin is started again: exponential backoff, and a limit on failures in a window. */
export class RestartPolicy {
  #failures: number[] = [];
  readonly #now: () => number;

  constructor(private readonly options: RestartPolicyOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** Records a failure and decides what follows. */
  failed(): RestartDecision {
    const now = this.#now();
    this.#failures = [...this.#failures.filter((at) => now - at < this.options.windowMs), now];
    const count = this.#failures.length;
    if (count >= this.options.maxFailures) return { restart: false, failures: count };
    return { restart: true, afterMs: Math.min(this.options.backoffMs * 2 ** (count - 1), this.options.maxBackoffMs) };
  }

  /** A person asked for a restart, or a new version is loaded: the count starts again. */
  reset(): void {
    this.#failures = [];
  }
}
