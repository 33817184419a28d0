/**
 * A request refused because it would have to wait longer than its caller allows. Carries how
 * long until it would be let through, so an HTTP entry point can answer 429 with Retry-After and
 * a queue can schedule the retry instead of spinning.
 */
export class RateLimitedError extends Error {
  readonly code = 'rate-limited';
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, message?: string) {
    const rounded = Math.max(0, Math.ceil(retryAfterMs));
    super(message ?? `too many requests: try again in ${describeWait(rounded)}`);
    this.name = 'RateLimitedError';
    this.retryAfterMs = rounded;
  }
}

/** "800 ms", "20 s", "3 min": how long a person is told to wait. */
export function describeWait(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.ceil(ms / 60_000)} min`;
}
