import type { AiCapability } from '../../../contract/analysis.js';
import { SecretStoreError, type SecretStore } from '../../security/secret-store.js';
import type { AiProvider } from '../ai-provider.js';
import { TokenBucket } from '../../security/rate-limit/token-bucket.js';
import { createAnthropicProvider } from './anthropic-provider.js';
import { consentText, providerConsentText } from './consent.js';
import { createOpenAiProvider } from './openai-provider.js';
import { isRemoteProviderId, REMOTE_PROVIDER_IDS, REMOTE_PROVIDERS, type RemoteProviderId } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';
import { checkApiKey, checkLimits, checkModelName, normaliseBaseUrl, providerEndpoint, type ProviderLimits, type ProviderSettings } from './provider-settings.js';
import type { ProviderSettingsStore } from './provider-settings-store.js';
import type { ProviderAccess, ProviderRequestReport, RemoteProviderOptions } from './remote-call.js';

/** A provider as the settings screen and `clipshot ai` show it. Never holds the key. */
export interface ProviderView {
  readonly id: RemoteProviderId;
  readonly name: string;
  readonly capabilities: AiCapability[];
  readonly enabled: boolean;
  readonly hasKey: boolean;
  /** Which SecretStore holds the key ('keyring', 'library', …), or null. */
  readonly keyStore: string | null;
  readonly baseUrl: string;
  readonly host: string;
  readonly model: string;
  readonly embeddingModel: string | null;
  readonly consentedAt: number | null;
  /** What turning it on with these settings would send, and where. */
  readonly consentText: string;
  readonly limits: ProviderLimits;
}

export interface EnableProviderOptions {
  /** Needed unless a key is already stored. */
  readonly apiKey?: string;
  /** Omitted: the provider's own. */
  readonly baseUrl?: string;
  readonly model?: string;
  readonly embeddingModel?: string;
  readonly limits?: Partial<ProviderLimits>;
  /** The person has read consentText for these settings and agreed. */
  readonly consent: true;
}

export interface ProviderRegistryOptions {
  readonly settings: ProviderSettingsStore;
  /** New keys go into the first store that is reachable; a key is read back from the store it went into. */
  readonly secrets: SecretStore | readonly SecretStore[];
  /** The secret's account name per provider; default `ai-provider:<id>`. */
  readonly keyAccount?: (id: RemoteProviderId) => string;
  readonly fetch?: typeof fetch;
  /** Told before every request what is sent where (for the audit log). */
  readonly onRequest?: (report: ProviderRequestReport) => void;
  /** Told when a provider's own limit refuses a call (for the audit log). */
  readonly onRateLimited?: (provider: RemoteProviderId, retryAfterMs: number) => void;
  /** Longest a call waits for its provider's rate limit before failing as 'rate-limited'. Default 60 s. */
  readonly maxQueueWaitMs?: number;
  /** See RemoteProviderOptions.maxRetryWaitMs. */
  readonly maxRetryWaitMs?: number;
  readonly now?: () => number;
}

export interface ProviderRegistry {
  list(): Promise<ProviderView[]>;
  view(id: string): Promise<ProviderView>;
  /** The provider, if it is on and consented to; else a ProviderError saying why not. */
  get(id: string): AiProvider;
  enable(id: string, options: EnableProviderOptions): Promise<ProviderView>;
  /** Stops every request, queued ones included; keeps the key and settings. */
  disable(id: string): Promise<ProviderView>;
  /** Turns it off, deletes its key and settings. */
  forget(id: string): Promise<ProviderView>;
  /** One capability's statement, or the whole text shown when turning the provider on. */
  consentText(id: string, capability?: AiCapability, destination?: { baseUrl?: string; model?: string; embeddingModel?: string }): string;
}

const DEFAULT_MAX_QUEUE_WAIT_MS = 60_000;

