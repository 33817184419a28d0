import type { Library } from '../../library/library.js';
import type { SecretStore } from '../../security/secret-store.js';
import { rateLimitsOf } from '../../security/rate-limit/rate-limit-policy.js';
import { LibraryVaultSecretStore } from '../../sync/device-key-store.js';
import type { RemoteProviderId } from './provider-catalog.js';
import { createProviderRegistry, type ProviderRegistry, type ProviderRegistryOptions } from './provider-registry.js';
import { LibraryProviderSettingsStore } from './provider-settings-store.js';

/**
 * The keychain account of a provider's API key. Scoped to the library because the settings and
 * the consent are: forgetting OpenAI in one library must not take the key from another.
 */
export function providerKeyAccount(libraryId: string, id: RemoteProviderId): string {
  return `ai-provider:${libraryId}:${id}`;
}

export interface LibraryProviderRegistryOptions extends Omit<ProviderRegistryOptions, 'settings' | 'secrets' | 'keyAccount'> {
  /** The OS keychain when one is reachable (see availableKeychain); null: keys go into the library's encrypted vault. */
  readonly keychain: SecretStore | null;
}

/**
 * The registry as the app and the CLI use it: settings in the library's database, keys in the OS
 * keychain, else in the library's vault table (encrypted with the library key), as the device's
 * sync key is kept.
 */
export function openLibraryProviderRegistry(library: Library, options: LibraryProviderRegistryOptions): ProviderRegistry {
  const { keychain, ...rest } = options;
  const vault = new LibraryVaultSecretStore(library);
  return createProviderRegistry({
    ...rest,
    // Every attempt that leaves the device is audited: provider, capability, size and destination, never the data.
    onRequest: (report) => (library.audit.record({ kind: 'ai-request', actor: { type: 'device', id: 'this-device' }, details: { provider: report.provider, capability: report.capability, bytes: report.bytes, host: report.host, model: report.model, attempt: report.attempt } }), rest.onRequest?.(report)),
    // Trips of a provider's own limit (its settings: requests a minute and burst) are audited like every other limit's.
    onRateLimited: (provider, retryAfterMs) => (rateLimitsOf(library).tripped({ limit: 'ai-provider', key: provider, actor: { type: 'device', id: 'this-device' }, action: 'refused', retryAfterMs }), rest.onRateLimited?.(provider, retryAfterMs)),
    settings: new LibraryProviderSettingsStore(library),
    secrets: keychain ? [keychain, vault] : [vault],
    keyAccount: (id) => providerKeyAccount(library.libraryId, id),
  });
}
