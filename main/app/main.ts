// The Electron main process: the window, the clipshot:// protocol, IPC, and the core (library,
// API service, control socket). What runs before `ready` must stay at the top level and sync.
import { app, BrowserWindow, dialog, Menu, powerMonitor, protocol, safeStorage, session, systemPreferences } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_NODE_FLAGS } from '../cli/core-process.js';
import { PASSPHRASE_ENV } from '../cli/unlock.js';
import { defaultLibraryDir } from '../library/library-paths.js';
import { KeyringSecretStore } from '../security/keyring-secret-store.js';
import { builtRendererDir } from '../server/package-root.js';
import { appMenuTemplate } from './app-menu.js';
import { createAppProtocolHandler } from './app-protocol.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-url.js';
import { startDesktopCore, type DesktopCore } from './desktop-core.js';
import { electronClipboardReader } from './capture/clipboard-electron.js';
import { UtilityProcessLauncher } from './utility-launcher.js';
import { PluginUtilityLauncher } from './plugin-utility-launcher.js';
import { registerIpc, releaseWithPage } from './electron-ipc.js';
import { createMainWindow, hardenWebContents } from './electron-window.js';
import { isPermissionAllowed } from './permission-policy.js';
import { SafeStorageSecretStore } from './safe-storage-secret-store.js';
import { touchIdAuthenticator } from './touch-id-authenticator.js';
import { bufferMedia } from '../api/media.js';
import { ApiError } from '../../contract/api.js';
import { CaptureWindows, OPEN_CLIP_CHANNEL } from './capture/capture-windows.js';
import { DesktopCapture } from './capture/desktop-capture.js';
import { electronPaster } from './capture/clipboard-paste.js';
import { PickerWindow } from './capture/picker-window.js';
import { RecordingWindows } from './capture/recording-windows.js';
import type { CaptureSettingsStore } from '../capture/capture-settings.js';
import { offeredAudio, type AudioRequest } from '../capture/recording/audio-options.js';
import { renderEditedImage } from '../library/render/image-render.js';

/*
 * V8 takes heap flags only when an isolate starts. This process's isolate is already running, so
 * the switch below bounds the renderers only. The main process, which hosts the core, gets
 * CORE_NODE_FLAGS from its own command line: `npm start` (bin/start.js) passes
 * --js-flags. A packaged app is started by the OS without them, and with the runAsNode and
 * NODE_OPTIONS fuses off nothing can add them; there the bound will come from moving the core
 * into a utility process (utilityProcess.fork takes execArgv), as DESIGN.md plans.
 */
app.commandLine.appendSwitch('js-flags', CORE_NODE_FLAGS.join(' '));
app.setName('ClipShot');
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, '..', '..', 'preload', 'index.cjs');

let core: DesktopCore | null = null;
let desktopCapture: DesktopCapture | null = null;

if (!app.requestSingleInstanceLock()) {
  // The first instance has the library open; it gets 'second-instance' and shows its window.
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  // From bin/start.js (Ctrl+C, or its own SIGTERM passed on): quit the normal way, library closed.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app.whenReady().then(start).catch(failToStart);
}