export function createProviderRegistry(options: ProviderRegistryOptions): ProviderRegistry {
  const stores: readonly SecretStore[] = Array.isArray(options.secrets) ? (options.secrets as readonly SecretStore[]) : [options.secrets as SecretStore];
  if (stores.length === 0) throw new Error('a provider registry needs at least one SecretStore');
  const account = options.keyAccount ?? ((id: RemoteProviderId) => `ai-provider:${id}`);
  const now = options.now ?? Date.now;
  const buckets = new Map<RemoteProviderId, { limits: ProviderLimits; bucket: TokenBucket }>();
  const providers = new Map<RemoteProviderId, AiProvider>();

  function known(id: string): RemoteProviderId {
    if (!isRemoteProviderId(id)) throw new ProviderError('unknown-provider', id, `there is no AI provider "${id.slice(0, 40)}" (there are: ${REMOTE_PROVIDER_IDS.join(', ')})`);
    return id;
  }

  function access(id: RemoteProviderId): ProviderAccess {
    const settings = options.settings.get(id);
    const name = REMOTE_PROVIDERS[id].name;
    if (!settings.enabled) throw new ProviderError('disabled', id, `${name} is off: turn it on in Settings → AI (or clipshot ai enable ${id})`);
    if (settings.consentedAt === null) throw new ProviderError('no-consent', id, `${name} has not been consented to: turn it on again in Settings → AI and read what it would send`);
    return { endpoint: providerEndpoint(id, settings), limits: settings.limits };
  }

  /** One bucket per provider, shared by every caller; new limits make a new one. */
  function bucketFor(id: RemoteProviderId): TokenBucket {
    const limits = options.settings.get(id).limits;
    const current = buckets.get(id);
    if (current && current.limits.requestsPerMinute === limits.requestsPerMinute && current.limits.burst === limits.burst) return current.bucket;
    const bucket = new TokenBucket({ capacity: limits.burst, refillPerSecond: limits.requestsPerMinute / 60, maxWaitMs: options.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS });
    // A hold the service asked for outlives a change of limits.
    if (current) bucket.holdFor(current.bucket.heldForMs);
    buckets.set(id, { limits, bucket });
    return bucket;
  }

  async function readKey(id: RemoteProviderId, settings: ProviderSettings): Promise<string | null> {
    const name = REMOTE_PROVIDERS[id].name;
    if (settings.keyStore === null) return null;
    const store = stores.find((candidate) => candidate.name === settings.keyStore);
    const unreachable = () => new ProviderError('no-key', id, `the API key for ${name} is in the ${settings.keyStore} store, which cannot be reached now; turn ${name} on again with the key`);
    if (!store) throw unreachable();
    try {
      return await store.get(account(id));
    } catch (error) {
      if (error instanceof SecretStoreError) throw unreachable();
      throw error;
    }
  }

  async function apiKey(id: RemoteProviderId): Promise<string> {
    const key = await readKey(id, options.settings.get(id));
    if (key === null) throw new ProviderError('no-key', id, `no API key for ${REMOTE_PROVIDERS[id].name} is stored: turn it on again with a key in Settings → AI`);
    return key;
  }

  async function view(id: RemoteProviderId): Promise<ProviderView> {
    const settings = options.settings.get(id);
    const definition = REMOTE_PROVIDERS[id];
    const endpoint = providerEndpoint(id, settings);
    const hasKey = (await readKey(id, settings).catch(() => null)) !== null;
    return {
      id,
      name: definition.name,
      capabilities: [...definition.capabilities],
      enabled: settings.enabled,
      hasKey,
      keyStore: hasKey ? settings.keyStore : null,
      baseUrl: endpoint.baseUrl,
      host: endpoint.host,
      model: endpoint.model,
      embeddingModel: endpoint.embeddingModel,
      consentedAt: settings.consentedAt,
      consentText: providerConsentText(id, settings),
      limits: settings.limits,
    };
  }

  /** Into the first store that takes it; SecretStoreErrors from the others are passed over. */
  async function storeKey(id: RemoteProviderId, key: string): Promise<string> {
    let lastError: unknown = null;
    for (const store of stores) {
      try {
        await store.set(account(id), key);
        return store.name;
      } catch (error) {
        if (!(error instanceof SecretStoreError)) throw error;
        lastError = error;
      }
    }
    throw new ProviderError('no-key', id, `no place to keep the API key for ${REMOTE_PROVIDERS[id].name}: ${lastError instanceof Error ? lastError.message : 'every store refused it'}`);
  }

  async function turnOff(id: RemoteProviderId): Promise<void> {
    const current = options.settings.get(id);
    if (current.enabled) await options.settings.save(id, { ...current, enabled: false });
  }

  function providerOptions(id: RemoteProviderId): RemoteProviderOptions {
    return {
      access: () => access(id),
      apiKey: () => apiKey(id),
      get bucket() {
        return bucketFor(id);
      },
      ...(options.onRequest && { onRequest: options.onRequest }),
      ...(options.onRateLimited && { onRateLimited: options.onRateLimited }),
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.maxRetryWaitMs !== undefined && { maxRetryWaitMs: options.maxRetryWaitMs }),
    };
  }

  return {
    list: () => Promise.all(REMOTE_PROVIDER_IDS.map((id) => view(id))),
    view: (id) => view(known(id)),

    get(id) {
      const provider = known(id);
      access(provider);
      let instance = providers.get(provider);
      if (!instance) {
        instance = provider === 'openai' ? createOpenAiProvider(providerOptions(provider)) : createAnthropicProvider(providerOptions(provider));
        providers.set(provider, instance);
      }
      return instance;
    },

    async enable(id, enable) {
      const provider = known(id);
      const name = REMOTE_PROVIDERS[provider].name;
      const current = options.settings.get(provider);
      // Everything is checked before anything is written: a bad URL loses neither the old key nor the old settings.
      const baseUrl = enable.baseUrl === undefined ? null : normaliseBaseUrl(provider, enable.baseUrl);
      const model = enable.model === undefined ? null : checkModelName(provider, enable.model);
      if (enable.embeddingModel !== undefined && REMOTE_PROVIDERS[provider].defaultEmbeddingModel === null) throw new ProviderError('invalid-settings', provider, `${name} has no embeddings, so no embedding model can be set`);
      const embeddingModel = enable.embeddingModel === undefined ? null : checkModelName(provider, enable.embeddingModel);
      const limits = checkLimits(provider, enable.limits ?? {}, current.limits);
      const key = enable.apiKey === undefined ? null : checkApiKey(provider, enable.apiKey);
      if ((enable.consent as unknown) !== true) {
        throw new ProviderError('no-consent', provider, `${name} stays off: turning it on needs consent to what it would send (${consentText(provider, 'recognise-text', { baseUrl, model })})`);
      }
      let keyStore = current.keyStore;
      if (key !== null) {
        const previous = current.keyStore;
        keyStore = await storeKey(provider, key);
        if (previous !== null && previous !== keyStore) await stores.find((store) => store.name === previous)?.delete(account(provider)).catch(() => false);
      } else if ((await readKey(provider, current)) === null) {
        throw new ProviderError('no-key', provider, `turning on ${name} needs its API key`);
      }
      await options.settings.save(provider, { enabled: true, baseUrl, model, embeddingModel, consentedAt: now(), keyStore, limits });
      return view(provider);
    },

    async disable(id) {
      const provider = known(id);
      await turnOff(provider);
      return view(provider);
    },

    async forget(id) {
      const provider = known(id);
      // Off first: should deleting the key fail half-way, nothing is sent meanwhile.
      await turnOff(provider);
      for (const store of stores) await store.delete(account(provider)).catch(() => false);
      await options.settings.remove(provider);
      buckets.delete(provider);
      return view(provider);
    },

    consentText(id, capability, destination = {}) {
      const provider = known(id);
      const where = {
        baseUrl: destination.baseUrl === undefined ? null : normaliseBaseUrl(provider, destination.baseUrl),
        model: destination.model === undefined ? null : checkModelName(provider, destination.model),
        embeddingModel: destination.embeddingModel === undefined ? null : checkModelName(provider, destination.embeddingModel),
      };
      return capability === undefined ? providerConsentText(provider, where) : consentText(provider, capability, where);
    },
  };
}
