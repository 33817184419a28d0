import { initializeWasm } from '@automerge/automerge/slim';
import wasmUrl from '@automerge/automerge/automerge.wasm?url';
import { Repo, type PeerId } from '@automerge/automerge-repo/slim';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { ApiError, requestsThrough, type ClipShotApi, type ClipShotRequests } from '../../../contract/api.js';
import { exportPath, mediaPath } from '../../../contract/media.js';
import type { ClipDocuments } from '../documents/clip-documents.js';
import { RepoClipDocuments } from '../documents/repo-documents.js';
import { RepoSettingsDocuments, type SettingsDocuments } from '../documents/settings-documents.js';
import { ObservableConnectionStatus, type ConnectionStatus } from './connection-status.js';
import { PathFileImporter, UploadFileImporter, uploadOverHttp, type FileImporter } from './file-importer.js';
import { WebSocketApiClient } from './websocket-api.js';

export type { ConnectionState, ConnectionStatus } from './connection-status.js';
export type { FileImporter, FileImportStart } from './file-importer.js';

/** Everything a window needs from the core. */
export interface CoreConnection {
  api: ClipShotApi;
  documents: ClipDocuments;
  settings: SettingsDocuments;
  status: ConnectionStatus;
  files: FileImporter;
}

/** What the Electron preload exposes as `window.clipshot` (see preload/). */
export interface ElectronBridge extends ClipShotRequests, Pick<ClipShotApi, 'onEvent'> {
  /** The real path of a dropped or picked file (Electron's webUtils.getPathForFile); '' if it has none. */
  pathForFile(file: File): string;
  /** Asks main for this window's document port; it arrives as a 'clipshot:document-port' window message. */
  requestDocumentPort(): void;
}

const SYNC_RETRY_MS = 1000;

export async function connectToCore(): Promise<CoreConnection> {
  // Automerge's WebAssembly (3.6 MB) is only needed once a clip is opened: the grid paints without it.
  const automergeReady = initializeWasm(wasmUrl);
  // A failure surfaces when a clip is opened (as that clip's error), not as an unhandled rejection now.
  automergeReady.catch(() => undefined);
  const bridge = (window as unknown as { clipshot?: ElectronBridge }).clipshot;
  return bridge ? connectThroughElectron(bridge, automergeReady) : connectThroughWebSocket(window.location, automergeReady);
}

function newRepo(network: ConstructorParameters<typeof Repo>[0]): Repo {
  // The window keeps nothing itself: the core holds the library, so no storage here.
  return new Repo({ ...network, peerId: `window-${crypto.randomUUID()}` as PeerId, sharePolicy: async () => true });
}

function connectThroughWebSocket(location: Location, automergeReady: Promise<void>): CoreConnection {
  const socketOrigin = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
  const client = new WebSocketApiClient(`${socketOrigin}/api`, location.origin, location.protocol === 'https:' ? backToLogin(location) : {});
  const repo = newRepo({ network: [new WebSocketClientAdapter(`${socketOrigin}/sync`, SYNC_RETRY_MS)] });
  return {
    api: client.api,
    documents: new RepoClipDocuments(repo, client.api, client.status, automergeReady),
    settings: new RepoSettingsDocuments(repo, client.api, client.status, automergeReady),
    status: client.status,
    files: new UploadFileImporter(client.api, uploadOverHttp(location.origin)),
  };
}

/**
 * `serve` beyond this device (always HTTPS) logs browsers in: when the session ends, or the server
 * no longer knows it (restarted), the page goes back to its login page, which says why.
 */
function backToLogin(location: Location): { onSessionEnded(reason: string): void; onRefused(): void } {
  const goToLogin = (reason: string) => location.assign(`/login${/^(idle|lifetime|logged-out)$/.test(reason) ? `?ended=${reason}` : ''}`);
  return {
    onSessionEnded: goToLogin,
    onRefused: () => {
      void fetch('/session', { cache: 'no-store' })
        .then((response) => {
          if (response.status === 401) goToLogin('');
        })
        .catch(() => undefined);
    },
  };
}

async function connectThroughElectron(bridge: ElectronBridge, automergeReady: Promise<void>): Promise<CoreConnection> {
  const port = await new Promise<MessagePort>((resolve) => {
    const receive = (event: MessageEvent) => {
      if (event.source !== window || event.data !== 'clipshot:document-port' || !event.ports[0]) return;
      window.removeEventListener('message', receive);
      resolve(event.ports[0]);
    };
    window.addEventListener('message', receive);
    bridge.requestDocumentPort();
  });
  const repo = newRepo({ network: [new MessageChannelNetworkAdapter(port)] });
  // Main and its windows live and die together: the connection cannot be lost and come back.
  const status = new ObservableConnectionStatus('connected');
  const api = withTypedErrors(bridge);
  return {
    api,
    documents: new RepoClipDocuments(repo, api, status, automergeReady),
    settings: new RepoSettingsDocuments(repo, api, status, automergeReady),
    status,
    files: new PathFileImporter(api, (file) => bridge.pathForFile(file)),
  };
}

/** Errors cross contextBridge as plain objects; they become ApiErrors again here. */
function withTypedErrors(bridge: ElectronBridge): ClipShotApi {
  const requests = requestsThrough((method, params) =>
    (bridge[method] as (params: unknown) => Promise<unknown>)(params).catch((error: unknown) => Promise.reject(ApiError.from(error))),
  );
  // Media and exports come from the page's own clipshot://app origin.
  const origin = window.location.origin;
  return {
    ...requests,
    mediaUrl: (clipId, media, options) => `${origin}${mediaPath(clipId, media, options)}`,
    exportUrl: (jobId) => `${origin}${exportPath(jobId)}`,
    onEvent: (listener) => bridge.onEvent(listener),
  };
}
