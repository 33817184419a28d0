import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { AiProvidersView, RemoteProviderView } from '../../../contract/ai-settings.js';
import { ApiError } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';
import { describeError } from '../lib/describe-error.js';
import { useConnectionStore } from '../stores/connection.js';

/** What the enable form holds; an empty field means the provider's own. */
export interface ProviderFields {
  baseUrl: string;
  model: string;
}

/**
 * The AI providers as the settings show them: fetched when the section opens, then kept fresh by
 * 'providers-changed' events (another window turned one on or off). The API key goes out once,
 * with enable, and never comes back.
 */
export const useProvidersStore = defineStore('ai-providers', () => {
  const api = useApi();
  const connection = useConnectionStore();
  const view = shallowRef<AiProvidersView | null>(null);
  const failure = ref<{ unsupported: boolean; message: string } | null>(null);
  let version = 0;

  function show(fresh: AiProvidersView): void {
    version++;
    view.value = fresh;
    failure.value = null;
  }

  /** One provider's answer, in place. */
  function showOne(provider: RemoteProviderView): void {
    if (!view.value) return;
    version++;
    view.value = { ...view.value, remote: view.value.remote.map((candidate) => (candidate.id === provider.id ? provider : candidate)) };
  }

  async function refresh(): Promise<void> {
    const asked = version;
    try {
      const fresh = await api.aiProviders({});
      if (asked === version) show(fresh);
    } catch (error) {
      if (asked !== version) return;
      failure.value = { unsupported: error instanceof ApiError && error.code === 'unsupported', message: describeError(error, 'read the AI providers') };
    }
  }

  const unsubscribe = api.onEvent((event) => {
    if (event.type === 'providers-changed') show(event.providers);
  });
  onScopeDispose(unsubscribe);
  watch(
    () => connection.recoveries,
    () => void refresh(),
  );

  async function consentText(id: string, fields: ProviderFields): Promise<string> {
    return (await api.providerConsentText({ id, baseUrl: fields.baseUrl, model: fields.model })).text;
  }

  /** `consentText` is the text the person read and agreed to for exactly these fields. */
  async function enable(id: string, fields: ProviderFields, consentText: string, apiKey: string): Promise<RemoteProviderView> {
    const provider = await api.enableProvider({ id, consent: true, consentText, baseUrl: fields.baseUrl, model: fields.model, ...(apiKey.trim() !== '' && { apiKey }) });
    showOne(provider);
    return provider;
  }

  async function disable(id: string): Promise<void> {
    showOne(await api.disableProvider({ id }));
  }

  async function forget(id: string): Promise<void> {
    showOne(await api.forgetProvider({ id }));
  }

  return { view, failure, refresh, consentText, enable, disable, forget };
});
