import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defaultLibraryDir } from '../../library/library-paths.js';
import { readFolderManifest, type ManifestReader } from './folder-manifest.js';
import type { PluginDescriptor } from './plugin-host.js';

export const PLUGINS_DIR_ENV = 'CLIPSHOT_PLUGINS_DIR';
/** A plugin's data beside its version folders; "_" never occurs in a version, so no version can take the name. */
export const PLUGIN_DATA_FOLDER = '_data';

/** `$CLIPSHOT_PLUGINS_DIR`, else `plugins` beside the default library in the per-user data folder (the store's rule). */
export function pluginsDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[PLUGINS_DIR_ENV];
  return fromEnv ? path.resolve(fromEnv) : path.join(path.dirname(defaultLibraryDir()), 'plugins');
}

export function pluginDataDir(pluginsDir: string, pluginId: string): string {
  return path.join(pluginsDir, pluginId, PLUGIN_DATA_FOLDER);
}

/** The part of install.json the host needs: which version runs, and what the person granted. */
const installRecordSchema = z.object({ id: z.string(), active: z.string().regex(/^[0-9A-Za-z.+-]+$/), granted: z.array(z.string()) });

/**
 * The installed plugins' active versions, dependencies before the plugins that need them. A
 * plugin whose record or manifest cannot be read is left out and named through `onProblem`.
 * Permissions are those both granted and asked for by the active version.
 */
export async function readInstalledPlugins(pluginsDir: string, options: { readManifest?: ManifestReader; onProblem?: (pluginId: string, problem: string) => void } = {}): Promise<PluginDescriptor[]> {
  const readManifest = options.readManifest ?? readFolderManifest;
  let entries: Dirent[];
  try {
    entries = await fs.readdir(pluginsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: PluginDescriptor[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const folder = path.join(pluginsDir, entry.name);
    try {
      const record = installRecordSchema.parse(JSON.parse(await fs.readFile(path.join(folder, 'install.json'), 'utf8')));
      const dir = path.join(folder, record.active);
      const manifest = await readManifest(dir);
      if (manifest.id !== entry.name) throw new Error(`its manifest says id ${manifest.id}`);
      found.push({ manifest, dir, dataDir: pluginDataDir(pluginsDir, manifest.id), permissions: manifest.permissions.filter((permission) => record.granted.includes(permission)) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(await exists(path.join(folder, 'install.json')))) continue;
      options.onProblem?.(entry.name, (error as Error).message);
    }
  }
  return dependenciesFirst(found);
}

function dependenciesFirst(plugins: PluginDescriptor[]): PluginDescriptor[] {
  const byId = new Map(plugins.map((plugin) => [plugin.manifest.id, plugin]));
  const ordered: PluginDescriptor[] = [];
  const visited = new Set<string>();
  const visit = (plugin: PluginDescriptor) => {
    if (visited.has(plugin.manifest.id)) return;
    visited.add(plugin.manifest.id);
    for (const dependency of Object.keys(plugin.manifest.dependencies)) {
      const needed = byId.get(dependency);
      if (needed) visit(needed);
    }
    ordered.push(plugin);
  };
  for (const plugin of [...plugins].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id))) visit(plugin);
  return ordered;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
