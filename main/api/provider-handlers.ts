// The API's AI provider methods (Settings → AI providers): the on-device provider, and turning a
// remote one on (only with the person's consent to the very text they were shown), off, or
// forgetting it. No answer and no event ever carries an API key: views are built field by field.
import type { AiCapability } from '../../contract/analysis.js';
import type { AiProvidersView, LocalProviderView, RemoteProviderView } from '../../contract/ai-settings.js';
import { ApiError, type API_REQUEST_SCHEMAS, type ApiErrorCode, type ApiEvent, type ApiResults } from '../../contract/api.js';
import type { ModelStore } from '../ai/models/model-store.js';
import { isRemoteProviderId, REMOTE_PROVIDERS } from '../ai/providers/provider-catalog.js';
import { ProviderError, type ProviderErrorKind } from '../ai/providers/provider-error.js';
import type { ProviderRegistry, ProviderView } from '../ai/providers/provider-registry.js';
import { toApiError } from './api-errors.js';

type ProviderMethod = 'aiProviders' | 'providerConsentText' | 'enableProvider' | 'disableProvider' | 'forgetProvider';
type Params<M extends ProviderMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type ProviderHandlers = { [M in ProviderMethod]: (params: Params<M>) => Promise<ApiResults[M]> };

export interface ProviderHandlerOptions {
  providers: ProviderRegistry | undefined;
  /** What the on-device provider can do follows from the installed models. */
  models?: ModelStore | undefined;
  emit: (event: ApiEvent) => void;
}

const API_CODES: Partial<Record<ProviderErrorKind, ApiErrorCode>> = {
  'unknown-provider': 'not-found',
  'invalid-settings': 'invalid-request',
  'no-consent': 'invalid-request',
  'no-key': 'invalid-request',
  unsupported: 'invalid-request',
  disabled: 'invalid-request',
};

function providerApiError(error: unknown): ApiError {
  if (error instanceof ProviderError) return new ApiError(API_CODES[error.kind] ?? 'internal', error.message);
  return toApiError(error);
}

/** A field left empty in the form means the provider's own. */
function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function remoteProviderView(view: ProviderView): RemoteProviderView {
  const definition = REMOTE_PROVIDERS[view.id];
  return {
    id: view.id,
    name: view.name,
    capabilities: [...view.capabilities],
    enabled: view.enabled,
    hasKey: view.hasKey,
    keyStore: view.keyStore,
    baseUrl: view.baseUrl,
    host: view.host,
    model: view.model,
    embeddingModel: view.embeddingModel,
    defaultBaseUrl: definition.defaultBaseUrl,
    defaultModel: definition.defaultModel,
    consentedAt: view.consentedAt,
    consentText: view.consentText,
  };
}

export function createProviderHandlers(options: ProviderHandlerOptions): ProviderHandlers {
  const { providers: registry } = options;

  function need(): ProviderRegistry {
    if (!registry) throw new ApiError('unsupported', 'AI providers cannot be set up in this instance of ClipShot');
    return registry;
  }

  const local = async (): Promise<LocalProviderView> => {
    const listing = await options.models?.list();
    const capabilities = new Set<AiCapability>();
    for (const model of listing?.models ?? []) if (model.state === 'bundled' || model.state === 'installed') capabilities.add(model.task);
    return { id: 'local', name: 'On this device', capabilities: [...capabilities] };
  };

  const everything = async (running: ProviderRegistry): Promise<AiProvidersView> => ({ local: await local(), remote: (await running.list()).map(remoteProviderView) });

  /** Other windows show the change too. */
  const announce = async (running: ProviderRegistry) => {
    try {
      options.emit({ type: 'providers-changed', providers: await everything(running) });
    } catch {
      // A window asks again when it next opens the settings.
    }
  };

  const guard = <P, R>(work: (params: P, registry: ProviderRegistry) => Promise<R>) => async (params: P): Promise<R> => {
    const running = need();
    try {
      return await work(params, running);
    } catch (error) {
      throw providerApiError(error);
    }
  };

  const name = (id: string) => (isRemoteProviderId(id) ? REMOTE_PROVIDERS[id].name : id);

  return {
    aiProviders: guard((_params, running) => everything(running)),
    providerConsentText: guard(async ({ id, baseUrl, model, embeddingModel }, running) => ({
      text: running.consentText(id, undefined, destination({ baseUrl, model, embeddingModel })),
    })),
    enableProvider: guard(async ({ id, consentText, apiKey, baseUrl, model, embeddingModel }, running) => {
      const where = destination({ baseUrl, model, embeddingModel });
      // Consent is to a text: the settings sent must be those the person read it for.
      const shown = running.consentText(id, undefined, where);
      if (consentText.replace(/\r\n/g, '\n').trim() !== shown.trim()) {
        throw new ApiError('invalid-request', `what ${name(id)} would send is not what was agreed to (the settings changed since): read it again and agree to turn it on`);
      }
      const view = await running.enable(id, { consent: true, ...(given(apiKey) !== undefined && { apiKey: apiKey! }), ...where });
      await announce(running);
      return remoteProviderView(view);
    }),
    disableProvider: guard(async ({ id }, running) => {
      const view = await running.disable(id);
      await announce(running);
      return remoteProviderView(view);
    }),
    forgetProvider: guard(async ({ id }, running) => {
      const view = await running.forget(id);
      await announce(running);
      return remoteProviderView(view);
    }),
  };
}

function destination(fields: { baseUrl?: string | undefined; model?: string | undefined; embeddingModel?: string | undefined }): { baseUrl?: string; model?: string; embeddingModel?: string } {
  const baseUrl = given(fields.baseUrl);
  const model = given(fields.model);
  const embeddingModel = given(fields.embeddingModel);
  return { ...(baseUrl !== undefined && { baseUrl }), ...(model !== undefined && { model }), ...(embeddingModel !== undefined && { embeddingModel }) };
}
