import { PLUGIN_PIXELS_DEFAULT_SIDE, type PluginApiMethod, type PluginApiParams, type PluginPermission } from '../../../contract/plugins.js';
import { API_PARAM_SCHEMAS } from './api-params.js';
import { missingPermission } from './api-permissions.js';
import type { PluginLibraryAccess } from './library-access.js';
import { pluginFetch, type PluginFetchLimits } from './plugin-fetch.js';
import { PluginError } from './plugin-error.js';
import type { PluginStorage } from './plugin-storage.js';

/** What the host offers besides the library; absent ones answer 'host-error' in words. */
export interface PluginHostServices {
  library: PluginLibraryAccess | null;
  clipboard?: { writeText(text: string): Promise<void> };
  /** Shows a plugin's panel (the desktop app or the browser UI). */
  ui?: { showPanel(pluginId: string, panelId: string, data: unknown): Promise<void> };
}

export interface CallLimits {
  fetch: PluginFetchLimits;
  maxBlobBytes: number;
  defaultPageSize: number;
}

/** The plugin a call comes from, as the host knows it (never as the plugin says). */
export interface CallerContext {
  pluginId: string;
  permissions: readonly PluginPermission[];
  panels: readonly string[];
  storage: PluginStorage;
}

/**
 * Serves one call from a plugin: permission first (so a plugin learns nothing about the library
 * from a refused call), then params, then the method. Throws PluginError.
 */
export async function serveCall(services: PluginHostServices, limits: CallLimits, caller: CallerContext, method: PluginApiMethod, rawParams: unknown): Promise<unknown> {
  const refusal = missingPermission(method, caller.permissions);
  if (refusal) throw new PluginError('permission-denied', refusal);
  const parsed = API_PARAM_SCHEMAS[method].safeParse(rawParams);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PluginError('invalid-params', `${method}: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  const handler = HANDLERS[method] as (params: unknown, context: HandlerContext) => Promise<unknown>;
  return handler(parsed.data, { services, limits, caller });
}

interface HandlerContext {
  services: PluginHostServices;
  limits: CallLimits;
  caller: CallerContext;
}

const HANDLERS: { [M in PluginApiMethod]: (params: PluginApiParams[M], context: HandlerContext) => Promise<unknown> } = {
  'clips.list': ({ limit, cursor }, { services, limits }) => library(services).list({ limit: limit ?? limits.defaultPageSize, cursor: cursor ?? null }),
  'clips.get': ({ id }, { services }) => library(services).get(id),
  'clips.search': ({ query, limit }, { services, limits }) => library(services).search(query, limit ?? limits.defaultPageSize),
  'clips.createText': (params, { services, caller }) => library(services).createText(caller.pluginId, params),
  'clips.update': ({ id, changes }, { services }) => library(services).update(id, changes),
  'clips.addTags': ({ id, tags }, { services }) => library(services).addTags(id, tags),
  'blobs.read': ({ hash }, { services, limits }) => library(services).readBlob(hash, limits.maxBlobBytes),
  'blobs.readPixels': ({ hash, maxSide }, { services, limits }) => library(services).readPixels(hash, maxSide ?? PLUGIN_PIXELS_DEFAULT_SIDE, limits.maxBlobBytes),
  'net.fetch': (params, { limits, caller }) => pluginFetch(params, caller.permissions, limits.fetch),
  'clipboard.writeText': async ({ text }, { services }) => {
    if (!services.clipboard) throw new PluginError('host-error', 'clipboard.writeText: this ClipShot has no clipboard (it runs without a desktop)');
    await services.clipboard.writeText(text);
    return null;
  },
  'ui.showPanel': async ({ panelId, data }, { services, caller }) => {
    if (!caller.panels.includes(panelId)) throw new PluginError('not-found', `ui.showPanel: the plugin contributes no panel "${panelId}"`);
    if (!services.ui) throw new PluginError('host-error', 'ui.showPanel: no window is open to show the panel in');
    await services.ui.showPanel(caller.pluginId, panelId, data);
    return null;
  },
  'storage.get': ({ key }, { caller }) => caller.storage.get(key),
  'storage.set': async ({ key, value }, { caller }) => {
    await caller.storage.set(key, value);
    return null;
  },
};

function library(services: PluginHostServices): PluginLibraryAccess {
  if (!services.library) throw new PluginError('host-error', 'no library is open');
  return services.library;
}
