import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createApiService } from '../api/api-service.js';
import { UploadStore } from '../api/upload-store.js';
import { startControlServer } from '../control/control-server.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { builtRendererDir } from '../server/package-root.js';
import { isLoopbackHost } from '../server/hosts.js';
import { startServeServer } from '../server/serve-server.js';
import { openOrCreate, runLibraryCommand, type RunningServices } from './local-runner.js';
import { runLockableCommand } from './lock-commands.js';
import { InstanceLock, type UnlockedInstance } from '../security/lock/instance-lock.js';
import { createLockableApiService } from '../security/lock/lockable-api.js';
import type { SecretStore } from '../security/secret-store.js';
import type { Library } from '../library/library.js';
import { SyncService, type SyncServiceOptions } from '../sync/sync-service.js';
import type { AnalysisService } from '../ai/analysis/analysis-service.js';
import { availableKeychain } from './unlock.js';
import { openAppModelStore } from '../api/app-model-store.js';
import { openLibraryProviderRegistry } from '../ai/providers/library-provider-registry.js';
import { enabledRemoteTaggers } from '../ai/providers/enabled-taggers.js';
import { UsageError } from './parse-args.js';
import { startInstancePlugins } from '../plugins/instance-plugins.js';
import type { PluginService } from '../plugins/plugin-service.js';
import { CaptureService } from '../capture/capture-service.js';
import { CAPTURE_SETTINGS_FILE, CaptureSettingsStore } from '../capture/capture-settings.js';
import { openCaptureFixture } from '../capture/capture-fixture.js';

const DEFAULT_HOST = '127.0.0.1';

