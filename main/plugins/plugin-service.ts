// The plugins of one running ClipShot (`serve`, the desktop app): the installed plugins on disk
// (PluginStore), the registry (Marketplace) and the processes that run them (PluginHost), kept in
// step — an install, update, rollback or removal changes the files first, then what runs.
import type { AuditDetails } from '../../contract/audit.js';
import type { AuditRecorder } from '../security/audit/audit-log.js';
import type { InstalledPluginView, MarketplacePluginView, PluginDetailsView, PluginLogEntry, PluginPermission } from '../../contract/plugins.js';
import type { PluginApiEvent, PluginInstallStage, PluginsOverview } from '../../contract/plugin-api.js';
import { clipshotVersion } from './manifest/app-version.js';
import { auditPluginChange, type PluginChangeKind } from './plugin-audit.js';
import { openMarketplace } from './marketplace/open-marketplace.js';
import { installFromRegistry } from './marketplace/registry-install.js';
import type { Marketplace } from './marketplace/marketplace.js';
import type { PluginHostServices } from './host/api-dispatcher.js';
import { runnablePlugins } from './host/installed-plugins.js';
import type { PluginLibraryAccess } from './host/library-access.js';
import { PluginError } from './host/plugin-error.js';
import type { PluginHostLimits } from './host/plugin-host-limits.js';
import type { RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';
import { PluginHost, type PluginDescriptor } from './host/plugin-host.js';
import type { PluginLauncher } from './host/plugin-launcher.js';
import { panelUrl } from './panel-files.js';
import { PluginStore } from './store/plugin-store.js';
import { PluginStoreError } from './store/store-errors.js';

export interface PluginServiceOptions {
  /** The plugins folder ($CLIPSHOT_PLUGINS_DIR, else defaultPluginsDir()). */
  dir: string;
  launcher: PluginLauncher;
  /** The open library as plugins may use it; null: library calls fail in words. */
  library: PluginLibraryAccess | null;
  clipboard?: PluginHostServices['clipboard'];
  /** A registry for this instance instead of the person's setting in the plugins folder. */
  registry?: string | null;
  appVersion?: string;
  limits?: Partial<PluginHostLimits>;
  /** The library's rate limits (the 'plugin' limit, and audit entries when a plugin trips it). */
  rateLimits?: RateLimitPolicy;
  /** The library's audit log: installs, updates, rollbacks, removals and the permissions each granted. */
  audit?: AuditRecorder;
}

/** What the person agreed to in the window, as contract/plugin-api.ts's consent says. */
export interface PluginConsent {
  permissions: readonly PluginPermission[];
  allowUnsigned: boolean;
}

export interface PluginOperation {
  consent: PluginConsent;
  version?: string | undefined;
  /** Given by the window: 'plugin-progress' events carry it. */
  operationId?: string | undefined;
}

/** 'plugins-changed' waits this long, so that a burst of state changes (a restart) is one event. */
const CHANGE_EVENT_DELAY_MS = 50;

/**
 * The Plugins panel's and `clipshot run`'s view of a running instance's plugins. Installed
 * plugins run in planActivation's order; one that cannot (a damaged install, a dependency or
 * ClipShot version that does not fit) is listed as 'invalid' with why.
 */
export class PluginService {
  readonly store: PluginStore;
  readonly host: PluginHost;
  readonly #options: PluginServiceOptions;
  readonly #listeners = new Set<(event: PluginApiEvent) => void>();
  #runnable = new Map<string, PluginDescriptor>();
  #blocked = new Map<string, string>();
  #changeTimer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Installs, updates, rollbacks and removals one at a time: each re-plans what runs from the files. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: PluginServiceOptions) {
    this.#options = options;
    this.store = new PluginStore({ dir: options.dir, appVersion: options.appVersion ?? clipshotVersion() });
    this.host = new PluginHost({
      launcher: options.launcher,
      services: {
        library: options.library,
        ...(options.clipboard && { clipboard: options.clipboard }),
        ui: { showPanel: async (pluginId, panelId, data) => this.#showPanel(pluginId, panelId, data) },
      },
      ...(options.limits && { limits: options.limits }),
      ...(options.rateLimits && { rateLimits: options.rateLimits }),
    });
    this.host.onStatus(() => this.#changed());
  }

  /** Reads the installed plugins and starts those asking for 'onStartup' (in the background: a slow one holds nothing up). */
  static async start(options: PluginServiceOptions): Promise<PluginService> {
    const service = new PluginService(options);
    await service.#replan();
    return service;
  }

  get dir(): string {
    return this.store.dir;
  }

  async overview(): Promise<PluginsOverview> {
    return { plugins: await this.views(), registry: (await this.#marketplace()).registry };
  }

  /** Every installed plugin, with how it runs. */
  async views(): Promise<InstalledPluginView[]> {
    const running = new Map(this.host.views().map((view) => [view.id, view]));
    return (await this.store.list()).map((view) => {
      const blocked = this.#blocked.get(view.id);
      if (view.status === 'invalid') return view;
      if (blocked !== undefined) return { ...view, status: 'invalid', problem: blocked };
      const runtime = running.get(view.id);
      return runtime ? { ...view, status: runtime.status, problem: runtime.problem, restarts: runtime.restarts } : view;
    });
  }

  async view(id: string): Promise<InstalledPluginView> {
    const view = (await this.views()).find((candidate) => candidate.id === id);
    if (!view) throw new PluginStoreError('not-installed', `no plugin ${id} is installed`);
    return view;
  }

  async search(query: string, limit?: number): Promise<MarketplacePluginView[]> {
    return (await this.#marketplace()).search(query, limit !== undefined ? { limit } : {});
  }

  async details(packageName: string, version?: string): Promise<PluginDetailsView> {
    const installed = await this.store.find(packageName);
    const { manifest: _manifest, signatureProblem: _problem, signer: _signer, ...details } = await (await this.#marketplace()).details(packageName, {
      ...(version !== undefined && { range: version }),
      installed: installed && { granted: installed.record.granted },
    });
    return details;
  }

  /** Installs `packageName` from the registry with exactly the permissions agreed to (and unsigned only when allowed). */
  install(packageName: string, operation: PluginOperation): Promise<InstalledPluginView> {
    return this.#serially(async () => {
      const result = await this.#fromRegistry(packageName, operation);
      this.#audit('plugin-install', result.id, { version: result.version, granted: result.newPermissions.join(',') });
      return this.view(result.id);
    });
  }

  /** Updates an installed registry plugin (newest compatible version unless one is named); a permission it adds must be in the consent. */
  update(id: string, operation: PluginOperation): Promise<InstalledPluginView> {
    return this.#serially(async () => {
      const installed = await this.store.get(id);
      if (installed === null) throw new PluginStoreError('not-installed', `no plugin ${id} is installed`);
      const source = installed.record.versions[installed.record.active]!.source;
      if (source !== 'registry') throw new PluginStoreError('invalid-package', `${id} was installed from a ${source}, not a registry: install it again from there`);
      const result = await this.#fromRegistry(installed.manifest.packageName, operation);
      this.#audit('plugin-update', result.id, { version: result.version, from: result.previousVersion, granted: result.newPermissions.join(',') });
      return this.view(result.id);
    });
  }

  rollback(id: string, version?: string): Promise<InstalledPluginView> {
    return this.#serially(async () => {
      await this.store.rollback(id, version);
      this.#audit('plugin-rollback', id, { version: version ?? null });
      await this.#replan();
      return this.view(id);
    });
  }

  /** Stops the plugin, then deletes every version of it and its data (they live in its folder). */
  remove(id: string): Promise<{ id: string; versions: string[] }> {
    return this.#serially(async () => {
      if (this.#runnable.has(id)) await this.host.stop(id);
      const removed = await this.store.remove(id);
      this.#audit('plugin-remove', id, { versions: removed.versions.join(',') });
      await this.#replan();
      return removed;
    });
  }

  /** The plugin's latest log lines, oldest first. */
  async logs(id: string, limit = 200): Promise<PluginLogEntry[]> {
    if (!this.#runnable.has(id)) {
      await this.view(id);
      const problem = this.#blocked.get(id);
      return problem === undefined ? [] : [{ at: Date.now(), pluginId: id, level: 'error', message: `cannot run: ${problem}` }];
    }
    return this.host.logs(id).slice(-limit);
  }

  /** Runs a contributed command (its plugin starts on 'onCommand:<id>' if it is not running). */
  async runCommand(command: string, args: unknown): Promise<unknown> {
    return (await this.host.invoke('commands', command, args ?? null)) ?? null;
  }

  onEvent(listener: (event: PluginApiEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #audit(kind: PluginChangeKind, pluginId: string, details: AuditDetails): void {
    auditPluginChange(this.#options.audit, { type: 'device', id: 'this-device' }, kind, pluginId, details);
  }


  async close(): Promise<void> {
    this.#closed = true;
    if (this.#changeTimer) clearTimeout(this.#changeTimer);
    this.#listeners.clear();
    await this.#queue.catch(() => undefined);
    await this.host.close();
  }

  async #fromRegistry(packageName: string, { consent, version, operationId }: PluginOperation) {
    const progress = (stage: PluginInstallStage, receivedBytes: number, totalBytes: number | null) => {
      if (operationId) this.#emit({ type: 'plugin-progress', progress: { operationId, packageName, stage, receivedBytes, totalBytes } });
    };
    const marketplace = await this.#marketplace();
    const result = await installFromRegistry(this.store, marketplace, packageName, version, {
      allowUnsigned: consent.allowUnsigned,
      onProgress: ({ stage, receivedBytes, totalBytes }) => progress(stage, receivedBytes, totalBytes),
      // Asked for whatever the person has not granted before: all of it on a first install, what an update adds.
      confirm: (request) => {
        const missing = request.permissions.filter((permission) => !consent.permissions.includes(permission));
        if (missing.length > 0) {
          throw new PluginStoreError('declined', `${request.id}@${request.version} asks for ${missing.join(', ')}, which you did not agree to; nothing was installed: look at its permissions again`);
        }
        return true;
      },
    });
    progress('activating', 0, null);
    await this.#replan();
    return result;
  }

  /** Reads the installed plugins again and hands the host the set it can run (changed ones are stopped). */
  async #replan(): Promise<void> {
    const { plugins, blocked } = await runnablePlugins(this.store, this.store.appVersion);
    this.#runnable = new Map(plugins.map((plugin) => [plugin.manifest.id, plugin]));
    this.#blocked = new Map(blocked.map(({ id, problem }) => [id, problem]));
    await this.host.setPlugins(plugins);
    this.#changed();
    if (!this.#closed) this.host.start().catch(() => undefined);
  }

  #marketplace(): Promise<Marketplace> {
    // Read each time: the person may trust a key or change the registry with the CLI meanwhile.
    return openMarketplace(this.store.dir, { registry: this.#options.registry ?? null, appVersion: this.store.appVersion });
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #showPanel(pluginId: string, panelId: string, data: unknown): void {
    const plugin = this.#runnable.get(pluginId);
    const panel = plugin?.manifest.contributes.panels.find((candidate) => candidate.id === panelId);
    if (!plugin || !panel) throw new PluginError('not-found', `ui.showPanel: ${pluginId} contributes no panel "${panelId}"`);
    this.#emit({ type: 'plugin-panel', panel: { pluginId, panelId, title: panel.title, url: panelUrl(pluginId, plugin.manifest.version, panel.entry), data } });
  }

  #changed(): void {
    if (this.#closed) return;
    this.#changeTimer ??= setTimeout(() => {
      this.#changeTimer = null;
      this.views().then(
        (plugins) => this.#emit({ type: 'plugins-changed', plugins }),
        // The folder could not be read just now: the next change or a window's list says more.
        () => undefined,
      );
    }, CHANGE_EVENT_DELAY_MS);
  }

  #emit(event: PluginApiEvent): void {
    if (this.#closed) return;
    for (const listener of this.#listeners) listener(event);
  }
}
