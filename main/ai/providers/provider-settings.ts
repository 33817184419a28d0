import { z } from 'zod';
import { isLoopbackHost } from '../../server/hosts.js';
import { REMOTE_PROVIDERS, type RemoteProviderId } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';

/** How hard ClipShot may use a service: its own rate limit, and how long and how often it tries. */
export interface ProviderLimits {
  readonly requestsPerMinute: number;
  /** Requests allowed back to back after a quiet spell. */
  readonly burst: number;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Attempts after the first, for connection failures, 5xx and short Retry-After waits. */
  readonly maxRetries: number;
}

export const providerLimitsSchema = z.strictObject({
  requestsPerMinute: z.number().min(0.1).max(10_000),
  burst: z.number().int().min(1).max(1000),
  timeoutMs: z.number().int().min(100).max(600_000),
  maxRetries: z.number().int().min(0).max(5),
});

export const DEFAULT_PROVIDER_LIMITS: ProviderLimits = { requestsPerMinute: 30, burst: 3, timeoutMs: 60_000, maxRetries: 2 };

/**
 * One provider's settings on this device (never synced: another device has its own keys and its
 * own consent). The API key is not here; it is in a SecretStore, named by keyStore.
 */
export interface ProviderSettings {
  readonly enabled: boolean;
  /** null: the provider's own (api.openai.com, api.anthropic.com). */
  readonly baseUrl: string | null;
  readonly model: string | null;
  readonly embeddingModel: string | null;
  /** When the person agreed to what would be sent (ms since 1970); null: never. */
  readonly consentedAt: number | null;
  /** Name of the SecretStore that holds the key ('keyring', 'library', …); null: no key stored. */
  readonly keyStore: string | null;
  readonly limits: ProviderLimits;
}

export const DEFAULT_PROVIDER_SETTINGS: ProviderSettings = {
  enabled: false,
  baseUrl: null,
  model: null,
  embeddingModel: null,
  consentedAt: null,
  keyStore: null,
  limits: DEFAULT_PROVIDER_LIMITS,
};

/** Where requests go and with which models, defaults filled in. */
export interface ProviderEndpoint {
  readonly baseUrl: string;
  /** host[:port] of baseUrl: what a person recognises, and what the audit records. */
  readonly host: string;
  readonly model: string;
  readonly embeddingModel: string | null;
}

export function providerEndpoint(id: RemoteProviderId, settings: Pick<ProviderSettings, 'baseUrl' | 'model' | 'embeddingModel'>): ProviderEndpoint {
  const definition = REMOTE_PROVIDERS[id];
  const baseUrl = settings.baseUrl ?? definition.defaultBaseUrl;
  return {
    baseUrl,
    host: new URL(baseUrl).host,
    model: settings.model ?? definition.defaultModel,
    embeddingModel: definition.defaultEmbeddingModel === null ? null : (settings.embeddingModel ?? definition.defaultEmbeddingModel),
  };
}

/**
 * A base URL the person typed, checked and without a trailing slash. Plain http only to this
 * machine (a local model server): anywhere else the API key would cross the network in the clear.
 */
export function normaliseBaseUrl(provider: RemoteProviderId, text: string): string {
  const name = REMOTE_PROVIDERS[provider].name;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ProviderError('invalid-settings', provider, `"${text.slice(0, 200)}" is not a URL: give ${name}'s base URL, like ${REMOTE_PROVIDERS[provider].defaultBaseUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ProviderError('invalid-settings', provider, `the base URL for ${name} must start with https:// (it starts with ${url.protocol}//)`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ''))) {
    throw new ProviderError('invalid-settings', provider, `the base URL for ${name} must use https:// for ${url.hostname}: over plain http the API key would cross the network readable by anyone on the way (http is allowed only for this machine)`);
  }
  if (url.username !== '' || url.password !== '') throw new ProviderError('invalid-settings', provider, `the base URL for ${name} must not contain a user name or password; the API key is asked for separately`);
  if (url.search !== '' || url.hash !== '') throw new ProviderError('invalid-settings', provider, `the base URL for ${name} must not have a ?query or #fragment`);
  return url.href.replace(/\/+$/, '');
}

/** A model name as the service spells it: one word of printable characters. */
export function checkModelName(provider: RemoteProviderId, model: string): string {
  const trimmed = model.trim();
  if (!/^[\x21-\x7e]{1,200}$/.test(trimmed)) {
    throw new ProviderError('invalid-settings', provider, `"${model.slice(0, 80)}" is not a model name for ${REMOTE_PROVIDERS[provider].name} (one word, like ${REMOTE_PROVIDERS[provider].defaultModel})`);
  }
  return trimmed;
}

/** An API key as pasted: surrounding whitespace dropped; nothing that could split a header. */
export function checkApiKey(provider: RemoteProviderId, key: string): string {
  const trimmed = key.trim();
  const name = REMOTE_PROVIDERS[provider].name;
  if (trimmed === '') throw new ProviderError('invalid-settings', provider, `the API key for ${name} is empty`);
  if (trimmed.length > 4096) throw new ProviderError('invalid-settings', provider, `the API key for ${name} is ${trimmed.length} characters long; that is not an API key`);
  if (!/^[\x21-\x7e]+$/.test(trimmed)) throw new ProviderError('invalid-settings', provider, `the API key for ${name} contains spaces or characters an API key does not have (was more than the key pasted?)`);
  return trimmed;
}

export function checkLimits(provider: RemoteProviderId, limits: Partial<ProviderLimits>, base: ProviderLimits = DEFAULT_PROVIDER_LIMITS): ProviderLimits {
  const parsed = providerLimitsSchema.safeParse({ ...base, ...limits });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderError('invalid-settings', provider, `the limits for ${REMOTE_PROVIDERS[provider].name} are not usable: ${issue?.path.join('.') ?? 'limits'} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}
