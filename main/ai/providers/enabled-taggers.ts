import type { AiProvider } from '../ai-provider.js';
import { REMOTE_PROVIDER_IDS } from './provider-catalog.js';
import type { ProviderRegistry } from './provider-registry.js';

/**
 * The remote providers that may tag right now: turned on, consented to, able to tag. Asked for
 * every clip, so a provider turned off in Settings gets no further request.
 */
export function enabledRemoteTaggers(registry: ProviderRegistry): () => AiProvider[] {
  return () =>
    REMOTE_PROVIDER_IDS.flatMap((id) => {
      try {
        const provider = registry.get(id);
        return provider.capabilities.has('tag') ? [provider] : [];
      } catch {
        // Off, not consented to, or without a key: not asked.
        return [];
      }
    });
}
