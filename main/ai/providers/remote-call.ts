import type { AiCapability } from '../../../contract/analysis.js';
import { RateLimitedError, describeWait } from '../../security/rate-limit/rate-limited-error.js';
import type { TokenBucket } from '../../security/rate-limit/token-bucket.js';
import { cancelled, DEFAULT_RATE_LIMIT_WAIT_MS, describeFailure, isQuotaBody, redact, retryAfter, type SdkErrorClasses } from './describe-failure.js';
import { REMOTE_PROVIDERS, type RemoteProviderId } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';
import type { ProviderEndpoint, ProviderLimits } from './provider-settings.js';

/** What is about to leave the device: reported before every HTTP attempt, retries included. */
export interface ProviderRequestReport {
  readonly provider: RemoteProviderId;
  readonly capability: AiCapability;
  /** Size of the request body (the encoded image in base64, the prompt, the recognised text). */
  readonly bytes: number;
  /** host[:port] the request goes to. */
  readonly host: string;
  readonly model: string;
  /** 1 for the first attempt; each retry sends the data again. */
  readonly attempt: number;
}

/** Where and how a provider may send right now. */
export interface ProviderAccess {
  readonly endpoint: ProviderEndpoint;
  readonly limits: ProviderLimits;
}

/** What a remote provider is built from; the registry supplies these from settings and the SecretStore. */
export interface RemoteProviderOptions {
  /**
   * The current settings, or a ProviderError ('disabled', 'no-consent') when nothing may be sent.
   * Asked again right before every attempt, so turning a provider off stops requests already queued.
   */
  access(): ProviderAccess;
  /** Read from the SecretStore for every call, so a forgotten key is never used again. */
  apiKey(): Promise<string>;
  /** This provider's own rate limit, shared by everyone who calls it. */
  readonly bucket: TokenBucket;
  /** Told before each attempt what is being sent where; if it throws, nothing is sent. */
  readonly onRequest?: (report: ProviderRequestReport) => void;
  /** Told when this provider's own limit refuses a call (for the audit log). */
  readonly onRateLimited?: (provider: RemoteProviderId, retryAfterMs: number) => void;
  readonly fetch?: typeof fetch;
  /**
   * A Retry-After up to this long is waited out by the SDK's own (bounded) retries; a longer one
   * fails the call at once as 'rate-limited' and holds this provider's bucket for that long.
   * Default 2 s.
   */
  readonly maxRetryWaitMs?: number;
}

export interface RemoteCall {
  readonly provider: RemoteProviderId;
  readonly capability: AiCapability;
  readonly signal: AbortSignal;
  readonly sdk: SdkErrorClasses;
  /** The model this capability uses (the vision model, or the embedding model). */
  readonly model: (endpoint: ProviderEndpoint) => string;
}

export interface RemoteSession {
  readonly apiKey: string;
  readonly access: ProviderAccess;
  /** Give this to the SDK: it checks access, reports, and tempers retries on every attempt. */
  readonly fetch: typeof fetch;
  /** Give this to the SDK's request: the caller's signal, also aborted when an attempt is blocked (so the SDK does not retry it). */
  readonly signal: AbortSignal;
}

const DEFAULT_MAX_RETRY_WAIT_MS = 2000;

/**
 * One call to a remote service: access check, rate limit, key from the store, the SDK request
 * through a fetch that reports and guards each attempt, cancellation, and every failure turned
 * into a ProviderError. The bucket counts calls, before the SDK starts (so that waiting for it
 * never eats into the SDK's per-attempt timeout); retries within a call are few and bounded.
 */
