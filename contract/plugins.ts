// The typed contract of plugins, shared by the plugin host (main), the SDK plugins are written
// against, the CLI and the renderer's Plugins panel. A plugin is an npm package whose
// package.json carries a `clipshot` field (the manifest); it runs in a process of its own and can
// do nothing except through the RPC methods below, each checked against its permissions.

/** The version of the RPC API below; a manifest names the one it was written for. */
export const PLUGIN_API_VERSION = 1;

/** Permissions with a fixed name; `net:<host>` (e.g. `net:api.example.com`) is the one pattern. */
export const FIXED_PLUGIN_PERMISSIONS = ['clips:read', 'clips:write', 'blobs:read', 'ui:panel', 'clipboard'] as const;
export type FixedPluginPermission = (typeof FIXED_PLUGIN_PERMISSIONS)[number];
export type PluginPermission = FixedPluginPermission | `net:${string}`;

export interface CommandContribution {
  /** Global id, prefixed by the plugin's id: "<plugin id>.<name>". */
  id: string;
  title: string;
}
export interface ImporterContribution {
  id: string;
  title: string;
  /** Lower-case file extensions without the dot. */
  extensions: string[];
}
export interface ExporterContribution {
  id: string;
  title: string;
  /** The extension of the file it writes, without the dot. */
  extension: string;
}
export interface AnalyzerContribution {
  id: string;
  title: string;
  kinds: ('image' | 'video' | 'text')[];
}
export interface PanelContribution {
  id: string;
  title: string;
  /** An HTML file inside the plugin's folder, shown in a sandboxed frame. */
  entry: string;
}
export interface ThemeContribution {
  id: string;
  title: string;
  /** A JSON file inside the plugin's folder with the theme's colour tokens. */
  path: string;
}
export interface KeybindingContribution {
  command: string;
  /** In the app's shortcut notation, e.g. "Ctrl+Shift+P". */
  key: string;
}

export interface PluginContributions {
  commands: CommandContribution[];
  importers: ImporterContribution[];
  exporters: ExporterContribution[];
  analyzers: AnalyzerContribution[];
  panels: PanelContribution[];
  themes: ThemeContribution[];
  keybindings: KeybindingContribution[];
}

/**
 * When a plugin's process starts: 'onStartup', or on first use of a contribution:
 * 'onCommand:<id>', 'onImport:<id>', 'onExport:<id>', 'onAnalyze:<id>', 'onPanel:<id>'.
 * Themes need no process.
 */
export type ActivationEvent = 'onStartup' | `onCommand:${string}` | `onImport:${string}` | `onExport:${string}` | `onAnalyze:${string}` | `onPanel:${string}`;

/** The validated manifest: package.json's name/version plus its `clipshot` field. */
export interface PluginManifest {
  /** Lower-case, dot-separated, e.g. "clipshot.gallery-exporter"; unique among plugins. */
  id: string;
  /** The npm package name it is published under. */
  packageName: string;
  version: string;
  displayName: string;
  description: string;
  /** A semver range of ClipShot versions it works with. */
  engines: { clipshot: string };
  apiVersion: number;
  /** The entry module, relative to the plugin's folder; absent for a theme-only plugin. */
  main: string | null;
  permissions: PluginPermission[];
  /** Other plugins it needs: plugin id → semver range. */
  dependencies: Record<string, string>;
  activationEvents: ActivationEvent[];
  contributes: PluginContributions;
}

/** Messages from the host to a plugin process. */
export type HostToPluginMessage =
  | { type: 'activate'; manifest: PluginManifest; state: unknown }
  | { type: 'invoke'; id: number; contribution: keyof PluginContributions; contributionId: string; args: unknown }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: PluginErrorShape }
  /** Asks for the state to hand over to the next instance (hot reload); the plugin answers 'state'. */
  | { type: 'deactivate' }
  /** The host's heartbeat: a plugin that does not answer 'pong' in time is stopped (a busy loop, a hang). */
  | { type: 'ping'; id: number };

