/** Which limit refused, and whose budget it was (a session, a peer, a plugin, an address). */
export interface RateLimitSource {
  readonly limit: string;
  readonly key: string;
}

/**
 * A request refused because it would have to wait longer than its caller allows. Carries how
 * long until it would be let through, so an HTTP entry point can answer 429 with Retry-After and
 * a queue can schedule the retry instead of spinning, and which limit it was.
 */
export class RateLimitedError extends Error {
  readonly code = 'rate-limited';
  readonly retryAfterMs: number;
  /** null for a bucket that is not one of the named limits (a provider's queue). */
  readonly source: RateLimitSource | null;

  constructor(retryAfterMs: number, message?: string, source?: RateLimitSource) {
    const rounded = Math.max(0, Math.ceil(retryAfterMs));
    super(message ?? `too many requests: try again in ${describeWait(rounded)}`);
    this.name = 'RateLimitedError';
    this.retryAfterMs = rounded;
    this.source = source ?? null;
  }
}

/** "800 ms", "20 s", "3 min": how long a person is told to wait. */
export function describeWait(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.ceil(ms / 60_000)} min`;
}
