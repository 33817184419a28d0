import { defineStore } from 'pinia';
import { onScopeDispose, reactive, ref, shallowRef, watch } from 'vue';
import { ApiError, type PluginOperationProgress, type PluginPanelView, type PluginsOverview } from '../../../contract/api.js';
import type { InstalledPluginView, MarketplacePluginView, PluginDetailsView, PluginLogEntry } from '../../../contract/plugins.js';
import { useApi } from '../api/use-api.js';
import { newOperationId } from '../bulk/bulk-progress.js';
import { describeError } from '../lib/describe-error.js';
import { useConnectionStore } from '../stores/connection.js';

/** What the person agreed to in the consent dialog: exactly these permissions, and (separately) an unsigned package. */
export interface PluginConsent {
  permissions: PluginDetailsView['permissions'];
  allowUnsigned: boolean;
}

/**
 * The Plugins panel's state: the installed plugins (fetched when the panel opens, then kept fresh
 * by 'plugins-changed' events: another window installed one, a plugin crashed or restarted), the
 * progress of installs and updates by operation, and the panels plugins asked to show.
 */
export const usePluginsStore = defineStore('plugins', () => {
  const api = useApi();
  const connection = useConnectionStore();
  const overview = shallowRef<PluginsOverview | null>(null);
  const failure = ref<{ unsupported: boolean; message: string } | null>(null);
  /** Installs and updates under way in this window, by operation id. */
  const progress = reactive(new Map<string, PluginOperationProgress>());
  /** The latest panel each plugin showed, by plugin id. */
  const panels = reactive(new Map<string, PluginPanelView>());
  let version = 0;

  function showPlugins(plugins: InstalledPluginView[]): void {
    version++;
    overview.value = { registry: overview.value?.registry ?? '', plugins };
    failure.value = null;
  }

  /** One plugin's answer, in place (or added). */
  function showOne(plugin: InstalledPluginView): void {
    if (!overview.value) return;
    version++;
    const others = overview.value.plugins.filter((candidate) => candidate.id !== plugin.id);
    overview.value = { ...overview.value, plugins: [...others, plugin].sort((a, b) => a.displayName.localeCompare(b.displayName)) };
  }

  async function refresh(): Promise<void> {
    const asked = version;
    try {
      const fresh = await api.pluginList({});
      if (asked !== version) return;
      version++;
      overview.value = fresh;
      failure.value = null;
    } catch (error) {
      if (asked !== version) return;
      failure.value = { unsupported: error instanceof ApiError && error.code === 'unsupported', message: describeError(error, 'list the plugins') };
    }
  }

  const unsubscribe = api.onEvent((event) => {
    if (event.type === 'plugins-changed') showPlugins(event.plugins);
    else if (event.type === 'plugin-progress' && progress.has(event.progress.operationId)) progress.set(event.progress.operationId, event.progress);
    else if (event.type === 'plugin-panel') panels.set(event.panel.pluginId, event.panel);
  });
  onScopeDispose(unsubscribe);
  // Events sent while the connection was down are lost.
  watch(
    () => connection.recoveries,
    () => void refresh(),
  );

  /** Runs an install or update with an operation id whose progress events are kept until it ends. */
  async function tracked(packageName: string, run: (operationId: string) => Promise<InstalledPluginView>): Promise<{ operationId: string; result: Promise<InstalledPluginView> }> {
    const operationId = newOperationId();
    progress.set(operationId, { operationId, packageName, stage: 'resolving', receivedBytes: 0, totalBytes: null });
    const result = run(operationId).then(
      (plugin) => {
        progress.delete(operationId);
        showOne(plugin);
        return plugin;
      },
      (error: unknown) => {
        progress.delete(operationId);
        throw error;
      },
    );
    return { operationId, result };
  }

  function search(query: string): Promise<MarketplacePluginView[]> {
    return api.pluginSearch({ query: query.trim(), limit: 30 });
  }

  function details(packageName: string, version?: string): Promise<PluginDetailsView> {
    return api.pluginDetails(version === undefined ? { packageName } : { packageName, version });
  }

  function install(details: PluginDetailsView, consent: PluginConsent) {
    return tracked(details.packageName, (operationId) => api.pluginInstall({ packageName: details.packageName, version: details.version, consent: { permissions: [...consent.permissions], allowUnsigned: consent.allowUnsigned }, operationId }));
  }

  function update(plugin: InstalledPluginView, details: PluginDetailsView, consent: PluginConsent) {
    return tracked(plugin.packageName, (operationId) => api.pluginUpdate({ id: plugin.id, version: details.version, consent: { permissions: [...consent.permissions], allowUnsigned: consent.allowUnsigned }, operationId }));
  }

  async function rollback(plugin: InstalledPluginView, version: string): Promise<InstalledPluginView> {
    const rolled = await api.pluginRollback({ id: plugin.id, version });
    showOne(rolled);
    return rolled;
  }

  async function remove(plugin: InstalledPluginView): Promise<string[]> {
    const removed = await api.pluginRemove({ id: plugin.id });
    panels.delete(plugin.id);
    if (overview.value) {
      version++;
      overview.value = { ...overview.value, plugins: overview.value.plugins.filter((candidate) => candidate.id !== plugin.id) };
    }
    return removed.versions;
  }

  function logs(plugin: InstalledPluginView): Promise<PluginLogEntry[]> {
    return api.pluginLogs({ id: plugin.id, limit: 200 });
  }

  async function runCommand(command: string): Promise<unknown> {
    return (await api.pluginRunCommand({ command })).result;
  }

  function closePanel(pluginId: string): void {
    panels.delete(pluginId);
  }

  return { overview, failure, progress, panels, refresh, search, details, install, update, rollback, remove, logs, runCommand, closePanel };
});
