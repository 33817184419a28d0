import { initializeWasm } from '@automerge/automerge/slim';
import wasmUrl from '@automerge/automerge/automerge.wasm?url';
import { Repo, type PeerId } from '@automerge/automerge-repo/slim';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import type { ClipShotApi } from '../../../contract/api.js';
import type { ClipDocuments } from '../documents/clip-documents.js';
import { RepoClipDocuments } from '../documents/repo-documents.js';
import { RepoSettingsDocuments, type SettingsDocuments } from '../documents/settings-documents.js';
import { ObservableConnectionStatus, type ConnectionStatus } from './connection-status.js';
import { PathFileImporter, UploadFileImporter, uploadOverHttp, type FileImporter } from './file-importer.js';
import { WebSocketApiClient } from './websocket-api.js';
import { apiThroughBridge, electronBridge, pageSocketOrigin, type ElectronBridge } from './bridge-api.js';

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

export type { ElectronBridge } from './bridge-api.js';

const SYNC_RETRY_MS = 1000;

export async function connectToCore(): Promise<CoreConnection> {
  // Automerge's WebAssembly (3.6 MB) is only needed once a clip is opened: the grid paints without it.
  const automergeReady = initializeWasm(wasmUrl);
  // A failure surfaces when a clip is opened (as that clip's error), not as an unhandled rejection now.
  automergeReady.catch(() => undefined);
  const bridge = electronBridge();
  return bridge ? connectThroughElectron(bridge, automergeReady) : connectThroughWebSocket(window.location, automergeReady);
}

function newRepo(network: ConstructorParameters<typeof Repo>[0]): Repo {
  // The window keeps nothing itself: the core holds the library, so no storage here.
  return new Repo({ ...network, peerId: `window-${crypto.randomUUID()}` as PeerId, sharePolicy: async () => true });
}

function connectThroughWebSocket(location: Location, automergeReady: Promise<void>): CoreConnection {
  const socketOrigin = pageSocketOrigin();
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
  const api = apiThroughBridge(bridge);
  return {
    api,
    documents: new RepoClipDocuments(repo, api, status, automergeReady),
    settings: new RepoSettingsDocuments(repo, api, status, automergeReady),
    status,
    files: new PathFileImporter(api, (file) => bridge.pathForFile(file)),
  };
}
