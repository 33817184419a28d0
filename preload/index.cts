// The window's only way to main: the typed API (contract/api.ts) as `window.clipshot`, plus the
// two things only Electron can do for a page (a dropped file's path, the document port).
// Sandboxed, a preload can require nothing but 'electron': this file imports only types, and the
// names it shares with main/app are repeated here (tests/unit/app/preload-bridge.test.ts checks them).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS under verbatimModuleSyntax is written this way
import electron = require('electron');
import type { ApiErrorData, ApiEvent, ApiMethod, ClipShotApi, ClipShotRequests } from '../contract/api.js';
import type { QuickAccessAction, QuickAccessShell } from '../contract/capture/quick-access.js';
import type { RecorderCommand, RecorderShell, StopControlShell } from '../contract/capture/recording-ipc.js';

/**
 * What the renderer finds as `window.clipshot` (renderer/src/api/connect.ts: ElectronBridge). Media
 * and export URLs are the page's own (contract/media.ts on its clipshot://app origin): building
 * them needs no privilege.
 */
export interface PreloadBridge extends ClipShotRequests, Pick<ClipShotApi, 'onEvent'> {
  /** The real path of a dropped or picked file; '' for a file that has none (e.g. made by the page). */
  pathForFile(file: File): string;
  /** Asks main for this window's document port; it arrives as a 'clipshot:document-port' window message. */
  requestDocumentPort(): void;
}

const CHANNEL_PREFIX = 'clipshot:';
const EVENT_CHANNEL = 'clipshot:event';
const DOCUMENT_PORT_CHANNEL = 'clipshot:document-port';
const DOCUMENT_PORT_REQUEST_CHANNEL = 'clipshot:request-document-port';
// contract/capture/quick-access.ts QUICK_ACCESS_CHANNEL; main/app/capture/capture-windows.ts OPEN_CLIP_CHANNEL.
const QUICK_ACCESS_CHANNEL = 'clipshot-quick-access';
const OPEN_CLIP_CHANNEL = 'clipshot:open-clip';

// Spelled out because the contract's list comes with zod, which a sandboxed preload cannot load;
// `satisfies` fails the build when a method is added to or removed from the contract.
const METHODS = {
  listClips: true,
  countClips: true,
  getClip: true,
  overview: true,
  timeline: true,
  openClipDocument: true,
  closeClipDocument: true,
  clipHistory: true,
  editClip: true,
  changeTags: true,
  trashClips: true,
  restoreClips: true,
  undoClip: true,
  importUploads: true,
  importPaths: true,
  importText: true,
  cancelImport: true,
  exportClip: true,
  cancelExport: true,
  videoTimeline: true,
  openSettingsDocument: true,
  timelineSpan: true,
  bulkTags: true,
  bulkCollections: true,
  bulkTrash: true,
  bulkRestore: true,
  bulkReanalyse: true,
  bulkExport: true,
  combineImages: true,
  mergeTexts: true,
  cancelBulk: true,
  syncStatus: true,
  startPairing: true,
  pairingState: true,
  cancelPairing: true,
  joinDevice: true,
  unpairDevice: true,
  renameDevice: true,
  connectDevice: true,
  setOriginals: true,
  sharingStatus: true,
  shareCollection: true,
  unshareCollection: true,
  sharedClips: true,
  editSharedClip: true,
  analysisProgress: true,
  analyseClips: true,
  prioritiseAnalysis: true,
  pauseAnalysis: true,
  resumeAnalysis: true,
  cancelAnalysis: true,
  clipAnalysis: true,
  analysisFailures: true,
  acceptSuggestion: true,
  rejectSuggestion: true,
  listModels: true,
  planModelInstall: true,
  installModel: true,
  cancelModelInstall: true,
  removeModel: true,
  importModels: true,
  aiProviders: true,
  providerConsentText: true,
  enableProvider: true,
  disableProvider: true,
  forgetProvider: true,
  pluginList: true,
  pluginSearch: true,
  pluginDetails: true,
  pluginInstall: true,
  pluginUpdate: true,
  pluginRollback: true,
  pluginRemove: true,
  pluginLogs: true,
  auditLog: true,
  verifyAudit: true,
  lockState: true,
  lock: true,
  unlock: true,
  setLockAfter: true,
  setOsUnlock: true,
  pluginRunCommand: true,
  captureInput: true,
  saveCapture: true,
  cancelCapture: true,
  clipboardItems: true,
  pasteClipboardItem: true,
  pinClipboardItem: true,
  captureSettings: true,
  changeCaptureSettings: true,
  clipboardSettings: true,
  changeClipboardSettings: true,
  rateLimits: true,
  changeRateLimits: true,
} as const satisfies Record<ApiMethod, true>;

type Reply = { ok: true; value: unknown } | { ok: false; error: ApiErrorData };