/** `clipshot serve`: the library, the app for a browser, and the control socket, until SIGINT/SIGTERM. */
export async function runServe(dir: string, request: CommandRequest, output: CommandOutput): Promise<number> {
  const port = parsePort(request.options.port);
  const host = typeof request.options.host === 'string' ? request.options.host : DEFAULT_HOST;
  if (host.trim() === '') throw new UsageError('serve: --host needs a host name or address');

  const syncOptions = syncOptionsOf(request);
  const library = await openOrCreate(dir, true, output);
  const uploads = new UploadStore(path.join(library.paths.dir, 'uploads'));
  await uploads.clear();
  const keychain = await availableKeychain();
  const start = (opened: Library) => startServeInstance(opened, request, output, { syncOptions, keychain, uploads });
  let lock: InstanceLock<ServeInstance> | null = null;
  let service;
  let control;
  let server;
  try {
    lock = new InstanceLock(await start(library), { dir, start, keychain: async () => keychain, actor: { type: 'device', id: 'this-device' }, ...lockClockFromEnvironment() });
    const locking = lock;
    service = createLockableApiService(locking);
    control = await startControlServer(library.paths.controlSocket, (command, commandOutput, signal) =>
      runLockableCommand(locking, command, commandOutput, (instance) => runLibraryCommand(instance.library, command, commandOutput, signal, instance.services)),
    );
    const first = locking.current();
    server = await startServeServer(locking, service, uploads, { host, port, rendererDir: builtRendererDir(), ...(first.plugins && { pluginStore: first.plugins.store }), ...serveTokenFromEnvironment(), ...(first.capture && { captures: first.capture.service }) });
    if (!isLoopbackHost(host)) output.stderr(`clipshot: listening on ${host}, not only this device: anyone who can reach it and has the URL's token can use the library\n`);
    const sync = first.services.sync;
    const syncLine = sync ? `sync: ${sync.status().listening.join(', ')} (device ${sync.status().device.fingerprint})\n` : '';
    const captureLine = first.capture ? `capture overlay: ${server.origin}/capture.html?capture=${first.capture.id}\n` : '';
    output.stdout(`ClipShot is serving the library at ${library.paths.dir}\ncontrol socket: ${control.socketPath}\n${syncLine}${captureLine}Open ${server.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await server?.close();
    await service?.close();
    await control?.close();
    // Closes the instance (plugins, sync, analysis, the library) unless it is locked, and so already closed.
    if (lock) await lock.close();
    else await library.close();
    await uploads.clear();
  }
  output.stdout('stopped\n');
  return 0;
}

/** What runs in `serve` while the library is unlocked; the app lock stops all of it and starts it again. */
interface ServeInstance extends UnlockedInstance {
  services: RunningServices;
  plugins: PluginService | null;
  capture: { service: CaptureService; id: string } | null;
}

async function startServeInstance(library: Library, request: CommandRequest, output: CommandOutput, options: { syncOptions: SyncServiceOptions | null; keychain: SecretStore | null; uploads: UploadStore }): Promise<ServeInstance> {
  let sync: SyncService | null = null;
  let analysis: AnalysisService | null = null;
  let plugins: PluginService | null = null;
  try {
    sync = options.syncOptions ? await startSync(library, options.syncOptions, output) : null;
    // One registry for the settings and whatever uses the providers (its rate limits are per instance).
    const providers = openLibraryProviderRegistry(library, { keychain: options.keychain });
    analysis = request.options['no-analysis'] === true ? null : await (await import('../ai/analysis/start-analysis.js')).startAnalysis(library, { remoteTaggers: enabledRemoteTaggers(providers) }).catch((error: unknown) => {
      output.stderr(`clipshot: analysis is off: ${error instanceof Error ? error.message : String(error)}\n`);
      return null;
    });
    const models = modelStoreOrNothing(output);
    plugins = await startInstancePlugins(library, { onProblem: (message) => output.stderr(`clipshot: ${message}\n`) });
    const running = analysis;
    const captureInput = request.options['capture-input'];
    const capture = typeof captureInput === 'string' ? await openFixtureCapture(library, path.resolve(request.cwd, captureInput), running) : null;
    const api = createApiService(library, {
      uploads: options.uploads,
      ...(sync ? { sync } : {}),
      ...(running ? { analysis: running, onModelsChanged: () => running.modelsChanged() } : {}),
      ...(models ? { models } : {}),
      providers,
      ...(plugins && { plugins }),
      ...(capture && { capture: capture.service }),
    });
    const started = { sync, analysis, plugins };
    return {
      library,
      api,
      plugins,
      capture,
      services: { sync, analysis, plugins: plugins?.host ?? null },
      close: async () => {
        await api.close();
        await started.plugins?.close();
        await started.sync?.close();
        await started.analysis?.close();
        await library.close();
      },
    };
  } catch (error) {
    await plugins?.close();
    await sync?.close();
    await analysis?.close();
    throw error;
  }
}

/** Tests move the idle clock (CLIPSHOT_TEST_LOCK_CLOCK=FILE: the file holds the time in ms) instead of waiting minutes. */
function lockClockFromEnvironment(): { now?: () => number; checkEveryMs?: number } {
  const file = process.env.CLIPSHOT_TEST_LOCK_CLOCK;
  if (!file) return {};
  return { now: () => Number(readFileSync(file, 'utf8')) || Date.now(), checkEveryMs: 200 };
}

/** A capture read from files (`--capture-input`), held for the overlay page as the desktop app holds a screenshot. */
async function openFixtureCapture(library: Library, file: string, analysis: AnalysisService | null): Promise<{ service: CaptureService; id: string }> {
  const settings = await CaptureSettingsStore.open(path.join(library.paths.dir, CAPTURE_SETTINGS_FILE));
  const service = new CaptureService(library, settings, analysis ? { analysis } : {});
  try {
    return { service, id: await openCaptureFixture(service, file) };
  } catch (error) {
    throw new UsageError(`serve: --capture-input: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The Models panel is off (and says so) when the catalog or mirror given in the environment cannot be used. */
function modelStoreOrNothing(output: CommandOutput) {
  try {
    return openAppModelStore();
  } catch (error) {
    output.stderr(`clipshot: the Models panel is off: ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  }
}

/**
 * A home server may keep its address across restarts: CLIPSHOT_SERVE_TOKEN fixes the session
 * token (an environment variable, so it does not show in the process list).
 */
function serveTokenFromEnvironment(): { token?: string } {
  const token = process.env.CLIPSHOT_SERVE_TOKEN;
  if (token === undefined || token === '') return {};
  if (!/^[A-Za-z0-9_-]{32,}$/.test(token)) throw new UsageError('serve: CLIPSHOT_SERVE_TOKEN must be at least 32 characters of A-Z, a-z, 0-9, "-" and "_"');
  return { token };
}

function parsePort(raw: string | boolean | string[] | undefined, option = 'port'): number {
  if (raw === undefined) return 0;
  const port = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`serve: --${option} must be a number from 0 to 65535, not ${JSON.stringify(raw)}`);
  return port;
}

function syncOptionsOf(request: CommandRequest): SyncServiceOptions | null {
  if (request.options['no-sync'] === true) return null;
  const host = request.options['sync-host'];
  if (host !== undefined && (typeof host !== 'string' || host.trim() === '')) throw new UsageError('serve: --sync-host needs a host name or address');
  const options: SyncServiceOptions = { discovery: request.options['no-discovery'] !== true };
  if (typeof host === 'string') options.host = host;
  if (request.options['sync-port'] !== undefined) options.port = parsePort(request.options['sync-port'], 'sync-port');
  if (request.options['sync-public-port'] !== undefined) options.publicPort = parsePort(request.options['sync-public-port'], 'sync-public-port') || undefined;
  return options;
}

/** Sync is part of serving, but a library still opens when sync cannot start (it says why). */
async function startSync(library: Library, options: SyncServiceOptions, output: CommandOutput): Promise<SyncService | null> {
  try {
    return await SyncService.start(library, { ...options, keychain: await availableKeychain() });
  } catch (error) {
    output.stderr(`clipshot: sync is off: ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  }
}
