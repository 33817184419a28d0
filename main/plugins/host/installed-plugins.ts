import path from 'node:path';
import { clipshotVersion } from '../manifest/app-version.js';
import { planActivation } from '../resolve/activation-plan.js';
import type { PluginStore } from '../store/plugin-store.js';
import type { PluginDescriptor } from './plugin-host.js';

/** A plugin's data beside its version folders; "_" never occurs in a version, so no version can take the name. */
export const PLUGIN_DATA_FOLDER = '_data';

export function pluginDataDir(pluginsDir: string, pluginId: string): string {
  return path.join(pluginsDir, pluginId, PLUGIN_DATA_FOLDER);
}

export interface RunnablePlugins {
  /** The active versions the host can run, each after the plugins it needs (planActivation's order). */
  plugins: PluginDescriptor[];
  /** Installed plugins that cannot run, with why: a damaged install, or needs that are not met. */
  blocked: { id: string; problem: string }[];
}

/**
 * What the host runs of the store's installed plugins. Permissions are those both granted
 * (install.json) and asked for by the active version.
 */
export async function runnablePlugins(store: PluginStore, appVersion: string = clipshotVersion()): Promise<RunnablePlugins> {
  const damaged = (await store.list()).filter((view) => view.status === 'invalid').map((view) => ({ id: view.id, problem: view.problem ?? 'its files cannot be read' }));
  const installed = await store.installed();
  const plan = planActivation(
    installed.map((plugin) => ({ ...plugin, id: plugin.manifest.id, version: plugin.manifest.version, engines: plugin.manifest.engines, dependencies: plugin.manifest.dependencies })),
    appVersion,
  );
  return {
    plugins: plan.order.map(({ manifest, dir, record }) => ({
      manifest,
      dir,
      dataDir: pluginDataDir(store.dir, manifest.id),
      permissions: manifest.permissions.filter((permission) => record.granted.includes(permission)),
    })),
    blocked: [...damaged, ...plan.blocked].sort((a, b) => a.id.localeCompare(b.id)),
  };
}