/** Messages from a plugin process to the host. */
export type PluginToHostMessage =
  /** The runtime is listening: the host may send 'activate' (a message sent earlier could be lost). */
  | { type: 'ready' }
  /** The entry module loaded and its `activate` returned: invocations may follow. */
  | { type: 'activated' }
  /** The entry module could not be loaded, or its `activate` threw; the process exits next. */
  | { type: 'activation-failed'; message: string }
  | { type: 'pong'; id: number }
  | { type: 'call'; id: number; method: PluginApiMethod; params: unknown }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: PluginErrorShape }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'state'; state: unknown };

/** Everything a plugin can ask of the host, with the permission each needs (null: none). */
export const PLUGIN_API_PERMISSIONS = {
  'clips.list': 'clips:read',
  'clips.get': 'clips:read',
  'clips.search': 'clips:read',
  'clips.createText': 'clips:write',
  'clips.update': 'clips:write',
  'clips.addTags': 'clips:write',
  'blobs.read': 'blobs:read',
  'blobs.readPixels': 'blobs:read',
  'net.fetch': 'net',
  'clipboard.writeText': 'clipboard',
  'ui.showPanel': 'ui:panel',
  'storage.get': null,
  'storage.set': null,
} as const satisfies Record<string, FixedPluginPermission | 'net' | null>;
export type PluginApiMethod = keyof typeof PLUGIN_API_PERMISSIONS;

/** The `params` of a 'call' message for each method (how the runtime encodes PluginHostApi's arguments). */
export interface PluginApiParams {
  'clips.list': { limit?: number; cursor?: string | null };
  'clips.get': { id: string };
  'clips.search': { query: string; limit?: number };
  'clips.createText': { text: string; title?: string; tags?: string[] };
  'clips.update': { id: string; changes: { title?: string; notes?: string } };
  'clips.addTags': { id: string; tags: string[] };
  'blobs.read': { hash: string };
  'blobs.readPixels': { hash: string; maxSide?: number };
  'net.fetch': { url: string; init?: { method?: string; headers?: Record<string, string>; body?: string } };
  'clipboard.writeText': { text: string };
  'ui.showPanel': { panelId: string; data?: unknown };
  'storage.get': { key: string };
  'storage.set': { key: string; value: unknown };
}

export const PLUGIN_ERROR_CODES = [
  'permission-denied', // the plugin lacks the permission the method needs
  'invalid-params',
  'unknown-method',
  'timeout', // a call or an invocation took longer than allowed
  'rate-limited', // the plugin called the host faster than allowed
  'not-found',
  'plugin-failed', // the plugin threw, crashed or was stopped
  'host-error',
] as const;
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];
export interface PluginErrorShape {
  code: PluginErrorCode;
  message: string;
}

export type PluginStatus = 'inactive' | 'starting' | 'active' | 'crashed' | 'stopped' | 'disabled' | 'invalid';

/** An installed plugin as the CLI and the Plugins panel show it. */
export interface InstalledPluginView {
  id: string;
  packageName: string;
  displayName: string;
  description: string;
  /** The active version. */
  version: string;
  /** Every installed version (newest first), so a person can roll back. */
  versions: string[];
  permissions: PluginPermission[];
  /** How it was verified at install: a trusted key's fingerprint, or 'unsigned' (allowed explicitly). */
  signature: { keyFingerprint: string } | 'unsigned';
  source: 'registry' | 'tarball' | 'folder';
  status: PluginStatus;
  /** Why it is crashed, stopped or invalid. */
  problem: string | null;
  restarts: number;
  contributes: PluginContributions;
}

/** A registry search hit. */
export interface MarketplacePluginView {
  packageName: string;
  id: string | null;
  version: string;
  description: string;
  publisher: string | null;
}

/** What a person sees before installing or updating: above all, the permissions asked for. */
export interface PluginDetailsView extends MarketplacePluginView {
  permissions: PluginPermission[];
  /** Permissions the update adds to those the installed version has (empty on install). */
  newPermissions: PluginPermission[];
  versions: string[];
  signed: boolean;
  compatible: boolean;
}

