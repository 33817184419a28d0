// The plugin methods of the API (contract/plugin-api.ts) for the Plugins panel's tests, until the
// lead wires the real plugin host and marketplace into the API service. It keeps to the contract
// as the service would: every request is checked against its zod schema and round-tripped
// through JSON, refusals are ApiErrors in words, and events are the API's. Its registry is made
// of the real example plugins' package.json (plus versions a test publishes), and a command runs
// the example's real module against the real library, through the in-process plugin API with the
// installed version's permissions. What stands in: the registry (in memory), the install (no
// tarball: the example's folder), and the plugin process (in this one).
import { API_REQUEST_SCHEMAS, ApiError, type ApiEvent, type ApiResults, type ClipShotApi } from '../../contract/api.js';
import { PLUGIN_REQUEST_METHODS, type PluginInstallStage, type PluginRequestMethod } from '../../contract/plugin-api.js';
import type { InstalledPluginView, MarketplacePluginView, PluginLogEntry, PluginManifest, PluginModule, PluginPermission, PluginStatus } from '../../contract/plugins.js';
import { invalidRequest } from '../../main/api/api-errors.js';
import type { Library } from '../../main/library/library.js';
import { exampleManifest, importExampleFile } from './example-plugins.js';
import { createInProcessHost, type InProcessHost } from './in-process-plugin-host.js';

/** One published version of a package. */
export interface PublishedVersion {
  manifest: PluginManifest;
  /** The example folder whose module runs for it. */
  example: string;
  signed: boolean;
  compatible: boolean;
  publisher: string | null;
}

interface Installed {
  versions: Map<string, PublishedVersion>;
  active: string;
  status: PluginStatus;
  problem: string | null;
  restarts: number;
  logs: PluginLogEntry[];
  host: InProcessHost | null;
}

type Params<M extends PluginRequestMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
type Handlers = { [M in PluginRequestMethod]: (params: Params<M>) => Promise<ApiResults[M]> };

const STAGES: PluginInstallStage[] = ['resolving', 'downloading', 'verifying', 'extracting', 'activating'];
export const TRUSTED_KEY = 'K7QH-2M4X-9PLC-WW3E';

/** The example plugin as a published version, changed by `changes` (another version, more permissions…). */
export function exampleVersion(example: string, changes: { version?: string; permissions?: PluginPermission[]; signed?: boolean; compatible?: boolean } = {}): PublishedVersion {
  const manifest = exampleManifest(example);
  return {
    manifest: { ...manifest, version: changes.version ?? manifest.version, permissions: changes.permissions ?? manifest.permissions },
    example,
    signed: changes.signed ?? true,
    compatible: changes.compatible ?? true,
    publisher: 'clipshot',
  };
}

export class PluginPanelBackend {
  readonly registry = 'http://127.0.0.1:4873/';
  /** Package name → published versions. */
  readonly published = new Map<string, PublishedVersion[]>();
  readonly installed = new Map<string, Installed>();
  /** Every request as it arrived (after the JSON round trip). */
  readonly calls: { method: PluginRequestMethod; params: unknown }[] = [];
  readonly #listeners = new Set<(event: ApiEvent) => void>();
  readonly #failures = new Map<PluginRequestMethod, ApiError>();
  #gate: { stage: PluginInstallStage; reached: () => void; release: Promise<void> } | null = null;

  constructor(readonly library: Library) {}

  publish(...versions: PublishedVersion[]): void {
    for (const version of versions) {
      const list = this.published.get(version.manifest.packageName) ?? [];
      list.push(version);
      this.published.set(version.manifest.packageName, list);
    }
  }

  /** The next request of `method` is refused with `error` (as the real install refuses a tampered tarball). */
  failNext(method: PluginRequestMethod, error: ApiError): void {
    this.#failures.set(method, error);
  }

