// A plugin's panels as the app serves them from its own origin: the panel's entry and the files in
// the entry's folder, nothing else of the plugin's package and nothing of any other plugin.
import path from 'node:path';
import semver from 'semver';
import { resolveStaticFile, type StaticFile } from '../server/static-files.js';
import { pluginIdProblem } from './manifest/manifest-schema.js';
import { readPackageManifest, type PluginStore } from './store/plugin-store.js';

export const PANEL_PATH_PREFIX = '/plugin-panels/';

/** `/plugin-panels/<id>/<version>/<entry>`: where a panel's page is served (a path of the app's own origin). */
export function panelUrl(pluginId: string, version: string, entry: string): string {
  return `${PANEL_PATH_PREFIX}${encodeURIComponent(pluginId)}/${encodeURIComponent(version)}/${entry.split('/').map(encodeURIComponent).join('/')}`;
}

export interface PanelFile extends StaticFile {
  /** The URL path of the folder it may load its scripts and styles from (its panel's folder). */
  folderPath: string;
}

/**
 * The installed file a panel path names, or null: the plugin and version must be installed, and
 * the file inside the folder of one of that version's panel entries.
 */
export async function resolvePanelFile(store: PluginStore, urlPath: string): Promise<PanelFile | null> {
  if (!urlPath.startsWith(PANEL_PATH_PREFIX)) return null;
  const [rawId, rawVersion, ...rest] = urlPath.slice(PANEL_PATH_PREFIX.length).split('/');
  let id: string;
  let version: string;
  try {
    id = decodeURIComponent(rawId ?? '');
    version = decodeURIComponent(rawVersion ?? '');
  } catch {
    return null;
  }
  if (pluginIdProblem(id) !== null || semver.valid(version) !== version || rest.length === 0) return null;
  const installed = await store.get(id).catch(() => null);
  if (installed === null || !(version in installed.record.versions)) return null;
  const versionDir = store.versionFolder(id, version);
  const manifest = await readPackageManifest(versionDir).catch(() => null);
  if (manifest === null) return null;
  const relative = rest.join('/');
  for (const panel of manifest.contributes.panels) {
    const folder = path.posix.dirname(panel.entry);
    const inFolder = folder === '.' ? relative : relative.startsWith(`${folder}/`) ? relative.slice(folder.length + 1) : null;
    if (inFolder === null) continue;
    const file = await resolveStaticFile(path.join(versionDir, ...folder.split('/')), inFolder);
    if (file) return { ...file, folderPath: `${PANEL_PATH_PREFIX}${encodeURIComponent(id)}/${encodeURIComponent(version)}/${folder === '.' ? '' : `${folder}/`}` };
  }
  return null;
}

/**
 * A panel page may load only its own folder's scripts and styles and reach no network at all
 * (default-src 'none': no fetch, no WebSocket, no images from elsewhere); only the app may frame it.
 */
export function panelSecurityHeaders(origin: string, file: PanelFile): Record<string, string> {
  const own = `${origin}${file.folderPath}`;
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src ${own}`,
      `style-src ${own}`,
      `img-src ${own} data:`,
      "frame-ancestors 'self'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'SAMEORIGIN',
    // The frame is sandboxed (an opaque origin), so its module scripts are CORS requests from "null".
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
}
