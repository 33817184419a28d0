import { describeWait } from '../../security/rate-limit/rate-limited-error.js';
import { REMOTE_PROVIDERS, type RemoteProviderId } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';

/** The error classes both official SDKs export (they are generated from one template). */
export interface SdkErrorClasses {
  readonly APIError: abstract new (...args: never[]) => { readonly status: number | undefined; readonly headers: Headers | undefined; readonly error: unknown };
  readonly APIConnectionError: abstract new (...args: never[]) => Error;
  readonly APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  readonly APIUserAbortError: abstract new (...args: never[]) => Error;
}

export interface FailureContext {
  readonly provider: RemoteProviderId;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Removed from anything the service said before it is shown. */
  readonly apiKey: string;
}

/** Used when a 429 names no wait. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;

/** Turns whatever an SDK threw into a ProviderError a person can act on, holding nothing of the key. */
export function describeFailure(error: unknown, sdk: SdkErrorClasses, context: FailureContext): ProviderError {
  const { provider, baseUrl } = context;
  const name = REMOTE_PROVIDERS[provider].name;
  if (error instanceof ProviderError) return error;
  if (error instanceof sdk.APIUserAbortError) return cancelled(provider);
  if (error instanceof sdk.APIConnectionTimeoutError) return new ProviderError('timeout', provider, `${name} did not answer within ${describeWait(context.timeoutMs)} (${baseUrl})`);
  if (error instanceof sdk.APIConnectionError) return new ProviderError('unreachable', provider, `could not reach ${baseUrl}: ${connectionProblem(error)}`);
  if (error instanceof sdk.APIError && typeof error.status === 'number') return describeStatus(error.status, error.headers, serviceMessage(error.error, context.apiKey), error.error, context);
  if (error instanceof SyntaxError) return new ProviderError('malformed', provider, `${name} sent a reply ClipShot could not read (not JSON)`);
  const detail = error instanceof Error ? error.message : String(error);
  return new ProviderError('failed', provider, `the request to ${name} failed: ${redact(detail, context.apiKey).slice(0, 300)}`);
}

export function cancelled(provider: RemoteProviderId): ProviderError {
  return new ProviderError('cancelled', provider, `the request to ${REMOTE_PROVIDERS[provider].name} was cancelled`);
}

function describeStatus(status: number, headers: Headers | undefined, said: string | null, body: unknown, context: FailureContext): ProviderError {
  const { provider } = context;
  const name = REMOTE_PROVIDERS[provider].name;
  const detail = said ? `: ${said}` : '';
  if (status === 401) return new ProviderError('auth', provider, `${name} refused the API key (401): check the key in Settings → AI`, { status });
  if (status === 403) return new ProviderError('auth', provider, `${name} refused this key access (403)${detail}; check the key's permissions in Settings → AI`, { status });
  if (status === 402 || (status === 429 && isQuotaBody(body))) {
    return new ProviderError('quota', provider, `${name} says this key has no quota or credit left (${status}); check the account's billing`, { status });
  }
  if (status === 429) {
    const retryAfterMs = retryAfter(headers) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new ProviderError('rate-limited', provider, `${name} is rate limiting this key; ClipShot will retry in ${describeWait(retryAfterMs)}`, { status, retryAfterMs });
  }
  if (status === 408) return new ProviderError('timeout', provider, `${name} gave up waiting for the request (408)`, { status });
  if (status === 413) return new ProviderError('rejected', provider, `the image is too large for ${name} (413)`, { status });
  if (status === 404) return new ProviderError('rejected', provider, `${name} has no such model or address (404)${detail}; check the model and base URL in Settings → AI`, { status });
  if (status >= 400 && status < 500) return new ProviderError('rejected', provider, `${name} refused the request (${status})${detail}`, { status });
  if (status === 503 || status === 529) return new ProviderError('server', provider, `${name} is overloaded (${status}); ClipShot will try again later`, { status, retryAfterMs: retryAfter(headers) });
  if (status >= 500) return new ProviderError('server', provider, `${name} had a server error (${status}); ClipShot will try again later`, { status, retryAfterMs: retryAfter(headers) });
  return new ProviderError('failed', provider, `${name} answered with HTTP ${status}${detail}`, { status });
}

/** Retry-After as milliseconds: the non-standard retry-after-ms first, then seconds or an HTTP date. */
export function retryAfter(headers: Headers | undefined | null): number | null {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return Math.ceil(millis);
  const value = headers?.get('retry-after');
  if (!value) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** OpenAI answers 429 both for "slow down" and for "no money left"; only the body tells them apart. */
export function isQuotaBody(body: unknown): boolean {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  return /insufficient_quota|billing_hard_limit|credit balance/i.test(text);
}

/** The service's own explanation (OpenAI: error.message; Anthropic: error.error.message), short and with the key removed. */
function serviceMessage(body: unknown, apiKey: string): string | null {
  const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null);
  const outer = record(body);
  const message = outer?.message ?? record(outer?.error)?.message;
  if (typeof message !== 'string' || message.trim() === '') return null;
  const cleaned = redact(message, apiKey).replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '');
  return cleaned.length > 200 ? `${cleaned.slice(0, 199)}…` : cleaned;
}

/** Removes the key, and anything shaped like a secret key, from text a service or library produced. */
export function redact(text: string, apiKey: string): string {
  let cleaned = apiKey.length > 0 ? text.split(apiKey).join('[key]') : text;
  cleaned = cleaned.replace(/\b(sk|sk-ant|sk-proj)-[A-Za-z0-9_\-*]{6,}/g, '[key]');
  return cleaned;
}

const CONNECTION_PROBLEMS: [RegExp, string][] = [
  [/^ECONNREFUSED$/, 'connection refused'],
  [/^(ENOTFOUND|EAI_NONAME)$/, 'no such host'],
  [/^EAI_AGAIN$/, 'the host name could not be looked up (offline?)'],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/, 'the connection was cut'],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)$/, 'connecting timed out'],
  [/^(EHOSTUNREACH|ENETUNREACH|ENETDOWN)$/, 'no route to it (is this device offline?)'],
  [/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/, 'its TLS certificate was not accepted'],
];

/** The first errno-like code in the cause chain (fetch wraps the socket's error once or twice). */
function connectionProblem(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth += 1) {
    const code = typeof current === 'object' && current !== null && 'code' in current ? String((current as { code: unknown }).code) : '';
    for (const [pattern, words] of CONNECTION_PROBLEMS) if (code && pattern.test(code)) return words;
    current = typeof current === 'object' && current !== null && 'cause' in current ? (current as { cause: unknown }).cause : undefined;
  }
  return 'the connection failed';
}
