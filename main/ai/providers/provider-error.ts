/** Why a remote provider did not give a result; each kind has one plain sentence for a person. */
export const PROVIDER_ERROR_KINDS = [
  /** No provider has that id. */
  'unknown-provider',
  /** Turned off: no request is made. */
  'disabled',
  /** The person has not agreed to what would be sent. */
  'no-consent',
  /** No API key stored, or the store that holds it cannot be reached. */
  'no-key',
  /** A base URL, model, key or limit that cannot be used. */
  'invalid-settings',
  /** The provider cannot do this (e.g. embed an image) or the input cannot be sent (empty text). */
  'unsupported',
  /** The service refused the key (401, 403). */
  'auth',
  /** The key has no quota or credit left: waiting will not help. */
  'quota',
  /** Too many requests, by the service's say (429) or by ClipShot's own limit. */
  'rate-limited',
  /** Connection refused, no such host, reset, TLS failure. */
  'unreachable',
  /** No answer in time. */
  'timeout',
  /** The service failed (5xx, overloaded). */
  'server',
  /** The service refused the request itself (400, 404, 413, 422) or the model declined. */
  'rejected',
  /** A reply that is not what the API promises. */
  'malformed',
  /** The caller cancelled. */
  'cancelled',
  /** Anything else: the request may or may not have been sent. */
  'failed',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate-limited', 'unreachable', 'timeout', 'server']);

/**
 * A remote provider's failure in words a person can act on. Never carries the API key or the
 * SDK's error object (whose body may echo the key): only the kind, the HTTP status, and how long
 * to wait.
 */
export class ProviderError extends Error {
  readonly code = 'provider-error';
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | null;
  /** For 'rate-limited': milliseconds until a request may be tried again. */
  readonly retryAfterMs: number | null;

  constructor(kind: ProviderErrorKind, provider: string, message: string, details: { status?: number | null; retryAfterMs?: number | null } = {}) {
    super(message);
    this.name = 'ProviderError';
    this.kind = kind;
    this.provider = provider;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /** Whether the same request may succeed later without the person changing anything. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  toJSON(): { kind: ProviderErrorKind; provider: string; message: string; status: number | null; retryAfterMs: number | null } {
    return { kind: this.kind, provider: this.provider, message: this.message, status: this.status, retryAfterMs: this.retryAfterMs };
  }
}
