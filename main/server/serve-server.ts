import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError } from '../../contract/api.js';
import { parseExportPath, parseMediaPath } from '../../contract/media.js';
import { parseCaptureScreenshotPath } from '../../contract/capture/capture.js';
import type { CaptureService } from '../capture/capture-service.js';
import { bufferMedia } from '../api/media.js';
import type { ApiService } from '../api/api-service.js';
import type { MediaFile } from '../api/media.js';
import { planMediaResponse } from '../api/media-response.js';
import type { UploadStore } from '../api/upload-store.js';
import { Library } from '../library/library.js';
import { attachApiSocket, MAX_API_MESSAGE_BYTES } from './api-socket.js';
import { SECURITY_HEADERS } from './content-security.js';
import { requestHostAllowed, urlHost } from './hosts.js';
import { newSessionToken, SESSION_COOKIE, tokenOfRequest, tokensMatch } from './session-token.js';
import { resolveStaticFile } from './static-files.js';
import { PANEL_PATH_PREFIX, panelSecurityHeaders, resolvePanelFile } from '../plugins/panel-files.js';
import type { PluginStore } from '../plugins/store/plugin-store.js';

const MAX_SYNC_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface ServeServerOptions {
  host: string;
  port: number;
  rendererDir: string;
  token?: string;
  /** The installed plugins whose panels are served under /plugin-panels/. */
  pluginStore?: PluginStore;
  /** Captures waiting in overlays: their screenshots are served at /captures/ID/screenshot. */
  captures?: CaptureService;
}

export interface ServeServer {
  /** The URL to open: it carries the session token once, the page then keeps it in a cookie. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

/** The app lock as the server needs it (main/security/lock/instance-lock.ts): which library is open now. */
export interface ServedLock {
  readonly locked: boolean;
  current(): { library: Library };
  onChange(listener: (state: unknown, instance: { library: Library } | null) => void): () => void;
}

/**
 * The headless host: the built renderer, the API over a WebSocket, and document sync over another.
 * With an app lock, `/sync` reaches whichever library the lock has open, and none while locked.
 */
export async function startServeServer(library: Library | ServedLock, service: ApiService, uploads: UploadStore, options: ServeServerOptions): Promise<ServeServer> {
  const token = options.token ?? newSessionToken();
  const apiSockets = new WebSocketServer({ noServer: true, maxPayload: MAX_API_MESSAGE_BYTES });
  const lock = library instanceof Library ? null : library;
  let syncSockets: WebSocketServer | null = null;
  // One socket server per opening of the library: automerge-repo's adapter stays bound to the repo it joined.
  const serveSync = (opened: Library | null) => {
    if (syncSockets) closeSockets(syncSockets);
    syncSockets = opened ? new WebSocketServer({ noServer: true, maxPayload: MAX_SYNC_MESSAGE_BYTES }) : null;
    // isomorphic-ws declares its own copy of ws's types; the object is the same.
    if (opened && syncSockets) opened.connectPeers(new WebSocketServerAdapter(syncSockets as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0]));
  };
  serveSync(lock ? (lock.locked ? null : lock.current().library) : (library as Library));
  const stopFollowingLock = lock?.onChange((_state, instance) => serveSync(instance?.library ?? null));
  apiSockets.on('connection', (socket: WebSocket) => attachApiSocket(socket, service));