async function start(): Promise<void> {
  denyPermissions();
  const stores = [new SafeStorageSecretStore(safeStorage, path.join(app.getPath('userData'), 'secrets.json')), new KeyringSecretStore()];
  const dir = process.env.CLIPSHOT_LIBRARY ?? defaultLibraryDir();
  const captureWindows = new CaptureWindows(PRELOAD, openClipInMainWindow);
  const picker = new PickerWindow(PRELOAD);
  const started = await startDesktopCore(
    dir,
    { passphrase: process.env[PASSPHRASE_ENV], stores },
    {
      chooseFolder,
      keychain: stores[0] ?? null,
      osAuthenticator: touchIdAuthenticator(systemPreferences),
      analysisLauncher: new UtilityProcessLauncher(),
      pluginLauncher: new PluginUtilityLauncher(),
      captureShell: captureWindows,
      clipboard: electronClipboardReader(),
      paster: (library) => electronPaster({ hidePicker: () => picker.hide(), renderedPng: async (clipId) => (await renderEditedImage(library, clipId, 'png')).bytes }),
    },
  );
  core = started;
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      rendererDir: builtRendererDir(),
      openMedia: (clipId, request) => started.api.openMedia(clipId, request),
      openExport: (jobId) => started.api.openExport(jobId),
      pluginStore: started.plugins?.store ?? null,
      openCaptureScreenshot: async (captureId) => {
        const capture = started.capture;
        if (!capture) throw new ApiError('locked', 'the library is locked');
        const shot = capture.screenshot(captureId);
        return bufferMedia(shot.bytes, shot.mime, `screenshot-${captureId}.png`);
      },
    }),
  );
  // The tray, shortcuts and recorder hold the open library's capture service: they stop when the
  // app locks and start again, on the new one, when it unlocks.
  await startCapturing(started, captureWindows, picker);
  started.lock.onChange((state) => {
    desktopCapture?.stop();
    desktopCapture = null;
    started.setCaptureStarter(null);
    if (!state.locked) void startCapturing(started, captureWindows, picker);
  });
  // Sleep and the OS's screen lock lock the library (the core closes it; main/security/lock/).
  powerMonitor.on('suspend', () => void started.lock.lock('suspend').catch((error: unknown) => console.error('ClipShot: locking failed:', error)));
  powerMonitor.on('lock-screen', () => void started.lock.lock('lock-screen').catch((error: unknown) => console.error('ClipShot: locking failed:', error)));
  registerIpc(started);
  app.on('web-contents-created', (_event, contents) => releaseWithPage(started, contents));
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform, app.isPackaged)));
  createMainWindow(PRELOAD);
  app.on('activate', () => {
    if (getMainWindow() === null) createMainWindow(PRELOAD);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

async function startCapturing(started: DesktopCore, captureWindows: CaptureWindows, picker: PickerWindow): Promise<void> {
  const capture = started.capture;
  if (!capture) return;
  const clipboardHistory = started.clipboard;
  const captureSettings = capture.settings;
  const recording = new RecordingWindows(started.library, captureSettings, PRELOAD, () => capturing.refreshTray());
  const capturing: DesktopCapture = new DesktopCapture(capture, captureWindows, {
    openPicker: () => picker.open(),
    trayItems: () => [
      ...(clipboardHistory
        ? [
            // No tick: the menu is not rebuilt when the copy comes, and a stale tick would mislead.
            { label: 'Pause clipboard history for the next copy', click: () => clipboardHistory.skipNextCopy() },
          ]
        : []),
      ...recordingTrayItems(recording, captureSettings, () => capturing.refreshTray()),
    ],
  });
  desktopCapture = capturing;
  await capturing.start().catch((error: unknown) => console.error(`ClipShot: capturing is off: ${error instanceof Error ? error.message : String(error)}`));
  started.setCaptureStarter(capturing);
}

/** The shell's folder dialog, for bulk exports: the window never names a path itself. */
async function chooseFolder(title: string): Promise<string | null> {
  const window = getMainWindow();
  const options = { title, buttonLabel: 'Export here', properties: ['openDirectory', 'createDirectory'] } satisfies Electron.OpenDialogOptions;
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

function denyPermissions(): void {
  const defaultSession = session.defaultSession;
  defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => callback(isPermissionAllowed(permission, details.requestingUrl)));
  defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  defaultSession.setDevicePermissionHandler(() => false);
  // Linux would download Hunspell dictionaries from Google; window-options.ts turns spelling off there too.
  defaultSession.setSpellCheckerEnabled(process.platform === 'darwin' || process.platform === 'win32');
}

// Closing the library waits for its writes: hold the quit until it is done, once.
let closed = false;
app.on('will-quit', (event) => {
  if (closed || core === null) return;
  event.preventDefault();
  desktopCapture?.stop();
  const closing = core;
  core = null;
  closing
    .close()
    .catch((error: unknown) => console.error('ClipShot: closing the library failed:', error))
    .finally(() => {
      closed = true;
      app.quit();
    });
});

function getMainWindow(): BrowserWindow | null {
  return BrowserWindow.getAllWindows()[0] ?? null;
}

/**
 * Start (the screen, or the last region) while idle, with ticks for the sound this OS lets a
 * recording take; Pause or Resume and Stop while a recording runs (the stop control has them too).
 */
function recordingTrayItems(recording: RecordingWindows, settings: CaptureSettingsStore, refresh: () => void): Electron.MenuItemConstructorOptions[] {
  const { phase } = recording.state;
  if (phase === 'recording' || phase === 'paused') {
    return [
      phase === 'recording' ? { label: 'Pause recording', click: () => recording.pause() } : { label: 'Resume recording', click: () => recording.resume() },
      { label: 'Stop recording', click: () => recording.stop() },
    ];
  }
  if (phase === 'countdown' || phase === 'stopping') return [{ label: phase === 'stopping' ? 'Saving the recording…' : 'Recording starts…', enabled: false }];
  const cannotRecord = (error: unknown) => dialog.showErrorBox('ClipShot cannot record', error instanceof Error ? error.message : String(error));
  const offered = offeredAudio(process.platform);
  const chosen = settings.current.recordAudio;
  const tick = (key: keyof AudioRequest, label: string): Electron.MenuItemConstructorOptions[] =>
    offered[key]
      ? [{ label, type: 'checkbox', checked: chosen[key], click: () => void settings.update({ recordAudio: { ...settings.current.recordAudio, [key]: !chosen[key] } }).then(refresh, cannotRecord) }]
      : [];
  return [
    { label: 'Start recording (screen)', click: () => void recording.startScreen().catch(cannotRecord) },
    {
      label: 'Record a region…',
      click: () =>
        void recording
          .startRegion()
          .then(async (reason) => {
            if (reason) await dialog.showMessageBox({ type: 'info', message: 'No region to record', detail: reason });
          })
          .catch(cannotRecord),
    },
    ...tick('microphone', 'Record the microphone'),
    ...tick('systemAudio', 'Record the system sound'),
  ];
}

/** The quick-access card's Annotate: the app window comes forward with the clip open in its editor. */
function openClipInMainWindow(clipId: string): void {
  focusMainWindow();
  getMainWindow()?.webContents.send(OPEN_CLIP_CHANNEL, clipId);
}

function focusMainWindow(): void {
  const window = getMainWindow();
  if (window === null) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function failToStart(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`ClipShot cannot start: ${message}`);
  dialog.showErrorBox('ClipShot cannot start', message);
  app.exit(1);
}
