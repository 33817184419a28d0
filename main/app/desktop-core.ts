// The core as the desktop app runs it: the library, the API service, each window's connection,
// and the control socket the CLI talks to while the app holds the library (as `serve` does).
// Plain Node: the integration of all of it is tested without Electron.
import { createApiService, type ApiService } from '../api/api-service.js';
import { runLibraryCommand } from '../cli/local-runner.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import type { Library } from '../library/library.js';
import { libraryPaths } from '../library/library-paths.js';
import { AppLibraryError, openAppLibrary, type AppUnlockOptions } from './app-library.js';
import { WindowConnections } from './window-connections.js';
import type { SecretStore } from '../security/secret-store.js';
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
import { rateLimitsOf } from '../security/rate-limit/rate-limit-policy.js';

export interface DesktopCore {
  library: Library;
  /** Null when sync could not start (the reason went to the log); the library works regardless. */
  sync: SyncService | null;
  /** Null when plugins are off (the shell's choice, or they could not start). */
  plugins: PluginService | null;
  api: ApiService;
  windows: WindowConnections;
  controlSocket: string;
  /** Screen captures (null without a capture shell: tests of other parts). */
  capture: CaptureService | null;
  /** Clipboard history (null without a clipboard reader): the tray's "pause for the next copy". */
  clipboard: ClipboardMonitor | null;
  /** What `clipshot capture` asks, once the shell has set up capturing. */
  setCaptureStarter(starter: CaptureStarter | null): void;
  close(): Promise<void>;
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
}

export async function startDesktopCore(dir: string, unlock: AppUnlockOptions, shell: DesktopShell = {}): Promise<DesktopCore> {
  // The control socket comes first: when another ClipShot (the app or `serve`) has this library
  // open it answers there, and the library must not be opened twice.
  let library: Library | null = null;
  let sync: SyncService | null = null;
  let analysis: AnalysisService | null = null;
  let plugins: PluginService | null = null;
  let captureStarter: CaptureStarter | null = null;
  let control: ControlServer;
  try {
    control = await startControlServer(libraryPaths(dir).controlSocket, (request, output, signal) => {
      if (library) return runLibraryCommand(library, request, output, signal, { sync, analysis, plugins: plugins?.host ?? null, capture: captureStarter });
      output.stderr('clipshot: the app is still opening the library; try again in a moment\n');
      return Promise.resolve(1);
    }, { limits: () => (library ? rateLimitsOf(library) : null) });
  } catch (error) {
    throw new AppLibraryError(`ClipShot cannot take the library at ${libraryPaths(dir).dir}: ${error instanceof Error ? error.message : String(error)}. Is it open in another ClipShot (the app, or "clipshot serve")?`);
  }
  try {
    library = await openAppLibrary(dir, unlock);
  } catch (error) {
    await control.close();
    throw error;
  }
  const opened = library;
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
  const windows = new WindowConnections(api, opened.repo.networkSubsystem);
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
  let closing: Promise<void> | null = null;
  return {
    library: opened,
    sync,
    plugins: startedPlugins,
    api,
    windows,
    controlSocket: control.socketPath,
    capture,
    clipboard,
    setCaptureStarter: (starter) => {
      captureStarter = starter;
    },
    close: () =>
      (closing ??= (async () => {
        capture?.close();
        windows.releaseAll();
        await clipboard?.stop();
        await api.close();
        await startedPlugins?.close();
        // Sync first: it ends a `clipshot pair` still waiting, which the control socket waits for.
        await sync?.close();
        await control.close();
        await analysis?.close();
        await opened.close();
      })()),
  };
}
