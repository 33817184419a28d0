import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { ModelDownloadPlan, ModelImportResult, ModelsStatus } from '../../../contract/ai-settings.js';
import { ApiError } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';
import { describeError } from '../lib/describe-error.js';
import { useConnectionStore } from '../stores/connection.js';

type Consent = { remainingBytes: number; hosts: string[] };

/**
 * The Models panel's state: the catalog with each model's state, fetched when the panel opens and
 * then kept fresh by 'models-changed' events (a download's progress among them), and what the
 * person asks of it. A download starts only with the consent the person gave in this window.
 */
export const useModelsStore = defineStore('models', () => {
  const api = useApi();
  const connection = useConnectionStore();
  const status = shallowRef<ModelsStatus | null>(null);
  /** Why there is no status: models are not managed by this instance, or the request failed. */
  const failure = ref<{ unsupported: boolean; message: string } | null>(null);
  /** What the person agreed to download, per model: Retry after a failure stays within it without asking again. */
  const agreed = new Map<string, Consent>();
  // Bumped by every event and answer: an answer to a request sent before is older than what is shown.
  let version = 0;

  function show(fresh: ModelsStatus): void {
    version++;
    status.value = fresh;
    failure.value = null;
  }

  async function refresh(): Promise<void> {
    const asked = version;
    try {
      const fresh = await api.listModels({});
      if (asked === version) show(fresh);
    } catch (error) {
      if (asked !== version) return;
      failure.value = { unsupported: error instanceof ApiError && error.code === 'unsupported', message: describeError(error, 'list the models') };
    }
  }

  const unsubscribe = api.onEvent((event) => {
    if (event.type === 'models-changed') show(event.status);
  });
  onScopeDispose(unsubscribe);
  // Events sent while the connection was down are lost.
  watch(
    () => connection.recoveries,
    () => void refresh(),
  );

  function plan(id: string): Promise<ModelDownloadPlan> {
    return api.planModelInstall({ id });
  }

  /** Starts the download the person agreed to in the consent dialog. */
  async function install(downloadPlan: ModelDownloadPlan): Promise<void> {
    const consent = { remainingBytes: downloadPlan.remainingBytes, hosts: [...downloadPlan.hosts] };
    show(await api.installModel({ id: downloadPlan.id, consent }));
    agreed.set(downloadPlan.id, consent);
  }

  /** Whether Retry can go ahead on what was agreed in this window (else it asks again). */
  function canRetry(id: string): boolean {
    return agreed.has(id);
  }

  async function retry(id: string): Promise<void> {
    const consent = agreed.get(id);
    if (!consent) throw new Error('nothing was agreed to for this model in this window');
    show(await api.installModel({ id, consent }));
  }

  async function cancel(id: string): Promise<void> {
    show(await api.cancelModelInstall({ id }));
  }

  async function remove(id: string): Promise<number> {
    const removed = await api.removeModel({ id });
    agreed.delete(id);
    await refresh();
    return removed.freedBytes;
  }

  /** From a folder typed, or (without one) the folder the desktop app asks for; null when that was closed without choosing. */
  async function importFrom(folder?: string): Promise<ModelImportResult | null> {
    const result = await api.importModels(folder === undefined ? {} : { folder });
    await refresh();
    return result;
  }

  return { status, failure, refresh, plan, install, canRetry, retry, cancel, remove, importFrom };
});
