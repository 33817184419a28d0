import type { ActivationEvent, InstalledPluginView, PluginContributions, PluginLogEntry, PluginManifest, PluginPermission, PluginStatus } from '../../../contract/plugins.js';
import { KeyedLimiter } from '../../security/rate-limit/keyed-limiter.js';
import type { RateLimitPolicy } from '../../security/rate-limit/rate-limit-policy.js';
import { serveCall, type CallLimits, type PluginHostServices } from './api-dispatcher.js';
import { PluginError } from './plugin-error.js';
import { DEFAULT_PLUGIN_HOST_LIMITS, type PluginHostLimits } from './plugin-host-limits.js';
import type { PluginLauncher } from './plugin-launcher.js';
import { PluginLogRing } from './plugin-log.js';
import { PluginProcess, type PluginMessageGate } from './plugin-process.js';
import { PluginStorage } from './plugin-storage.js';
import { RestartPolicy } from './restart-policy.js';

/** One installed (or in-development) plugin as the host runs it. */
export interface PluginDescriptor {
  manifest: PluginManifest;
  /** The active version's folder: the package's files, the only folder the process may read. */
  dir: string;
  /** Where the host keeps the plugin's data (storage.json); the plugin cannot read it directly. */
  dataDir: string;
  /** What the person granted (install.json); the manifest's permissions when absent. */
  permissions?: PluginPermission[];
}

export interface PluginHostOptions {
  launcher: PluginLauncher;
  services: PluginHostServices;
  /** In dependency order, dependencies first (the resolver's output). */
  plugins?: PluginDescriptor[];
  limits?: Partial<PluginHostLimits>;
  /** The library's rate limits: the 'plugin' limit (from the settings) and the audit of trips. Without it, limits.messageBurst and messagesPerSecond. */
  rateLimits?: RateLimitPolicy;
}

/** What the host adds to an installed plugin's view: how it is running. */
export type PluginRuntimeView = Pick<InstalledPluginView, 'id' | 'status' | 'problem' | 'restarts'>;

export type InvocableContribution = Extract<keyof PluginContributions, 'commands' | 'exporters' | 'importers' | 'analyzers'>;

const ACTIVATION_PREFIX: Record<InvocableContribution, string> = { commands: 'onCommand', exporters: 'onExport', importers: 'onImport', analyzers: 'onAnalyze' };
const KIND_WORD: Record<InvocableContribution, string> = { commands: 'command', exporters: 'exporter', importers: 'importer', analyzers: 'analyzer' };

interface PluginRecord {
  descriptor: PluginDescriptor;
  status: PluginStatus;
  problem: string | null;
  restarts: number;
  process: PluginProcess | null;
  starting: Promise<void> | null;
  restartTimer: NodeJS.Timeout | null;
  gaveUp: boolean;
  policy: RestartPolicy;
  log: PluginLogRing;
  storage: PluginStorage;
  /** State handed over on reload, given to each start until one activates with it (a broken reload, or its restarts, must not lose it). */
  handedState: unknown;
}

/**
 * Runs plugins, one process each: started on their activation event (or first use), activated
 * after their dependencies, every call from them served after a permission check, and restarted
 * with backoff when they crash, hang, flood or run out of memory — without the host or other
 * plugins noticing more than a status change and a log line.
 */
export class PluginHost {
  readonly #records = new Map<string, PluginRecord>();
  readonly #limits: PluginHostLimits;
  readonly #callLimits: CallLimits;
  readonly #messages: KeyedLimiter;
  readonly #statusListeners = new Set<(view: PluginRuntimeView) => void>();
  readonly #logListeners = new Set<(entry: PluginLogEntry) => void>();
  #closed = false;

