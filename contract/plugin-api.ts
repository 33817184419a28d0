// The Plugins panel's part of ClipShotApi (contract/api.ts): the marketplace (search, details
// with the permissions before anything is installed), installing and updating with the
// permissions the person agreed to, rollback, removal, logs, and running a contributed command.
import { z } from 'zod';
import { FIXED_PLUGIN_PERMISSIONS, type InstalledPluginView, type MarketplacePluginView, type PluginDetailsView, type PluginLogEntry, type PluginPermission } from './plugins.js';

const pluginId = z
  .string()
  .max(100, 'no plugin has so long an id')
  .regex(/^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+$/, 'not a plugin id (lower-case words joined by dots, like "acme.gallery")');
const packageName = z
  .string()
  .min(1, 'no package is named')
  .max(214, 'no npm package has so long a name')
  .regex(/^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/, 'not an npm package name');
const version = z
  .string()
  .max(64, 'no version is that long')
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'not a version (like 1.2.0)');
const permission = z
  .string()
  .max(260)
  .refine((value) => (FIXED_PLUGIN_PERMISSIONS as readonly string[]).includes(value) || /^net:[a-z0-9.-]{1,253}$/.test(value), 'not a plugin permission') as unknown as z.ZodType<PluginPermission, string>;
/** Chosen by the window, so that it can match 'plugin-progress' events to its request. */
const operationId = z.string().regex(/^[0-9a-f]{32}$/, 'an operation id is 32 hexadecimal characters');
/**
 * Exactly what the person agreed to, as the details showed it: the core refuses a package that
 * asks for any permission not in this list (it changed since), and an unsigned package unless
 * `allowUnsigned` (a separate, explicit choice).
 */
const consent = z
  .object({ permissions: z.array(permission).max(100), allowUnsigned: z.boolean() }, { error: 'nothing is installed without consent: give the permissions the person agreed to' })
  .strict();
/** "<plugin id>.<name>", as the manifest contributes it. */
const commandId = z.string().min(3).max(200, 'no command has so long an id').regex(/^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9_-]*)+$/i, 'not a command id');

export const PLUGIN_REQUEST_SCHEMAS = {
  /** Every installed plugin with its state, and the registry the marketplace searches. */
  pluginList: z.object({}).strict(),
  /** Plugins in the registry (packages with the keyword clipshot-plugin) matching the words; no words: the most popular. */
  pluginSearch: z.object({ query: z.string().max(200, 'a search is at most 200 characters'), limit: z.number().int().min(1).max(100).optional() }).strict(),
  /** One package's details: its permissions (and, for an installed plugin, those the version would add), versions, signature and compatibility. Without a version: the newest compatible one. */
  pluginDetails: z.object({ packageName, version: version.optional() }).strict(),
  /** Installs a package from the registry; progress arrives as 'plugin-progress' events. */
  pluginInstall: z.object({ packageName, version: version.optional(), consent, operationId: operationId.optional() }).strict(),
  /** Updates an installed plugin (to the newest compatible version unless one is named), keeping the one before for rollback. */
  pluginUpdate: z.object({ id: pluginId, version: version.optional(), consent, operationId: operationId.optional() }).strict(),
  /** Makes an installed earlier version the active one again (without a version: the one before the active one). */
  pluginRollback: z.object({ id: pluginId, version: version.optional() }).strict(),
  /** Stops the plugin and deletes every installed version of it and what it stored. */
  pluginRemove: z.object({ id: pluginId }).strict(),
  /** The plugin's latest log lines (oldest first). */
  pluginLogs: z.object({ id: pluginId, limit: z.number().int().min(1).max(1000).optional() }).strict(),
  /** Runs a contributed command, starting its plugin if needed; `args` is handed to it as JSON. */
  pluginRunCommand: z.object({ command: commandId, args: z.json().optional() }).strict(),
} as const;

export type PluginRequestMethod = keyof typeof PLUGIN_REQUEST_SCHEMAS;
export const PLUGIN_REQUEST_METHODS = Object.keys(PLUGIN_REQUEST_SCHEMAS) as PluginRequestMethod[];

export interface PluginsOverview {
  plugins: InstalledPluginView[];
  /** The registry's URL, for the marketplace to say where it searches. */
  registry: string;
}

export const PLUGIN_INSTALL_STAGES = ['resolving', 'downloading', 'verifying', 'extracting', 'activating'] as const;
export type PluginInstallStage = (typeof PLUGIN_INSTALL_STAGES)[number];

/** An install or update as it goes (the request's own answer says how it ended). */
export interface PluginOperationProgress {
  operationId: string;
  packageName: string;
  stage: PluginInstallStage;
  receivedBytes: number;
  /** The tarball's size, once the registry has said it. */
  totalBytes: number | null;
}

/** A plugin panel to show: the plugin called ui.showPanel. */
export interface PluginPanelView {
  pluginId: string;
  panelId: string;
  title: string;
  /**
   * Where the core serves the panel's entry file (its own origin's path, with a CSP that allows
   * only the panel's own files): shown in a frame sandboxed to scripts alone.
   */
  url: string;
  /** What the plugin handed to ui.showPanel; posted to the frame as a PluginPanelDataMessage. */
  data: unknown;
}

export interface PluginApiResults {
  pluginList: PluginsOverview;
  pluginSearch: MarketplacePluginView[];
  pluginDetails: PluginDetailsView;
  pluginInstall: InstalledPluginView;
  pluginUpdate: InstalledPluginView;
  pluginRollback: InstalledPluginView;
  /** The versions deleted. */
  pluginRemove: { id: string; versions: string[] };
  pluginLogs: PluginLogEntry[];
  /** What the command returned (JSON); a panel it shows comes as a 'plugin-panel' event. */
  pluginRunCommand: { result: unknown };
}

export type PluginApiEvent =
  /** A plugin was installed, updated, rolled back or removed, or its state changed (started, crashed, restarted): the whole list. */
  | { type: 'plugins-changed'; plugins: InstalledPluginView[] }
  | { type: 'plugin-progress'; progress: PluginOperationProgress }
  | { type: 'plugin-panel'; panel: PluginPanelView };
