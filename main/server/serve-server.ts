import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type Server as SocketServer, type WebSocket } from 'ws';
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
import { GatedWebSocket, limitSyncSocket } from './sync-socket-limit.js';
import { PANEL_PATH_PREFIX, panelSecurityHeaders, resolvePanelFile } from '../plugins/panel-files.js';
import type { PluginStore } from '../plugins/store/plugin-store.js';
import { rateLimitedApiError } from '../api/api-errors.js';
import { rateLimitsOf, type RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';
import { httpsOnlyListener } from './remote/https-only-listener.js';
import { RemoteLogin, SESSION_ENDED_CLOSE_CODE, type RemoteLoginOptions } from './remote/remote-login.js';
import type { LoginSession } from './remote/login-sessions.js';

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
  /** The rate limits, when they must outlive one opening of the library (the app lock); default: the library's. */
  limits?: RateLimitPolicy;
  /**
   * Serving beyond this device: HTTPS with this certificate, and a login (the library's
   * passphrase) instead of the URL's token. Without it the server speaks plain HTTP (loopback).
   */
  remote?: { certPem: string; keyPem: string; login: Omit<RemoteLoginOptions, 'onSessionEnded'> };
}

export interface ServeServer {
  /** The URL to open: on loopback it carries the session token once, the page then keeps it in a cookie; beyond, the login page. */
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
  let syncSockets: SocketServer<typeof GatedWebSocket> | null = null;
  // With the app lock the limits outlive each opening of the library (the caller gives them); otherwise they are the library's.
  const limits = options.limits ?? rateLimitsOf(library as Library);
  // One socket server per opening of the library: automerge-repo's adapter stays bound to the repo it joined.
  const serveSync = (opened: Library | null) => {
    if (syncSockets) closeSockets(syncSockets);
    syncSockets = opened ? new WebSocketServer({ noServer: true, maxPayload: MAX_SYNC_MESSAGE_BYTES, WebSocket: GatedWebSocket }) : null;
    syncSockets?.on('connection', (socket) => limitSyncSocket(socket, limits));
    // isomorphic-ws declares its own copy of ws's types; the object is the same.
    if (opened && syncSockets) opened.connectPeers(new WebSocketServerAdapter(syncSockets as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0]));
  };
  serveSync(lock ? (lock.locked ? null : lock.current().library) : (library as Library));
  const stopFollowingLock = lock?.onChange((_state, instance) => serveSync(instance?.library ?? null));
  const httpLimiter = limits.limiter('serve-http');
  apiSockets.on('connection', (socket: WebSocket) => attachApiSocket(socket, service, limits));

  let port = options.port;
  const remote = options.remote ?? null;
  const scheme = remote ? 'https' : 'http';
  // The sockets each logged-in browser holds open: closed, with the reason, when its session ends.
  const sessionSockets = new Map<string, Set<WebSocket>>();
  const login = remote
    ? new RemoteLogin({
        ...remote.login,
        onSessionEnded: (session, reason) => {
          for (const ws of sessionSockets.get(session.id) ?? []) ws.close(SESSION_ENDED_CLOSE_CODE, `session ended: ${reason}`);
          sessionSockets.delete(session.id);
        },
      })
    : null;
  /** The login session a request belongs to (beyond loopback), or null. */
  const sessionOf = (request: IncomingMessage): LoginSession | null => login?.sessionOf(request) ?? null;
  const authorized = (request: IncomingMessage) => (login ? sessionOf(request) !== null : tokensMatch(token, tokenOfRequest(request.headers)));
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handleRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `ClipShot could not answer: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
    });
  };
  const server = remote ? https.createServer({ cert: remote.certPem, key: remote.keyPem, minVersion: 'TLSv1.2' }, onRequest) : http.createServer(onRequest);
  // Beyond loopback a plain http:// connection is answered with a refusal, never with the app.
  const listener: NetServer = remote ? httpsOnlyListener(server as https.Server) : server;

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!requestHostAllowed(request.headers.host, options.host, port)) return sendText(response, 421, 'This server does not answer to that host name.');
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    const stateChanging = request.method !== 'GET' && request.method !== 'HEAD';
    if (login) {
      if (await login.handle(request, response, url.pathname, originAllowed(request))) return;
      const session = sessionOf(request);
      if (session) login.sessions.touch(session);
      else if (!stateChanging && !url.pathname.startsWith(PANEL_PATH_PREFIX) && (url.pathname === '/' || url.pathname.endsWith('.html'))) {
        response.writeHead(303, { ...SECURITY_HEADERS, Location: '/login', 'Cache-Control': 'no-store' });
        return void response.end();
      }
    } else if (url.pathname === '/' && url.searchParams.has('token')) {
      if (!tokensMatch(token, url.searchParams.get('token'))) return sendText(response, 401, 'This link is not valid (any more): open the address that `clipshot serve` printed.');
      // The token moves into a cookie the page's scripts cannot read, and out of the address bar.
      response.writeHead(303, { Location: '/', 'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Cache-Control': 'no-store' });
      return void response.end();
    }
    // A panel's frame is sandboxed (an opaque origin), so its requests for its own scripts carry no
    // SameSite cookie; panel files are the plugin's published package files, no library data.
    if (url.pathname.startsWith(PANEL_PATH_PREFIX)) return servePanelFile(request, response, url.pathname);
    if (!authorized(request)) return sendText(response, 401, login ? 'Log in first: open the address that `clipshot serve` printed.' : 'Open the address that `clipshot serve` printed: it carries the session token this server needs.');
    // A page from another site may not make changes with the person's cookie (cross-site request forgery).
    if (stateChanging && !originAllowed(request)) return sendText(response, 403, 'Refused: this request did not come from this server\'s own page.');
    const media = parseMediaPath(url.pathname, url.searchParams);
    const exportJob = parseExportPath(url.pathname);
    if ((media || exportJob) && request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed.');
    const captureRoute = parseCaptureScreenshotPath(url.pathname);
    if (media || exportJob || captureRoute || url.pathname === '/upload') {
      // Per client address: the session token is one for every tab, an address is what a flood comes from.
      const address = request.socket.remoteAddress ?? 'unknown';
      const admission = httpLimiter.admit(address);
      if (!admission.ok) {
        limits.tripped({ limit: 'serve-http', key: address, actor: { type: 'device', id: `serve-client ${address}` }, action: 'refused', retryAfterMs: admission.retryAfterMs });
        request.resume();
        return sendApiError(response, rateLimitedApiError(admission.retryAfterMs));
      }
    }
    if (media && !media.ok) return sendText(response, 404, `Not found: ${media.reason}.`);
    if (media?.ok) return serveMedia(request, response, () => service.openMedia(media.clipId, media.request), media.download);
    if (exportJob) return serveMedia(request, response, () => service.openExport(exportJob), true);
    if (captureRoute) return serveMedia(request, response, async () => captureScreenshot(options.captures, captureRoute), false);
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
    response.writeHead(200, { ...panelSecurityHeaders(`${scheme}://${request.headers.host ?? ''}`, file), 'Content-Type': file.mime, 'Content-Length': file.size, 'Cache-Control': 'no-cache' });
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
    const sockets: SocketServer | null = url.pathname === '/api' ? apiSockets : url.pathname === '/sync' ? syncSockets : null;
    const locked = url.pathname === '/sync' && lock?.locked === true;
    const refusal = !sockets && !locked
      ? '404 Not Found'
      : !requestHostAllowed(request.headers.host, options.host, port)
        ? '421 Misdirected Request'
        : !(authorized(request) || (!login && tokensMatch(token, url.searchParams.get('token'))))
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
    const session = sessionOf(request);
    sockets.handleUpgrade(request, socket, head, (ws) => {
      if (session && login) holdForSession(ws, session, login, sockets === apiSockets);
      sockets.emit('connection', ws, request);
    });
  });

  function holdForSession(ws: WebSocket, session: LoginSession, remoteLogin: RemoteLogin, countsAsUse: boolean): void {
    const held = sessionSockets.get(session.id) ?? new Set<WebSocket>();
    sessionSockets.set(session.id, held);
    held.add(ws);
    ws.once('close', () => held.delete(ws));
    // What the person does reaches the API socket; document sync also talks by itself, so it is not use.
    if (countsAsUse) ws.on('message', () => remoteLogin.sessions.touch(session));
  }

  // A page from another site may not open our sockets with the person's cookie (cross-site WebSocket hijacking).
  // Programs other than browsers (peers, tools) send no Origin; they must then carry the token themselves.
  // Beyond loopback only browsers log in, and they always send one.
  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return !login && request.headers.cookie === undefined;
    return origin === `${scheme}://${request.headers.host ?? ''}`;
  }

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  port = (listener.address() as AddressInfo).port;
  const origin = `${scheme}://${urlHost(options.host)}:${port}`;
  return {
    url: login ? `${origin}/` : `${origin}/?token=${token}`,
    origin,
    token,
    close: async () => {
      stopFollowingLock?.();
      for (const client of apiSockets.clients) client.terminate();
      await new Promise<void>((resolve) => apiSockets.close(() => resolve()));
      if (syncSockets) await closeSockets(syncSockets);
      login?.close();
      server.closeAllConnections();
      if (listener !== server) await new Promise<void>((resolve) => listener.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function closeSockets(sockets: SocketServer): Promise<void> {
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
  if (apiError.retryAfterMs !== undefined) response.setHeader('Retry-After', String(Math.max(1, Math.ceil(apiError.retryAfterMs / 1000))));
  sendJson(response, HTTP_STATUS_OF[apiError.code] ?? 500, { error: apiError.toJSON() });
}