  /** The next install or update stops at `stage` until `release` is called: its progress can be watched. */
  holdAt(stage: PluginInstallStage): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.#gate = { stage, reached, release: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: reachedPromise, release };
  }

  /** What the host reports of a running plugin (a crash, a restart). */
  setStatus(id: string, status: PluginStatus, problem: string | null, restarts: number): void {
    const plugin = this.#installed(id);
    Object.assign(plugin, { status, problem, restarts });
    this.#log(id, 'error', problem ?? status);
    this.#changed();
  }

  /** The API with the plugin methods answered here and the rest by `api` (the real core's); events from both. */
  api(api: ClipShotApi): ClipShotApi {
    const requests = Object.fromEntries(PLUGIN_REQUEST_METHODS.map((method) => [method, (params: unknown) => this.#dispatch(method, params)]));
    return {
      ...api,
      ...requests,
      onEvent: (listener) => {
        const stop = api.onEvent(listener);
        this.#listeners.add(listener);
        return () => {
          stop();
          this.#listeners.delete(listener);
        };
      },
    } as ClipShotApi;
  }

  async #dispatch(method: PluginRequestMethod, raw: unknown): Promise<unknown> {
    const params = JSON.parse(JSON.stringify(raw ?? {})) as unknown;
    this.calls.push({ method, params });
    const parsed = API_REQUEST_SCHEMAS[method].safeParse(params);
    if (!parsed.success) throw invalidRequest(method, parsed.error);
    const failure = this.#failures.get(method);
    if (failure) {
      this.#failures.delete(method);
      throw failure;
    }
    const handler = this.#handlers[method] as (params: unknown) => Promise<unknown>;
    return JSON.parse(JSON.stringify(await handler(parsed.data))) as unknown;
  }

  readonly #handlers: Handlers = {
    pluginList: async () => ({ plugins: this.#views(), registry: this.registry }),
    pluginSearch: async ({ query, limit }) => {
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      const hits: MarketplacePluginView[] = [];
      for (const versions of this.published.values()) {
        const newest = versions.at(-1)!;
        const text = `${newest.manifest.packageName} ${newest.manifest.id} ${newest.manifest.displayName} ${newest.manifest.description}`.toLowerCase();
        if (words.every((word) => text.includes(word))) hits.push({ packageName: newest.manifest.packageName, id: newest.manifest.id, version: newest.manifest.version, description: newest.manifest.description, publisher: newest.publisher });
      }
      return hits.sort((a, b) => a.packageName.localeCompare(b.packageName)).slice(0, limit ?? 20);
    },
    pluginDetails: async ({ packageName, version }) => {
      const chosen = this.#version(packageName, version);
      const installed = this.installed.get(chosen.manifest.id);
      const granted = installed ? installed.versions.get(installed.active)!.manifest.permissions : null;
      return {
        packageName,
        id: chosen.manifest.id,
        version: chosen.manifest.version,
        description: chosen.manifest.description,
        publisher: chosen.publisher,
        permissions: chosen.manifest.permissions,
        newPermissions: granted ? chosen.manifest.permissions.filter((permission) => !granted.includes(permission)) : [],
        versions: this.published.get(packageName)!.map((candidate) => candidate.manifest.version).reverse(),
        signed: chosen.signed,
        compatible: chosen.compatible,
      };
    },
    pluginInstall: async ({ packageName, version, consent, operationId }) => {
      const chosen = this.#version(packageName, version);
      if (this.installed.has(chosen.manifest.id)) throw new ApiError('invalid-request', `${chosen.manifest.id} is installed already: update it instead`);
      this.#checkConsent(chosen, consent);
      await this.#progress(operationId, packageName);
      this.installed.set(chosen.manifest.id, {
        versions: new Map([[chosen.manifest.version, chosen]]),
        active: chosen.manifest.version,
        status: 'inactive',
        problem: null,
        restarts: 0,
        logs: [],
        host: null,
      });
      this.#log(chosen.manifest.id, 'info', `installed ${chosen.manifest.version}`);
      this.#changed();
      return this.#view(chosen.manifest.id);
    },
    pluginUpdate: async ({ id, version, consent, operationId }) => {
      const plugin = this.#installed(id);
      const packageName = plugin.versions.get(plugin.active)!.manifest.packageName;
      const chosen = this.#version(packageName, version);
      this.#checkConsent(chosen, consent);
      await this.#progress(operationId, packageName);
      plugin.versions.set(chosen.manifest.version, chosen);
      plugin.active = chosen.manifest.version;
      plugin.host = null;
      this.#log(id, 'info', `updated to ${chosen.manifest.version}`);
      this.#changed();
      return this.#view(id);
    },
    pluginRollback: async ({ id, version }) => {
      const plugin = this.#installed(id);
      const target = version ?? this.#sortedVersions(plugin).find((candidate) => candidate !== plugin.active);
      if (target === undefined || !plugin.versions.has(target)) throw new ApiError('not-found', `${id} has no installed version ${target ?? 'before this one'}`);
      plugin.active = target;
      plugin.host = null;
      this.#log(id, 'info', `rolled back to ${target}`);
      this.#changed();
      return this.#view(id);
    },
    pluginRemove: async ({ id }) => {
      const plugin = this.#installed(id);
      this.installed.delete(id);
      this.#changed();
      return { id, versions: this.#sortedVersions(plugin) };
    },
    pluginLogs: async ({ id, limit }) => this.#installed(id).logs.slice(-(limit ?? 200)),
    pluginRunCommand: async ({ command, args }) => {
      const id = [...this.installed.keys()].find((candidate) => command.startsWith(`${candidate}.`));
      const plugin = id === undefined ? undefined : this.installed.get(id);
      const version = plugin?.versions.get(plugin.active);
      if (!id || !plugin || !version?.manifest.contributes.commands.some((candidate) => candidate.id === command)) throw new ApiError('not-found', `no installed plugin contributes the command ${command}`);
      const module = (await importExampleFile<{ default: PluginModule }>(version.example, version.manifest.main!)).default;
      if (!plugin.host) {
        plugin.host = createInProcessHost(this.library, version.manifest);
        await module.activate?.(plugin.host.api, undefined);
      }
      const host = plugin.host;
      plugin.status = 'active';
      const [panelsBefore, logsBefore] = [host.panels.length, host.logs.length];
      try {
        const result = await module.commands![command]!(args, host.api);
        return { result: result ?? null };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.#log(id, 'error', `${command} failed: ${message}`);
        throw new ApiError('internal', `${version.manifest.contributes.commands.find((candidate) => candidate.id === command)!.title} failed: ${message}`);
      } finally {
        plugin.logs.push(...host.logs.slice(logsBefore));
        for (const shown of host.panels.slice(panelsBefore)) {
          const panel = version.manifest.contributes.panels.find((candidate) => candidate.id === shown.panelId)!;
          const url = `/plugin-panels/${id}/${version.manifest.version}/${panel.entry}`;
          this.#emit({ type: 'plugin-panel', panel: { pluginId: id, panelId: panel.id, title: panel.title, url, data: shown.data } });
        }
        this.#changed();
      }
    },
  };

  #version(packageName: string, version: string | undefined): PublishedVersion {
    const versions = this.published.get(packageName);
    if (!versions) throw new ApiError('not-found', `the registry has no package ${packageName}`);
    const chosen = version === undefined ? versions.filter((candidate) => candidate.compatible).at(-1) : versions.find((candidate) => candidate.manifest.version === version);
    if (!chosen) throw new ApiError('not-found', version === undefined ? `no version of ${packageName} works with this ClipShot` : `${packageName} has no version ${version}`);
    return chosen;
  }

  #checkConsent(chosen: PublishedVersion, consent: { permissions: string[]; allowUnsigned: boolean }): void {
    const missing = chosen.manifest.permissions.filter((permission) => !consent.permissions.includes(permission));
    if (missing.length > 0) throw new ApiError('invalid-request', `${chosen.manifest.id} ${chosen.manifest.version} asks for permissions you did not agree to: ${missing.join(', ')}`);
    if (!chosen.signed && !consent.allowUnsigned) throw new ApiError('invalid-request', `${chosen.manifest.packageName}@${chosen.manifest.version} is not signed by a publisher you trust; it is installed only if you allow unsigned plugins`);
  }

  async #progress(operationId: string | undefined, packageName: string): Promise<void> {
    const totalBytes = 40_960;
    for (const stage of STAGES) {
      const receivedBytes = stage === 'resolving' ? 0 : stage === 'downloading' ? totalBytes / 4 : totalBytes;
      if (operationId) this.#emit({ type: 'plugin-progress', progress: { operationId, packageName, stage, receivedBytes, totalBytes } });
      const gate = this.#gate;
      if (gate?.stage === stage) {
        this.#gate = null;
        gate.reached();
        await gate.release;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  #installed(id: string): Installed {
    const plugin = this.installed.get(id);
    if (!plugin) throw new ApiError('not-found', `no plugin ${id} is installed`);
    return plugin;
  }

  #sortedVersions(plugin: Installed): string[] {
    return [...plugin.versions.keys()].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  }

  #view(id: string): InstalledPluginView {
    const plugin = this.#installed(id);
    const { manifest, signed } = plugin.versions.get(plugin.active)!;
    return {
      id,
      packageName: manifest.packageName,
      displayName: manifest.displayName,
      description: manifest.description,
      version: plugin.active,
      versions: this.#sortedVersions(plugin),
      permissions: manifest.permissions,
      signature: signed ? { keyFingerprint: TRUSTED_KEY } : 'unsigned',
      source: 'registry',
      status: plugin.status,
      problem: plugin.problem,
      restarts: plugin.restarts,
      contributes: manifest.contributes,
    };
  }

  #views(): InstalledPluginView[] {
    return [...this.installed.keys()].map((id) => this.#view(id)).sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  #log(id: string, level: PluginLogEntry['level'], message: string): void {
    this.installed.get(id)?.logs.push({ at: Date.now(), pluginId: id, level, message });
  }

  #changed(): void {
    this.#emit({ type: 'plugins-changed', plugins: this.#views() });
  }

  #emit(event: ApiEvent): void {
    const copy = JSON.parse(JSON.stringify(event)) as ApiEvent;
    for (const listener of this.#listeners) listener(copy);
  }
}