  let port = options.port;
  const authorized = (request: IncomingMessage) => tokensMatch(token, tokenOfRequest(request.headers));
  const server = http.createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `ClipShot could not answer: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!requestHostAllowed(request.headers.host, options.host, port)) return sendText(response, 421, 'This server does not answer to that host name.');
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    if (url.pathname === '/' && url.searchParams.has('token')) {
      if (!tokensMatch(token, url.searchParams.get('token'))) return sendText(response, 401, 'This link is not valid (any more): open the address that `clipshot serve` printed.');
      // The token moves into a cookie the page's scripts cannot read, and out of the address bar.
      response.writeHead(303, { Location: '/', 'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Cache-Control': 'no-store' });
      return void response.end();
    }
    // A panel's frame is sandboxed (an opaque origin), so its requests for its own scripts carry no
    // SameSite cookie; panel files are the plugin's published package files, no library data.
    if (url.pathname.startsWith(PANEL_PATH_PREFIX)) return servePanelFile(request, response, url.pathname);
    if (!authorized(request)) return sendText(response, 401, 'Open the address that `clipshot serve` printed: it carries the session token this server needs.');
    const media = parseMediaPath(url.pathname, url.searchParams);
    const exportJob = parseExportPath(url.pathname);
    if ((media || exportJob) && request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed.');
    if (media && !media.ok) return sendText(response, 404, `Not found: ${media.reason}.`);
    if (media?.ok) return serveMedia(request, response, () => service.openMedia(media.clipId, media.request), media.download);
    if (exportJob) return serveMedia(request, response, () => service.openExport(exportJob), true);
    const captureId = parseCaptureScreenshotPath(url.pathname);
    if (captureId) return serveMedia(request, response, async () => captureScreenshot(options.captures, captureId), false);
    if (url.pathname === '/upload' && request.method === 'POST' && lock?.locked) return sendApiError(response, new ApiError('locked', 'the library is locked: unlock it before importing'));
    if (url.pathname === '/upload' && request.method === 'POST') return receiveUpload(request, response, url.searchParams.get('name') ?? '');
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed.');
    const file = await resolveStaticFile(options.rendererDir, url.pathname);
    if (!file) {
      const missingApp = url.pathname === '/' ? ' The renderer is not built: run `npm run build`.' : '';
      return sendText(response, 404, `Not found.${missingApp}`);
    }
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.mime, 'Content-Length': file.size, 'Cache-Control': file.mime.startsWith('text/html') ? 'no-store' : 'no-cache' });
    if (request.method === 'HEAD') return void response.end();
    await pipeline(fs.createReadStream(file.file), response);
  }

  async function servePanelFile(request: IncomingMessage, response: ServerResponse, urlPath: string): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed.');
    const file = options.pluginStore ? await resolvePanelFile(options.pluginStore, urlPath) : null;
    if (!file) return sendText(response, 404, 'Not found.');
    response.writeHead(200, { ...panelSecurityHeaders(`http://${request.headers.host ?? ''}`, file), 'Content-Type': file.mime, 'Content-Length': file.size, 'Cache-Control': 'no-cache' });
    if (request.method === 'HEAD') return void response.end();
    await pipeline(fs.createReadStream(file.file), response);
  }

  async function serveMedia(request: IncomingMessage, response: ServerResponse, open: () => Promise<MediaFile>, download: boolean): Promise<void> {
    let media;
    try {
      media = await open();
    } catch (error) {
      return sendApiError(response, error);
    }
    const plan = planMediaResponse(request.method ?? 'GET', request.headers.range ?? null, media, download);
    response.writeHead(plan.status, plan.headers);
    if (plan.body.kind !== 'media') return void response.end();
    await pipeline(await media.open(plan.body.range ?? undefined), response);
  }

  async function receiveUpload(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    try {
      const received = await uploads.receive(name, request);
      sendJson(response, 200, received);
    } catch (error) {
      sendApiError(response, error);
    }
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    const sockets = url.pathname === '/api' ? apiSockets : url.pathname === '/sync' ? syncSockets : null;
    const locked = url.pathname === '/sync' && lock?.locked === true;
    const refusal = !sockets && !locked
      ? '404 Not Found'
      : !requestHostAllowed(request.headers.host, options.host, port)
        ? '421 Misdirected Request'
        : !(authorized(request) || tokensMatch(token, url.searchParams.get('token')))
          ? '401 Unauthorized'
          : !originAllowed(request)
            ? '403 Forbidden'
            : locked
              ? '423 Locked'
              : null;
    if (refusal || !sockets) {
      socket.end(`HTTP/1.1 ${refusal ?? '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  // A page from another site may not open our sockets with the person's cookie (cross-site WebSocket hijacking).
  // Programs other than browsers (peers, tools) send no Origin; they must then carry the token themselves.
  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return request.headers.cookie === undefined;
    return origin === `http://${request.headers.host ?? ''}`;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${urlHost(options.host)}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: async () => {
      stopFollowingLock?.();
      for (const client of apiSockets.clients) client.terminate();
      await new Promise<void>((resolve) => apiSockets.close(() => resolve()));
      if (syncSockets) await closeSockets(syncSockets);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function closeSockets(sockets: WebSocketServer): Promise<void> {
  for (const client of sockets.clients) client.terminate();
  return new Promise<void>((resolve) => sockets.close(() => resolve()));
}

/** A capture's frozen screen, for its overlay (every capture has a new id, so a cached copy is never another's). */
function captureScreenshot(captures: CaptureService | undefined, captureId: string): MediaFile {
  if (!captures) throw new ApiError('not-found', 'this instance holds no captures');
  const { bytes, mime } = captures.screenshot(captureId);
  return bufferMedia(bytes, mime, `screenshot-${captureId}.${mime.split('/')[1] ?? 'png'}`);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${text}\n`);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

const HTTP_STATUS_OF: Partial<Record<ApiError['code'], number>> = { 'not-found': 404, 'invalid-request': 400, unauthorized: 401, 'rate-limited': 429, unsupported: 501, busy: 503, locked: 423 };

function sendApiError(response: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : new ApiError('internal', error instanceof Error ? error.message : String(error));
  sendJson(response, HTTP_STATUS_OF[apiError.code] ?? 500, { error: apiError.toJSON() });
}
