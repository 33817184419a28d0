import { readFileSync } from 'node:fs';
import os from 'node:os';
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
import { EmptyPassphraseError, readKeySlots, unlockWithPassphrase, WrongPassphraseError } from '../security/key-slots.js';
import { loadServeCertificate } from '../server/remote/serve-certificate.js';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from '../server/remote/login-sessions.js';
import type { ServeServerOptions } from '../server/serve-server.js';
import type { AuditRecorder } from '../security/audit/audit-log.js';
import { lockedAudit } from '../security/lock/locked-audit.js';
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
import { rateLimitsOf, shareRateLimits } from '../security/rate-limit/rate-limit-policy.js';

const DEFAULT_HOST = '127.0.0.1';

/** `clipshot serve`: the library, the app for a browser, and the control socket, until SIGINT/SIGTERM. */
export async function runServe(dir: string, request: CommandRequest, output: CommandOutput): Promise<number> {
  const port = parsePort(request.options.port);
  const host = typeof request.options.host === 'string' ? request.options.host : DEFAULT_HOST;
  if (host.trim() === '') throw new UsageError('serve: --host needs a host name or address');
  const beyondThisDevice = !isLoopbackHost(host);
  const sessionLimits = sessionLimitsOf(request);

  const syncOptions = syncOptionsOf(request);
  const library = await openOrCreate(dir, true, output);
  const uploads = new UploadStore(path.join(library.paths.dir, 'uploads'));
  await uploads.clear();
  const keychain = await availableKeychain();
  let lock: InstanceLock<ServeInstance> | null = null;
  // One set of limits for the instance's life: the control socket, the server and each opening of the library share it.
  const openLibrary = () => (lock ? (lock.locked ? null : lock.current().library) : library);
  const limits = rateLimitsOf({ paths: library.paths, audit: lockedAudit(openLibrary, library.paths.auditPending) });
  const start = (opened: Library) => {
    shareRateLimits(opened, limits);
    return startServeInstance(opened, request, output, { syncOptions, keychain, uploads });
  };
  let service;
  let control;
  let server;
  try {
    lock = new InstanceLock(await start(library), { dir, start, keychain: async () => keychain, actor: { type: 'device', id: 'this-device' }, ...lockClockFromEnvironment() });
    const locking = lock;
    service = createLockableApiService(locking);
    control = await startControlServer(
      library.paths.controlSocket,
      (command, commandOutput, signal) => runLockableCommand(locking, command, commandOutput, (instance) => runLibraryCommand(instance.library, command, commandOutput, signal, instance.services)),
      { limits: () => limits },
    );
    const first = locking.current();
    const remote = beyondThisDevice ? await remoteOptions(library, sessionLimits, request.options['new-certificate'] === true, lockedAudit(openLibrary, library.paths.auditPending)) : null;
    server = await startServeServer(locking, service, uploads, { host, port, rendererDir: builtRendererDir(), ...(first.plugins && { pluginStore: first.plugins.store }), ...(remote ? {} : serveTokenFromEnvironment()), ...(first.capture && { captures: first.capture.service }), ...(remote && { remote }), limits });
    if (remote) output.stderr(`clipshot: listening on ${host}, not only this device: browsers log in with the library's passphrase, over HTTPS only\n`);
    const sync = first.services.sync;
    const syncLine = sync ? `sync: ${sync.status().listening.join(', ')} (device ${sync.status().device.fingerprint})\n` : '';
    const captureLine = first.capture ? `capture overlay: ${server.origin}/capture.html?capture=${first.capture.id}\n` : '';
    const openLines = remote
      ? `HTTPS certificate SHA-256 fingerprint: ${remote.fingerprint}\n(check that your browser shows the same before you log in; log in with the library's passphrase)\n${addressesOf(host, new URL(server.origin).port).map((address) => `Open ${address}\n`).join('')}`
      : `Open ${server.url}\n`;
    output.stdout(`ClipShot is serving the library at ${library.paths.dir}\ncontrol socket: ${control.socketPath}\n${syncLine}${captureLine}${openLines}`);
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

/**
 * Serving beyond this device: HTTPS with the library's own certificate, and a login with the
 * library's passphrase, checked against its passphrase slot as unlocking does.
 */
async function remoteOptions(library: Library, limits: SessionLimits, renewCertificate: boolean, audit: AuditRecorder): Promise<NonNullable<ServeServerOptions['remote']> & { fingerprint: string }> {
  const { slots } = await readKeySlots(library.paths.keyFile);
  if (!slots.some((slot) => slot.method === 'passphrase')) {
    throw new UsageError("serve: beyond this device, browsers log in with the library's passphrase and this library has none; add one with `clipshot keys add-passphrase`, or serve on 127.0.0.1");
  }
  const certificate = await loadServeCertificate(library.db, library.libraryId, { renew: renewCertificate });
  const keyFile = library.paths.keyFile;
  const verifyPassphrase = async (passphrase: string): Promise<boolean> => {
    try {
      (await unlockWithPassphrase(keyFile, passphrase)).fill(0);
      return true;
    } catch (error) {
      if (error instanceof WrongPassphraseError || error instanceof EmptyPassphraseError) return false;
      throw error;
    }
  };
  return { certPem: certificate.certPem, keyPem: certificate.keyPem, fingerprint: certificate.fingerprint, login: { verifyPassphrase, limits, audit } };
}

/** The addresses other devices can open: each of this machine's own when bound to all of them. */
function addressesOf(host: string, port: string): string[] {
  const all = host === '0.0.0.0' || host === '::';
  if (!all) return [`https://${host.includes(':') ? `[${host}]` : host}:${port}/`];
  const found = Object.values(os.networkInterfaces())
    .flat()
    // Link-local IPv6 addresses need a zone a URL cannot carry portably.
    .filter((entry): entry is os.NetworkInterfaceInfo => entry !== undefined && !entry.internal && (entry.family === 'IPv4' || (host === '::' && !entry.address.startsWith('fe80:'))))
    .map((entry) => (entry.family === 'IPv6' ? `https://[${entry.address}]:${port}/` : `https://${entry.address}:${port}/`));
  return found.length > 0 ? found : [`https://${os.hostname()}:${port}/`];
}

/** `--session-idle` and `--session-max`: 90s, 30m, 12h (whole seconds, minutes or hours). */
function sessionLimitsOf(request: CommandRequest): SessionLimits {
  return {
    idleMs: durationOption(request.options['session-idle'], 'session-idle') ?? DEFAULT_SESSION_LIMITS.idleMs,
    maxMs: durationOption(request.options['session-max'], 'session-max') ?? DEFAULT_SESSION_LIMITS.maxMs,
  };
}

const DURATION_UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };
const MAX_DURATION_MS = 30 * 24 * 3_600_000;

function durationOption(raw: string | boolean | string[] | undefined, option: string): number | null {
  if (raw === undefined) return null;
  const match = typeof raw === 'string' ? /^(\d{1,7})(s|m|h)$/.exec(raw) : null;
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2]!]! : NaN;
  if (!(ms >= 1_000 && ms <= MAX_DURATION_MS)) throw new UsageError(`serve: --${option} is a duration from 1s to 720h, like 90s, 30m or 12h, not ${JSON.stringify(raw)}`);
  return ms;
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