/**
 * A failed call rejects with `{ name: 'ApiError', code, message }`, a plain object: an Error
 * crossing the context bridge keeps only its message, and the page needs the code too
 * (`ApiError.from(reason)` turns it back into an ApiError).
 */
function apiFailure(error: ApiErrorData): ApiErrorData & { name: 'ApiError' } {
  return { name: 'ApiError', code: error.code, message: error.message, ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) };
}

async function call(method: ApiMethod, params: unknown): Promise<unknown> {
  let reply: Reply;
  try {
    reply = (await electron.ipcRenderer.invoke(CHANNEL_PREFIX + method, params)) as Reply;
  } catch (error) {
    throw apiFailure({ code: 'internal', message: `ClipShot refused the request: ${error instanceof Error ? error.message : String(error)}` });
  }
  if (reply?.ok === true) return reply.value;
  if (reply?.ok === false) throw apiFailure(reply.error);
  throw apiFailure({ code: 'internal', message: `ClipShot sent a malformed answer to ${method}` });
}

const listeners = new Set<(event: ApiEvent) => void>();
electron.ipcRenderer.on(EVENT_CHANNEL, (_event, apiEvent: ApiEvent) => {
  for (const listener of [...listeners]) {
    try {
      listener(apiEvent);
    } catch (error) {
      // One failing listener must not keep the event from the others; the page still sees the error.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
});

// The page asked (requestDocumentPort); the port goes to the page's own window, which checks
// `event.source === window`. Posted once the page has loaded, so its listener exists.
const pageLoaded = new Promise<void>((resolve) => {
  if (document.readyState === 'complete') resolve();
  else window.addEventListener('load', () => resolve(), { once: true });
});
electron.ipcRenderer.on(DOCUMENT_PORT_CHANNEL, (event) => {
  void pageLoaded.then(() => window.postMessage(DOCUMENT_PORT_CHANNEL, '*', event.ports));
});

// One function per method; the core checks each request against its schema.
const requests = Object.fromEntries((Object.keys(METHODS) as ApiMethod[]).map((method) => [method, (params: unknown) => call(method, params)])) as ClipShotRequests;

const bridge: PreloadBridge = {
  ...requests,
  onEvent(listener: (event: ApiEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onEvent: listener must be a function');
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  pathForFile(file: File): string {
    return electron.webUtils.getPathForFile(file);
  },
  requestDocumentPort(): void {
    electron.ipcRenderer.invoke(DOCUMENT_PORT_REQUEST_CHANNEL).catch((error: unknown) => console.error('ClipShot: no document port:', error));
  },
};

electron.contextBridge.exposeInMainWorld('clipshot', bridge);

// Main asks the app window to open a clip (the quick-access card's Annotate): the page opens the
// clip named by `#clip=ID` (renderer/src/composables/use-open-clip-link.ts).
electron.ipcRenderer.on(OPEN_CLIP_CHANNEL, (_event, clipId: unknown) => {
  if (typeof clipId === 'string' && /^[0-9a-z]{26}$/.test(clipId)) window.location.hash = `clip=${clipId}`;
});

// Only the quick-access card gets its shell; main also checks that the sender is that card.
if (globalThis.location?.pathname === '/quick-access.html') {
  const send = (action: QuickAccessAction) => (clipId: string) => electron.ipcRenderer.send(QUICK_ACCESS_CHANNEL, { action, clipId });
  const shell: QuickAccessShell = { annotate: send('annotate'), pin: send('pin'), copy: send('copy'), dismiss: send('dismiss'), startDrag: send('start-drag') };
  electron.contextBridge.exposeInMainWorld('clipshotQuickAccess', shell);
}

// The recording's hidden recorder page and its stop control (contract/capture/recording-ipc.ts).
const RECORDING_CHANNEL = 'clipshot-recording';
const STOP_CONTROL_CHANNEL = 'clipshot-stop-control';
if (globalThis.location?.pathname === '/recorder.html') {
  const shell: RecorderShell = {
    onCommand: (listener) => void electron.ipcRenderer.on(RECORDING_CHANNEL, (_event, command: RecorderCommand) => listener(command)),
    send: (message) => electron.ipcRenderer.send(RECORDING_CHANNEL, message),
  };
  electron.contextBridge.exposeInMainWorld('clipshotRecorder', shell);
}
if (globalThis.location?.pathname === '/stop-control.html') {
  const shell: StopControlShell = {
    onState: (listener) => void electron.ipcRenderer.on(STOP_CONTROL_CHANNEL, (_event, state: Parameters<typeof listener>[0]) => listener(state)),
    act: (action) => electron.ipcRenderer.send(STOP_CONTROL_CHANNEL, action),
  };
  electron.contextBridge.exposeInMainWorld('clipshotStopControl', shell);
}