export async function callRemote<T>(options: RemoteProviderOptions, call: RemoteCall, send: (session: RemoteSession) => Promise<T>): Promise<T> {
  const { provider, signal } = call;
  const name = REMOTE_PROVIDERS[provider].name;
  if (signal.aborted) throw cancelled(provider);
  options.access();
  try {
    await options.bucket.acquire(1, signal);
  } catch (error) {
    if (error instanceof RateLimitedError) {
      options.onRateLimited?.(provider, error.retryAfterMs);
      throw ownLimit(provider, options.bucket, error.retryAfterMs);
    }
    if (signal.aborted) throw cancelled(provider);
    throw error;
  }
  let access = options.access();
  const apiKey = await options.apiKey();
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  const baseFetch = options.fetch ?? globalThis.fetch;
  let attempt = 0;
  let blocked: ProviderError | null = null;
  // Aborting this makes the SDK give up at once instead of retrying a blocked attempt after a sleep.
  const stop = new AbortController();
  const block = (error: ProviderError): never => {
    blocked = error;
    stop.abort(error);
    throw error;
  };

  const guardedFetch: typeof fetch = async (input, init) => {
    try {
      access = options.access();
    } catch (error) {
      block(error instanceof ProviderError ? error : new ProviderError('disabled', provider, `${name} may not send now`));
    }
    attempt += 1;
    try {
      options.onRequest?.({ provider, capability: call.capability, bytes: bodyBytes(init?.body), host: access.endpoint.host, model: call.model(access.endpoint), attempt });
    } catch (error) {
      block(new ProviderError('failed', provider, `the request to ${name} was not sent because it could not be recorded: ${redact(error instanceof Error ? error.message : String(error), apiKey)}`));
    }
    return temperRetry(await baseFetch(input, init), options.bucket, maxRetryWaitMs);
  };

  try {
    return await untilAborted(send({ apiKey, access, fetch: guardedFetch, signal: AbortSignal.any([signal, stop.signal]) }), signal, provider);
  } catch (error) {
    if (blocked) throw blocked;
    const failure = describeFailure(error, call.sdk, { provider, baseUrl: access.endpoint.baseUrl, timeoutMs: access.limits.timeoutMs, apiKey });
    if (failure.kind === 'rate-limited') options.bucket.holdFor(failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS);
    throw failure;
  }
}

/**
 * The SDKs wait out any Retry-After before retrying, however long, and not abortably. A long one
 * is better handed to the caller (the analysis queue has other work): mark the response as not to
 * be retried, and hold the bucket so no other call asks before the service allows it.
 */
async function temperRetry(response: Response, bucket: TokenBucket, maxRetryWaitMs: number): Promise<Response> {
  if (response.status !== 429 && response.status !== 503 && response.status !== 529) return response;
  const wait = retryAfter(response.headers);
  let stop = wait !== null && wait > maxRetryWaitMs;
  let body: string | null = null;
  if (response.status === 429) {
    body = await response.text();
    // Out of quota: no retry will help.
    if (isQuotaBody(body)) stop = true;
  }
  if (wait !== null && wait > maxRetryWaitMs) bucket.holdFor(wait);
  if (!stop && body === null) return response;
  const headers = new Headers(response.headers);
  if (stop) headers.set('x-should-retry', 'false');
  return new Response(body ?? (await response.arrayBuffer()), { status: response.status, statusText: response.statusText, headers });
}

/** The SDKs sleep between retries without looking at the signal: cancellation must not wait for that. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, provider: RemoteProviderId): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(provider));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function ownLimit(provider: RemoteProviderId, bucket: TokenBucket, retryAfterMs: number): ProviderError {
  const name = REMOTE_PROVIDERS[provider].name;
  const message = bucket.heldForMs > 0
    ? `${name} is rate limiting this key; ClipShot will retry in ${describeWait(retryAfterMs)}`
    : `ClipShot keeps ${name} to ${Math.round(bucket.refillPerSecond * 60)} requests a minute; the next can go in ${describeWait(retryAfterMs)}`;
  return new ProviderError('rate-limited', provider, message, { retryAfterMs });
}

function bodyBytes(body: RequestInit['body']): number {
  if (body === null || body === undefined) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof URLSearchParams) return Buffer.byteLength(body.toString(), 'utf8');
  if (body instanceof Blob) return body.size;
  return 0;
}
