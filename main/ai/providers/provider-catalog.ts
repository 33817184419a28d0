import type { AiCapability } from '../../../contract/analysis.js';

export const REMOTE_PROVIDER_IDS = ['openai', 'anthropic'] as const;
export type RemoteProviderId = (typeof REMOTE_PROVIDER_IDS)[number];

/** What ClipShot knows about a remote service before the person configures anything. */
export interface RemoteProviderDefinition {
  readonly id: RemoteProviderId;
  /** As a person reads it: "OpenAI". */
  readonly name: string;
  readonly capabilities: ReadonlySet<AiCapability>;
  readonly defaultBaseUrl: string;
  /** A vision model: reads text, tags, describes. */
  readonly defaultModel: string;
  /** Text embeddings; null where the service has none. */
  readonly defaultEmbeddingModel: string | null;
}

export const REMOTE_PROVIDERS: Readonly<Record<RemoteProviderId, RemoteProviderDefinition>> = {
  openai: {
    id: 'openai',
    name: 'OpenAI',
    capabilities: new Set<AiCapability>(['recognise-text', 'tag', 'describe', 'embed']),
    defaultBaseUrl: 'https://api.openai.com/v1',
    defaultModel: 'gpt-4o-mini',
    defaultEmbeddingModel: 'text-embedding-3-small',
  },
  anthropic: {
    id: 'anthropic',
    name: 'Anthropic',
    capabilities: new Set<AiCapability>(['recognise-text', 'tag', 'describe']),
    // The SDK appends /v1/messages itself.
    defaultBaseUrl: 'https://api.anthropic.com',
    defaultModel: 'claude-haiku-4-5',
    defaultEmbeddingModel: null,
  },
};

export function isRemoteProviderId(id: string): id is RemoteProviderId {
  return (REMOTE_PROVIDER_IDS as readonly string[]).includes(id);
}