/** One line of a plugin's log, kept by the host for the panel and `clipshot plugin logs`. */
export interface PluginLogEntry {
  at: number;
  pluginId: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A clip as plugins see it: no blobs inline; originals and thumbnails through `blobs.read`. */
export interface PluginClip {
  id: string;
  kind: 'image' | 'video' | 'text';
  title: string;
  notes: string;
  tags: string[];
  capturedAt: number;
  /** The text of a text clip; null for images and videos. */
  text: string | null;
  /** SHA-256 of the original and of the thumbnail (when there is one), for `blobs.read`. */
  blob: string | null;
  thumb: string | null;
  mime: string | null;
  width: number | null;
  height: number | null;
}

/** What the plugin's code is handed: every method is one RPC to the host, checked there. */
export interface PluginHostApi {
  clips: {
    list(params?: { limit?: number; cursor?: string | null }): Promise<{ clips: PluginClip[]; next: string | null }>;
    get(id: string): Promise<PluginClip>;
    search(query: string, params?: { limit?: number }): Promise<PluginClip[]>;
    createText(params: { text: string; title?: string; tags?: string[] }): Promise<PluginClip>;
    update(id: string, changes: { title?: string; notes?: string }): Promise<PluginClip>;
    addTags(id: string, tags: string[]): Promise<PluginClip>;
  };
  blobs: {
    /** The original's or thumbnail's bytes, by the hash a PluginClip names. */
    read(hash: string): Promise<Uint8Array>;
    /**
     * An image blob (a thumbnail, an image original) decoded by the host: a plugin process has no
     * image codecs (thumbnails are WebP; native addons are not allowed in it).
     */
    readPixels(hash: string, params?: { maxSide?: number }): Promise<PluginPixels>;
  };
  net: {
    /** Only to hosts the manifest declares as `net:<host>`; the host makes the request. */
    fetch(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string>; body: string }>;
  };
  clipboard: {
    writeText(text: string): Promise<void>;
  };
  ui: {
    showPanel(panelId: string, data?: unknown): Promise<void>;
  };
  /** A small key-value store of the plugin's own (JSON values). */
  storage: {
    get(key: string): Promise<unknown>;
    set(key: string, value: unknown): Promise<void>;
  };
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** Decoded pixels, as `blobs.readPixels` hands them over. */
export interface PluginPixels {
  width: number;
  height: number;
  /** 8-bit RGBA, row by row, `width * height * 4` bytes. */
  rgba: Uint8Array;
}

/** The largest `maxSide` of `blobs.readPixels` (the default is PLUGIN_PIXELS_DEFAULT_SIDE): the image is scaled down to fit, never up. */
export const PLUGIN_PIXELS_MAX_SIDE = 512;
export const PLUGIN_PIXELS_DEFAULT_SIDE = 64;

/**
 * What a plugin panel's page receives (a window 'message' event) when the plugin calls
 * `ui.showPanel(panelId, data)`; the page runs in a sandboxed frame with no other way in.
 */
export const PLUGIN_PANEL_DATA_MESSAGE = 'clipshot:panel-data';
export interface PluginPanelDataMessage {
  type: typeof PLUGIN_PANEL_DATA_MESSAGE;
  panelId: string;
  data: unknown;
}

/** A file an exporter produces. */
export interface ExportedFile {
  fileName: string;
  /** UTF-8 text, or bytes. */
  content: string | Uint8Array;
}

/** What an analyzer finds in a clip: tags to suggest and, optionally, facts shown with the clip. */
export interface AnalyzerResult {
  tags: string[];
  facts?: Record<string, string | number | string[]>;
}

/**
 * The default export of a plugin's entry module (the SDK's `definePlugin` checks its shape).
 * Keys of commands/exporters/importers/analyzers are the contribution ids from the manifest.
 */
export interface PluginModule {
  /** Called once when the process starts; `state` is what the previous instance handed over (hot reload), else undefined. */
  activate?(host: PluginHostApi, state: unknown): void | Promise<void>;
  /** Called before the process is stopped or reloaded; what it returns is handed to the next `activate`. */
  deactivate?(): unknown;
  commands?: Record<string, (args: unknown, host: PluginHostApi) => unknown>;
  exporters?: Record<string, (input: { clips: PluginClip[] }, host: PluginHostApi) => ExportedFile | Promise<ExportedFile>>;
  importers?: Record<string, (input: { fileName: string; bytes: Uint8Array }, host: PluginHostApi) => { text: string; title?: string; tags?: string[] }[] | Promise<{ text: string; title?: string; tags?: string[] }[]>>;
  analyzers?: Record<string, (input: { clip: PluginClip }, host: PluginHostApi) => AnalyzerResult | Promise<AnalyzerResult>>;
}
