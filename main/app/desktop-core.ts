// The core as the desktop app runs it: the library, the API service, each window's connection,
// and the control socket the CLI talks to while the app holds the library (as `serve` does).
// Plain Node: the integration of all of it is tested without Electron.
import { createApiService, type ApiService } from '../api/api-service.js';
import { runLibraryCommand } from '../cli/local-runner.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import type { Library } from '../library/library.js';
import { libraryPaths } from '../library/library-paths.js';
import { AppLibraryError, openAppLibrary, type AppUnlockOptions } from './app-library.js';
import { WindowConnections, type DocumentNetwork } from './window-connections.js';
import { InstanceLock, type UnlockedInstance } from '../security/lock/instance-lock.js';
import { createLockableApiService } from '../security/lock/lockable-api.js';
import { runLockableCommand } from '../cli/lock-commands.js';
import type { SecretStore } from '../security/secret-store.js';
import { secretStoreChain } from '../security/secret-store-chain.js';
import { SyncService } from '../sync/sync-service.js';
import type { AnalysisService } from '../ai/analysis/analysis-service.js';
import { startAnalysis } from '../ai/analysis/start-analysis.js';
import type { WorkerLauncher } from '../ai/worker/worker-launcher.js';
import { openAppModelStore } from '../api/app-model-store.js';
import { openLibraryProviderRegistry } from '../ai/providers/library-provider-registry.js';
import { enabledRemoteTaggers } from '../ai/providers/enabled-taggers.js';
import { startInstancePlugins } from '../plugins/instance-plugins.js';
import type { PluginLauncher } from '../plugins/host/plugin-launcher.js';
import type { PluginService } from '../plugins/plugin-service.js';
import path from 'node:path';
import type { CaptureStarter } from '../cli/capture-commands.js';
import { CaptureService, type CaptureShell } from '../capture/capture-service.js';
import { CAPTURE_SETTINGS_FILE, CaptureSettingsStore } from '../capture/capture-settings.js';
import type { ClipboardReader } from '../capture/clipboard/clipboard-reader.js';
import { clipboardLibrarySink } from '../capture/clipboard/clipboard-library-sink.js';
import { ClipboardMonitor } from '../capture/clipboard/clipboard-monitor.js';
import { loadClipboardSettings } from '../capture/clipboard/clipboard-settings-store.js';
import type { Paster } from '../capture/clipboard/picker-service.js';
import { rateLimitsOf, shareRateLimits, type RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';
import { lockedAudit } from '../security/lock/locked-audit.js';
import type { OsAuthenticator } from '../security/lock/os-authenticator.js';

export interface DesktopCore {
  /** The open library; ApiError 'locked' while the app lock has it closed. */
  readonly library: Library;
  /** Null when sync could not start (the reason went to the log), or while locked; the library works regardless. */
  readonly sync: SyncService | null;
  /** Null when plugins are off (the shell's choice, or they could not start), or while locked. */
  readonly plugins: PluginService | null;
  /** The API as windows reach it, through the app lock (locked: only the lock's methods answer). */
  api: ApiService;
  windows: WindowConnections;
  /** The app lock: idle and system sleep lock it (main/security/lock/). */
  lock: InstanceLock<DesktopInstance>;
  controlSocket: string;
  /** Screen captures (null without a capture shell: tests of other parts; null while locked). */
  readonly capture: CaptureService | null;
  /** Clipboard history (null without a clipboard reader, or while locked): the tray's "pause for the next copy". */
  readonly clipboard: ClipboardMonitor | null;
  /** What `clipshot capture` asks, once the shell has set up capturing. */
  setCaptureStarter(starter: CaptureStarter | null): void;
  close(): Promise<void>;
}

/** What runs while the library is unlocked; the app lock stops all of it and starts it again. */
export interface DesktopInstance extends UnlockedInstance {
  sync: SyncService | null;
  analysis: AnalysisService | null;
  plugins: PluginService | null;
  capture: CaptureService | null;
  clipboard: ClipboardMonitor | null;
}

export interface DesktopShell {
  /** Asks the person for a folder (bulk exports write into it); null when they cancel. */
  chooseFolder?: (title: string) => Promise<string | null>;
  /** The OS keychain, where this device's sync key is kept when it is reachable. */
  keychain?: SecretStore | null;
  /** Turns multi-device sync off (tests of other parts). */
  sync?: false;
  /** Turns background analysis off (tests of other parts). */
  analysis?: false;
  /** How the analysis worker starts: Electron's utility process in the app. */
  analysisLauncher?: WorkerLauncher;
  /** Turns plugins off (tests of other parts). */
  plugins?: false;
  /** How plugin processes start: Electron's utility process in the app. */
  pluginLauncher?: PluginLauncher;
  /** The clipboard and windows after a capture (Electron); without it the app captures nothing. */
  captureShell?: CaptureShell;
  /** The OS clipboard, watched for clipboard history (main/capture/clipboard/); none: no history. */
  clipboard?: ClipboardReader;
  /** Pastes a picker item into the previous window (Electron); made for the opened library. */
  paster?: (library: Library) => Paster;
  /** The OS's check of the person (Touch ID), offered on the lock screen where the person turned it on. */
  osAuthenticator?: OsAuthenticator;
  /** The idle lock's clock (tests move it). */
  now?: () => number;
}

export async function startDesktopCore(dir: string, unlock: AppUnlockOptions, shell: DesktopShell = {}): Promise<DesktopCore> {
  // The control socket comes first: when another ClipShot (the app or `serve`) has this library
  // open it answers there, and the library must not be opened twice.
  let lock: InstanceLock<DesktopInstance> | null = null;
  let limits: RateLimitPolicy | null = null;
  let captureStarter: CaptureStarter | null = null;
  let control: ControlServer;
  try {
    control = await startControlServer(libraryPaths(dir).controlSocket, (request, output, signal) => {
      if (lock) {
        return runLockableCommand(lock, request, output, (instance) =>
          runLibraryCommand(instance.library, request, output, signal, { sync: instance.sync, analysis: instance.analysis, plugins: instance.plugins?.host ?? null, capture: captureStarter }),
        );
      }
      output.stderr('clipshot: the app is still opening the library; try again in a moment\n');
      return Promise.resolve(1);
    }, { limits: () => limits });
  } catch (error) {
    throw new AppLibraryError(`ClipShot cannot take the library at ${libraryPaths(dir).dir}: ${error instanceof Error ? error.message : String(error)}. Is it open in another ClipShot (the app, or "clipshot serve")?`);
  }
  // One set of limits for the app's life: the control socket and each opening of the library share it.
  const sharedLimits = rateLimitsOf({ paths: libraryPaths(dir), audit: lockedAudit(() => (lock ? (lock.locked ? null : lock.current().library) : null), libraryPaths(dir).auditPending) });
  const start = (library: Library) => {
    shareRateLimits(library, sharedLimits);
    return startDesktopInstance(library, shell);
  };
  let first: DesktopInstance;
  try {
    first = await start(await openAppLibrary(dir, unlock));
  } catch (error) {
    await control.close();
    throw error;
  }
  const locking = new InstanceLock(first, {
    dir,
    start,
    // Every keychain the app has: a slot the CLI added lives in the keyring, the app's own in safeStorage.
    keychain: async () => secretStoreChain([...(shell.keychain ? [shell.keychain] : []), ...unlock.stores]),
    actor: { type: 'device', id: 'this-device' },
    ...(shell.now && { now: shell.now }),
    ...(shell.osAuthenticator && { osAuthenticator: shell.osAuthenticator }),
  });
  lock = locking;
  limits = sharedLimits;
  const api = createLockableApiService(locking);
  // Windows reach whichever library is open; while locked a window's port joins nothing (it shows the lock screen).
  const network: DocumentNetwork = {
    addNetworkAdapter: (adapter) => {
      if (!locking.locked) locking.current().library.repo.networkSubsystem.addNetworkAdapter(adapter);
    },
    removeNetworkAdapter: (adapter) => {
      if (!locking.locked) locking.current().library.repo.networkSubsystem.removeNetworkAdapter(adapter);
    },
  };
  const windows = new WindowConnections(api, network, sharedLimits);
  // A lock ends every window's session and port (the windows reload onto the lock screen).
  locking.onChange((state) => {
    if (state.locked) windows.releaseAll();
  });
  const instance = () => (locking.locked ? null : locking.current());
  let closing: Promise<void> | null = null;
  // After close, the library that was open stays nameable (its id, its folder); a lock leaves none.
  let closedLibrary: Library | null = null;
  return {
    get library() {
      return closedLibrary ?? locking.current().library;
    },
    get sync() {
      return instance()?.sync ?? null;
    },
    get plugins() {
      return instance()?.plugins ?? null;
    },
    get capture() {
      return instance()?.capture ?? null;
    },
    get clipboard() {
      return instance()?.clipboard ?? null;
    },
    api,
    windows,
    lock: locking,
    controlSocket: control.socketPath,
    setCaptureStarter: (starter) => {
      captureStarter = starter;
    },
    close: () =>
      (closing ??= (async () => {
        closedLibrary = instance()?.library ?? null;
        windows.releaseAll();
        await api.close();
        // Before the instance: a `clipshot pair` still waiting ends when sync closes, which the socket waits for.
        const closingInstance = locking.close();
        await control.close();
        await closingInstance;
      })()),
  };
}

/** Everything the app runs around an open library. */
async function startDesktopInstance(opened: Library, shell: DesktopShell): Promise<DesktopInstance> {
  let sync: SyncService | null = null;
  let analysis: AnalysisService | null = null;
  let plugins: PluginService | null = null;
  if (shell.sync !== false) {
    sync = await SyncService.start(opened, { keychain: shell.keychain ?? null, discovery: true }).catch((error: unknown) => {
      console.error(`ClipShot: sync is off: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
  }
  // One registry for the settings and whatever uses the providers (its rate limits are per instance).
  const providers = openLibraryProviderRegistry(opened, { keychain: shell.keychain ?? null });
  if (shell.analysis !== false) {
    analysis = await startAnalysis(opened, { remoteTaggers: enabledRemoteTaggers(providers), ...(shell.analysisLauncher && { launcher: shell.analysisLauncher }) }).catch((error: unknown) => {
      console.error(`ClipShot: analysis is off: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
  }
  const models = (() => {
    try {
      return openAppModelStore();
    } catch (error) {
      console.error(`ClipShot: the Models panel is off: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  })();
  if (shell.plugins !== false) {
    plugins = await startInstancePlugins(opened, { ...(shell.pluginLauncher && { launcher: shell.pluginLauncher }), onProblem: (message) => console.error(`ClipShot: ${message}`) });
  }
  const running = analysis;
  const startedPlugins = plugins;
  const capture = shell.captureShell
    ? new CaptureService(opened, await CaptureSettingsStore.open(path.join(opened.paths.dir, CAPTURE_SETTINGS_FILE)), { shell: shell.captureShell, ...(running && { analysis: running }) })
    : null;
  const api = createApiService(opened, {
    allowPaths: true,
    ...(shell.chooseFolder && { chooseFolder: shell.chooseFolder }),
    ...(sync && { sync }),
    ...(running && { analysis: running, onModelsChanged: () => running.modelsChanged() }),
    ...(models && { models }),
    providers,
    ...(startedPlugins && { plugins: startedPlugins }),
    ...(capture && { capture }),
    ...(shell.paster && { paster: shell.paster(opened) }),
  });
  const clipboard = shell.clipboard
    ? new ClipboardMonitor({
        reader: shell.clipboard,
        sink: clipboardLibrarySink(opened),
        settings: () => loadClipboardSettings(opened),
        onEvent: (event) => {
          if (event.type === 'failed') console.error(`ClipShot: clipboard history: ${event.reason}`);
        },
      })
    : null;
  await clipboard?.start();
  const startedSync = sync;
  return {
    library: opened,
    api,
    sync: startedSync,
    analysis: running,
    plugins: startedPlugins,
    capture,
    clipboard,
    close: async () => {
      capture?.close();
      await clipboard?.stop();
      await api.close();
      await startedPlugins?.close();
      await startedSync?.close();
      await running?.close();
      await opened.close();
    },
  };
}
