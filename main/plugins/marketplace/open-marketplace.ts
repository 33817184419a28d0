import { clipshotVersion } from '../manifest/app-version.js';
import { Marketplace } from './marketplace.js';
import { normaliseRegistryUrl, readRegistrySetting } from './registry-settings.js';
import { TrustedKeys } from './trusted-keys.js';

/**
 * The marketplace as the person set it up in the plugins folder: their registry (or `registry`
 * for this once) and the publisher keys they trust.
 */
export async function openMarketplace(pluginsDir: string, options: { registry?: string | null; appVersion?: string; timeoutMs?: number } = {}): Promise<Marketplace> {
  const registry = options.registry ? normaliseRegistryUrl(options.registry) : await readRegistrySetting(pluginsDir);
  return new Marketplace({
    registry,
    trustedKeys: await new TrustedKeys(pluginsDir).list(),
    appVersion: options.appVersion ?? clipshotVersion(),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
}
