import type { AiCapability } from '../../../contract/analysis.js';
import { isLoopbackHost } from '../../server/hosts.js';
import { REMOTE_PROVIDERS, type RemoteProviderId } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';
import { providerEndpoint, type ProviderSettings } from './provider-settings.js';

type Destination = Partial<Pick<ProviderSettings, 'baseUrl' | 'model' | 'embeddingModel'>>;

const IMAGE = 'each analysed image (as PNG/JPEG, typically 100 KB–2 MB)';
const CAPABILITY_NAMES: Record<AiCapability, string> = {
  'recognise-text': 'Read text in images',
  tag: 'Suggest tags',
  describe: 'Describe images',
  embed: 'Text embeddings',
};

/**
 * What one capability would send, where, and under whose policy, in one plain statement: the
 * person reads this before a provider is turned on, so it names the real host and model.
 */
export function consentText(provider: RemoteProviderId, capability: AiCapability, destination: Destination = {}): string {
  const definition = REMOTE_PROVIDERS[provider];
  if (!definition.capabilities.has(capability)) throw new ProviderError('unsupported', provider, `${definition.name} cannot ${CAPABILITY_NAMES[capability].toLowerCase()} in ClipShot`);
  const endpoint = providerEndpoint(provider, { baseUrl: destination.baseUrl ?? null, model: destination.model ?? null, embeddingModel: destination.embeddingModel ?? null });
  const where = `${endpoint.host} (model ${capability === 'embed' ? endpoint.embeddingModel : endpoint.model})`;
  const what = {
    'recognise-text': `Sends ${IMAGE} to ${where}, which returns the text it reads in it.`,
    tag: `Sends ${IMAGE} and its recognised text, kind and file name to ${where}, which returns up to 5 tags.`,
    describe: `Sends ${IMAGE} to ${where}, which returns a one-sentence description.`,
    embed: `Sends the recognised text of each clip to ${where}, which returns numbers used to find similar clips.`,
  }[capability];
  return `${what} ${policy(provider, endpoint.baseUrl, endpoint.host)}`;
}

/** Everything a provider would send, capability by capability: the text shown when turning it on. */
export function providerConsentText(provider: RemoteProviderId, destination: Destination = {}): string {
  const definition = REMOTE_PROVIDERS[provider];
  const endpoint = providerEndpoint(provider, { baseUrl: destination.baseUrl ?? null, model: destination.model ?? null, embeddingModel: destination.embeddingModel ?? null });
  const lines = [...definition.capabilities].map((capability) => `- ${CAPABILITY_NAMES[capability]}: ${consentText(provider, capability, destination)}`);
  return [
    `Turning on ${definition.name} lets ClipShot send data from this device to ${endpoint.host} when clips are analysed:`,
    ...lines,
    `The API key is kept in this device's keychain (or the encrypted library when there is none) and sent only to ${endpoint.host}. Nothing is sent while ${definition.name} is off.`,
  ].join('\n');
}

function policy(provider: RemoteProviderId, baseUrl: string, host: string): string {
  const definition = REMOTE_PROVIDERS[provider];
  if (baseUrl === definition.defaultBaseUrl) return `${definition.name}'s data policy applies.`;
  if (isLoopbackHost(new URL(baseUrl).hostname.replace(/^\[|\]$/g, ''))) return `${host} is on this machine; the policy of whatever serves it applies.`;
  return `The data policy of whoever runs ${host} applies.`;
}
