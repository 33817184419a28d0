// The types of ClipShot's plugin API for plugin authors. They are ClipShot's own
// (contract/plugins.ts); a test in ClipShot fails if the two differ.

export { definePlugin, PluginDefinitionError } from './define-plugin.js';

export declare const PLUGIN_API_VERSION: 1;
export declare const FIXED_PLUGIN_PERMISSIONS: readonly ['clips:read', 'clips:write', 'blobs:read', 'ui:panel', 'clipboard'];
export declare const PLUGIN_API_PERMISSIONS: {
  readonly 'clips.list': 'clips:read';
  readonly 'clips.get': 'clips:read';
  readonly 'clips.search': 'clips:read';
  readonly 'clips.createText': 'clips:write';
  readonly 'clips.update': 'clips:write';
  readonly 'clips.addTags': 'clips:write';
  readonly 'blobs.read': 'blobs:read';
  readonly 'blobs.readPixels': 'blobs:read';
  readonly 'net.fetch': 'net';
  readonly 'clipboard.writeText': 'clipboard';
  readonly 'ui.showPanel': 'ui:panel';
  readonly 'storage.get': null;
  readonly 'storage.set': null;
};
export declare const PLUGIN_ERROR_CODES: readonly ['permission-denied', 'invalid-params', 'unknown-method', 'timeout', 'rate-limited', 'not-found', 'plugin-failed', 'host-error'];
export declare const PLUGIN_PIXELS_MAX_SIDE: 512;
export declare const PLUGIN_PIXELS_DEFAULT_SIDE: 64;
export declare const PLUGIN_PANEL_DATA_MESSAGE: 'clipshot:panel-data';

export type FixedPluginPermission = (typeof FIXED_PLUGIN_PERMISSIONS)[number];
/** A fixed permission, or `net:<host>` (e.g. `net:api.example.com`). */
export type PluginPermission = FixedPluginPermission | `net:${string}`;
export type PluginApiMethod = keyof typeof PLUGIN_API_PERMISSIONS;
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];
export interface PluginErrorShape {
  code: PluginErrorCode;
  message: string;
}

// ---- The manifest (package.json's name and version plus its `clipshot` field, as ClipShot validates it)

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

/** 'onStartup', or the first use of a contribution. Themes need no process. */
export type ActivationEvent = 'onStartup' | `onCommand:${string}` | `onImport:${string}` | `onExport:${string}` | `onAnalyze:${string}` | `onPanel:${string}`;

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

// ---- What plugin code is handed, and what it hands back

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

/** Decoded pixels, as `blobs.readPixels` hands them over. */
export interface PluginPixels {
  width: number;
  height: number;
  /** 8-bit RGBA, row by row, `width * height * 4` bytes. */
  rgba: Uint8Array;
}

/** Every method is one call to ClipShot, checked there against the manifest's permissions. */
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
    /** An image blob decoded by ClipShot (a plugin has no image codecs), scaled down to `maxSide`. */
    readPixels(hash: string, params?: { maxSide?: number }): Promise<PluginPixels>;
  };
  net: {
    /** Only to hosts the manifest declares as `net:<host>`; ClipShot makes the request. */
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

/** What a panel's page receives (a window 'message' event) when the plugin calls `ui.showPanel`. */
export interface PluginPanelDataMessage {
  type: typeof PLUGIN_PANEL_DATA_MESSAGE;
  panelId: string;
  data: unknown;
}

/** The default export of a plugin's entry module; keys of the handler groups are the manifest's contribution ids. */
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