  constructor(private readonly options: PluginHostOptions) {
    this.#limits = { ...DEFAULT_PLUGIN_HOST_LIMITS, ...options.limits };
    this.#callLimits = {
      fetch: { timeoutMs: this.#limits.fetchTimeoutMs, maxResponseBytes: this.#limits.maxFetchBytes },
      maxBlobBytes: this.#limits.maxBlobBytes,
      defaultPageSize: this.#limits.defaultPageSize,
    };
    this.#messages = options.rateLimits?.limiter('plugin') ?? new KeyedLimiter({ name: 'plugin', capacity: this.#limits.messageBurst, refillPerSecond: this.#limits.messagesPerSecond });
    for (const descriptor of options.plugins ?? []) this.#records.set(descriptor.manifest.id, this.#newRecord(descriptor));
  }

  #gate(pluginId: string): PluginMessageGate {
    return {
      admit: () => this.#messages.admit(pluginId),
      tripped: (action, retryAfterMs) => this.options.rateLimits?.tripped({ limit: 'plugin', key: pluginId, actor: { type: 'plugin', id: pluginId }, action, ...(retryAfterMs !== undefined && { retryAfterMs }) }),
    };
  }

  /** Replaces the set of plugins (after an install, update or removal): removed or changed ones are stopped first. */
  async setPlugins(plugins: PluginDescriptor[]): Promise<void> {
    const next = new Map<string, PluginRecord>();
    for (const descriptor of plugins) {
      const current = this.#records.get(descriptor.manifest.id);
      if (current && current.descriptor.dir === descriptor.dir && current.descriptor.manifest.version === descriptor.manifest.version) {
        current.descriptor = descriptor;
        next.set(descriptor.manifest.id, current);
      } else {
        if (current) await this.#halt(current);
        next.set(descriptor.manifest.id, this.#newRecord(descriptor));
      }
    }
    for (const [id, record] of this.#records) if (!next.has(id)) await this.#halt(record);
    this.#records.clear();
    for (const [id, record] of next) this.#records.set(id, record);
  }

  /** Starts every plugin that asks for 'onStartup', in dependency order; one that fails does not stop the others. */
  start(): Promise<void> {
    return this.fire('onStartup');
  }

  /** Starts the plugins waiting for this event (failures are logged and shown in their status). */
  async fire(event: ActivationEvent): Promise<void> {
    for (const record of this.#records.values()) {
      if (!record.descriptor.manifest.activationEvents.includes(event)) continue;
      await this.#ensureActive(record, []).catch(() => undefined);
    }
  }

  /** Starts one plugin now (its dependencies first); rejects with PluginError when it cannot. */
  activate(pluginId: string): Promise<void> {
    return this.#ensureActive(this.#record(pluginId), []);
  }

  /**
   * Runs a contribution (a command, an exporter…), starting its plugin first when needed.
   * Rejects with PluginError: 'not-found', 'timeout' (the plugin is then stopped), 'plugin-failed', or what the plugin threw.
   */
  async invoke(kind: InvocableContribution, contributionId: string, args: unknown, options: { timeoutMs?: number } = {}): Promise<unknown> {
    const record = [...this.#records.values()].find((candidate) => candidate.descriptor.manifest.contributes[kind].some((contribution) => contribution.id === contributionId));
    if (!record) throw new PluginError('not-found', `no installed plugin contributes the ${KIND_WORD[kind]} "${contributionId}"`);
    await this.fire(`${ACTIVATION_PREFIX[kind]}:${contributionId}` as ActivationEvent);
    await this.#ensureActive(record, []);
    const running = record.process;
    if (!running) throw new PluginError('plugin-failed', `${record.descriptor.manifest.id} is not running${record.problem ? `: ${record.problem}` : ''}`);
    return running.invoke(kind, contributionId, args, options.timeoutMs ?? this.#limits.callTimeoutMs);
  }

  /**
   * Loads a new copy of a plugin's code (hot reload): the running instance hands over its state
   * (deactivate → state), is stopped, and the new one is activated with that state.
   */
  async reload(descriptor: PluginDescriptor): Promise<void> {
    const id = descriptor.manifest.id;
    let record = this.#records.get(id);
    if (record) {
      if (record.process && record.status === 'active') record.handedState = await record.process.handOver(this.#limits.handOverTimeoutMs);
      await this.#halt(record);
      if (record.descriptor.dataDir !== descriptor.dataDir) record.storage = new PluginStorage(descriptor.dataDir, this.#limits.storageMaxBytes);
      record.descriptor = descriptor;
      record.policy.reset();
      record.gaveUp = false;
    } else {
      record = this.#newRecord(descriptor);
      this.#records.set(id, record);
    }
    this.#log(record, 'info', `reloading ${id} ${descriptor.manifest.version}`);
    await this.#ensureActive(record, []);
  }

  /** Stops a plugin on purpose; it starts again on its next activation event or use. */
  async stop(pluginId: string): Promise<void> {
    const record = this.#record(pluginId);
    await this.#halt(record);
    if (record.status !== 'stopped') this.#setStatus(record, 'stopped', null);
  }

  /** Starts a plugin again after it gave up (or at the person's request): the failure count starts over. */
  async restart(pluginId: string): Promise<void> {
    const record = this.#record(pluginId);
    await this.#halt(record);
    record.policy.reset();
    record.gaveUp = false;
    await this.#ensureActive(record, []);
  }

  views(): PluginRuntimeView[] {
    return [...this.#records.values()].map((record) => this.#view(record));
  }

  view(pluginId: string): PluginRuntimeView {
    return this.#view(this.#record(pluginId));
  }

  /** The plugin's recent log lines, oldest first. */
  logs(pluginId: string): PluginLogEntry[] {
    return this.#record(pluginId).log.entries();
  }

  /** The pid of a running plugin's process (tests, diagnostics); null when it is not running. */
  pid(pluginId: string): number | null {
    return this.#record(pluginId).process?.pid ?? null;
  }

  onStatus(listener: (view: PluginRuntimeView) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  onLog(listener: (entry: PluginLogEntry) => void): () => void {
    this.#logListeners.add(listener);
    return () => this.#logListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#records.values()].map((record) => this.#halt(record)));
  }

  #record(pluginId: string): PluginRecord {
    const record = this.#records.get(pluginId);
    if (!record) throw new PluginError('not-found', `no plugin ${pluginId} is installed`);
    return record;
  }

  #newRecord(descriptor: PluginDescriptor): PluginRecord {
    const limits = this.#limits;
    return {
      descriptor,
      status: 'inactive',
      problem: null,
      restarts: 0,
      process: null,
      starting: null,
      restartTimer: null,
      gaveUp: false,
      policy: new RestartPolicy({ backoffMs: limits.backoffMs, maxBackoffMs: limits.maxBackoffMs, maxFailures: limits.maxFailures, windowMs: limits.failureWindowMs }),
      log: new PluginLogRing(limits.logLines),
      storage: new PluginStorage(descriptor.dataDir, limits.storageMaxBytes),
      handedState: undefined,
    };
  }

  async #ensureActive(record: PluginRecord, chain: string[]): Promise<void> {
    const { manifest } = record.descriptor;
    if (this.#closed) throw new PluginError('plugin-failed', 'the plugin host is shut down');
    if (record.process && record.status === 'active') return;
    if (record.starting) return record.starting;
    if (manifest.main === null) throw new PluginError('not-found', `${manifest.id} has no code to run (it only contributes themes)`);
    if (record.gaveUp || record.restartTimer) throw new PluginError('plugin-failed', `${manifest.id} ${record.problem ?? 'is waiting to restart'}`);
    if (chain.includes(manifest.id)) throw new PluginError('plugin-failed', `dependency cycle: ${[...chain, manifest.id].join(' → ')}`);
    const starting = this.#startWithDependencies(record, [...chain, manifest.id]);
    record.starting = starting;
    try {
      await starting;
    } finally {
      if (record.starting === starting) record.starting = null;
    }
  }

  async #startWithDependencies(record: PluginRecord, chain: string[]): Promise<void> {
    const { manifest } = record.descriptor;
    for (const dependency of Object.keys(manifest.dependencies)) {
      const needed = this.#records.get(dependency);
      if (!needed) throw this.#cannotStart(record, `it needs the plugin ${dependency}, which is not installed`);
      if (needed.descriptor.manifest.main === null) continue;
      try {
        await this.#ensureActive(needed, chain);
      } catch (error) {
        throw this.#cannotStart(record, `its dependency ${dependency} did not start (${(error as Error).message})`);
      }
    }
    this.#setStatus(record, 'starting', null);
    const running = new PluginProcess(this.options.launcher, manifest, record.descriptor.dir, record.handedState, this.#limits, this.#gate(manifest.id), {
      serve: (method, params) =>
        serveCall(this.options.services, this.#callLimits, {
          pluginId: manifest.id,
          permissions: record.descriptor.permissions ?? manifest.permissions,
          panels: manifest.contributes.panels.map((panel) => panel.id),
          storage: record.storage,
        }, method, params),
      log: (level, message) => this.#log(record, level, message),
      ended: (problem) => this.#ended(record, running, problem),
    });
    record.process = running;
    await running.activated;
    // Handed over: a restart after a later crash starts afresh.
    record.handedState = undefined;
    if (record.process === running) this.#setStatus(record, 'active', null);
  }

  #cannotStart(record: PluginRecord, why: string): PluginError {
    this.#setStatus(record, 'crashed', `cannot start: ${why}`);
    this.#log(record, 'error', `cannot start: ${why}`);
    return new PluginError('plugin-failed', `${record.descriptor.manifest.id} cannot start: ${why}`);
  }

  #ended(record: PluginRecord, ended: PluginProcess, problem: string | null): void {
    if (record.process !== ended) return;
    record.process = null;
    if (problem === null) return;
    this.#log(record, 'error', `stopped: ${problem}`);
    if (this.#closed) return;
    const decision = record.policy.failed();
    if (!decision.restart) {
      record.gaveUp = true;
      this.#setStatus(record, 'crashed', `${problem}; it failed ${decision.failures} times in ${Math.round(this.#limits.failureWindowMs / 1000)} s and stays stopped until restarted`);
      return;
    }
    this.#setStatus(record, 'crashed', problem);
    this.#log(record, 'info', `restarting in ${decision.afterMs} ms`);
    record.restartTimer = setTimeout(() => {
      record.restartTimer = null;
      if (this.#closed || record.process) return;
      record.restarts++;
      this.#ensureActive(record, []).catch(() => undefined);
    }, decision.afterMs);
    record.restartTimer.unref();
  }

  /** Stops whatever runs or waits to run for this plugin; no restart follows. */
  async #halt(record: PluginRecord): Promise<void> {
    if (record.restartTimer) clearTimeout(record.restartTimer);
    record.restartTimer = null;
    const running = record.process;
    record.process = null;
    if (!running) return;
    await running.stop();
    this.#setStatus(record, 'stopped', null);
  }

  #setStatus(record: PluginRecord, status: PluginStatus, problem: string | null): void {
    record.status = status;
    record.problem = problem;
    const view = this.#view(record);
    for (const listener of this.#statusListeners) listener(view);
  }

  #view(record: PluginRecord): PluginRuntimeView {
    return { id: record.descriptor.manifest.id, status: record.status, problem: record.problem, restarts: record.restarts };
  }

  #log(record: PluginRecord, level: PluginLogEntry['level'], message: string): void {
    const entry: PluginLogEntry = { at: Date.now(), pluginId: record.descriptor.manifest.id, level, message };
    record.log.push(entry);
    for (const listener of this.#logListeners) listener(entry);
  }
}
