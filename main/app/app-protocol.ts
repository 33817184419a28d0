// The clipshot:// protocol: the built renderer and clip media, as `serve` serves them over HTTP
// (same static-file resolver, range parser and security headers). Plain Node: requests and
// responses are the fetch API's, which is what Electron's protocol.handle takes and returns.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { ApiError } from '../../contract/api.js';
import { parseExportPath, parseMediaPath, type MediaRequest } from '../../contract/media.js';
import { parseCaptureScreenshotPath } from '../../contract/capture/capture.js';
import type { MediaFile } from '../api/media.js';
import { planMediaResponse, type ResponseBody, type ResponsePlan } from '../api/media-response.js';
import { SECURITY_HEADERS } from '../server/content-security.js';
import { resolveStaticFile } from '../server/static-files.js';
import { APP_HOST, APP_SCHEME } from './app-url.js';
import { PANEL_PATH_PREFIX, panelSecurityHeaders, resolvePanelFile } from '../plugins/panel-files.js';
import type { PluginStore } from '../plugins/store/plugin-store.js';

export type AppRoute =
  | { kind: 'static'; path: string }
  | { kind: 'media'; clipId: string; request: MediaRequest; download: boolean }
  | { kind: 'export'; jobId: string }
  | { kind: 'panel'; path: string }
  | { kind: 'capture'; captureId: string }
  | { kind: 'refused'; status: 400 | 404 | 405; reason: string };

export interface AppRequest {
  url: string;
  method: string;
  headers: { get(name: string): string | null };
}

export interface AppProtocolOptions {
  /** The built renderer (out/web). */
  rendererDir: string;
  openMedia(clipId: string, request: MediaRequest): Promise<MediaFile>;
  /** A finished export job's file. */
  openExport(jobId: string): Promise<MediaFile>;
  /** The installed plugins whose panels are served under /plugin-panels/. */
  pluginStore?: PluginStore | null;
  /** A capture's frozen screen, for its overlay window. */
  openCaptureScreenshot?(captureId: string): Promise<MediaFile>;
}

/**
 * Which file a request names, from its URL alone. Chromium hands over canonical URLs (dot
 * segments resolved), but the raw path is checked anyway, segment by segment after decoding:
 * anything that could step out of the renderer folder or name something else is refused.
 */
export function routeAppRequest(url: string, method: string): AppRoute {
  const prefix = `${APP_SCHEME}://${APP_HOST}`;
  if (url.slice(0, prefix.length).toLowerCase() !== prefix || !/^(?:[/?#]|$)/.test(url.slice(prefix.length))) return refused(404, 'not an app URL');
  if (method !== 'GET' && method !== 'HEAD') return refused(405, `${method} is not allowed`);
  const rest = url.slice(prefix.length);
  const rawPath = rest.split(/[?#]/, 1)[0] || '/';
  const query = new URLSearchParams(rest.includes('?') ? rest.slice(rest.indexOf('?') + 1).split('#', 1)[0] : '');
  if (rawPath.includes('\\')) return refused(404, 'backslash in path');
  const segments = rawPath.slice(1).split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    let text: string;
    try {
      text = decodeURIComponent(segment);
    } catch {
      return refused(400, 'malformed percent-encoding');
    }
    if (text.includes('\0')) return refused(400, 'NUL in path');
    if (text.includes('/') || text.includes('\\')) return refused(404, 'encoded separator in path');
    if (text === '.' || text === '..') return refused(404, 'dot segment in path');
    decoded.push(text);
  }
  const path = `/${decoded.join('/')}`;
  if (path !== '/' && decoded.some((segment) => segment === '')) return refused(404, 'empty segment in path');
  const media = parseMediaPath(path, query);
  if (media) return media.ok ? { kind: 'media', clipId: media.clipId, request: media.request, download: media.download } : refused(404, media.reason);
  const jobId = parseExportPath(path);
  if (jobId) return { kind: 'export', jobId };
  if (path.startsWith('/exports/')) return refused(404, 'no such export');
  if (path.startsWith(PANEL_PATH_PREFIX)) return { kind: 'panel', path: rawPath };
  const captureId = parseCaptureScreenshotPath(path);
  if (captureId) return { kind: 'capture', captureId };
  if (path.startsWith('/captures/')) return refused(404, 'no such capture');
  return { kind: 'static', path };
}

/** The response to a media request of `method` with this Range header, for a file already opened. */
export async function planAppResponse(request: AppRequest, options: AppProtocolOptions): Promise<ResponsePlan> {
  const route = routeAppRequest(request.url, request.method);
  const head = request.method === 'HEAD';
  switch (route.kind) {
    case 'refused':
      return textResponse(route.status, route.status === 405 ? 'Method not allowed.' : route.status === 400 ? 'Bad request.' : 'Not found.', head, route.status === 405 ? { Allow: 'GET, HEAD' } : {});
    case 'media':
    case 'export':
    case 'capture': {
      let media: MediaFile;
      try {
        if (route.kind === 'capture' && !options.openCaptureScreenshot) throw new ApiError('not-found', 'this window holds no captures');
        media = route.kind === 'media' ? await options.openMedia(route.clipId, route.request) : route.kind === 'export' ? await options.openExport(route.jobId) : await options.openCaptureScreenshot!(route.captureId);
      } catch (error) {
        const status = error instanceof ApiError ? (STATUS_OF_ERROR[error.code] ?? 500) : 500;
        return textResponse(status, error instanceof Error ? error.message : String(error), head);
      }
      return planMediaResponse(request.method, request.headers.get('range'), media, route.kind === 'export' || (route.kind === 'media' && route.download));
    }
    case 'panel': {
      const file = options.pluginStore ? await resolvePanelFile(options.pluginStore, route.path) : null;
      if (!file) return textResponse(404, 'Not found.', head);
      const headers = { ...panelSecurityHeaders(`${APP_SCHEME}://${APP_HOST}`, file), 'Content-Type': file.mime, 'Content-Length': String(file.size), 'Cache-Control': 'no-cache' };
      return { status: 200, headers, body: head ? { kind: 'none' } : { kind: 'file', path: file.file } };
    }
    case 'static': {
      // Only "/" falls back to index.html: the renderer routes inside the page, never by URL path.
      const file = await resolveStaticFile(options.rendererDir, route.path);
      if (!file) return textResponse(404, route.path === '/' ? 'Not found. The renderer is not built: run `npm run build`.' : 'Not found.', head);
      const headers = { ...SECURITY_HEADERS, 'Content-Type': file.mime, 'Content-Length': String(file.size), 'Cache-Control': file.mime.startsWith('text/html') ? 'no-store' : 'no-cache' };
      return { status: 200, headers, body: head ? { kind: 'none' } : { kind: 'file', path: file.file } };
    }
  }
}

export async function toResponse(plan: ResponsePlan): Promise<Response> {
  return new Response(await bodyOf(plan.body), { status: plan.status, headers: plan.headers });
}

/** What protocol.handle gets: never throws, a failure is a 500 with the same headers as everything else. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    try {
      return await toResponse(await planAppResponse(request, options));
    } catch (error) {
      return toResponse(textResponse(500, `ClipShot could not answer: ${error instanceof Error ? error.message : String(error)}`, request.method === 'HEAD'));
    }
  };
}

async function bodyOf(body: ResponseBody): Promise<ReadableStream<Uint8Array> | string | null> {
  switch (body.kind) {
    case 'none':
      return null;
    case 'text':
      return body.text;
    case 'file':
      return Readable.toWeb(fs.createReadStream(body.path)) as ReadableStream<Uint8Array>;
    case 'media':
      return Readable.toWeb(await body.media.open(body.range ?? undefined)) as ReadableStream<Uint8Array>;
  }
}

function textResponse(status: number, text: string, head: boolean, extraHeaders: Record<string, string> = {}): ResponsePlan {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extraHeaders },
    body: head ? { kind: 'none' } : { kind: 'text', text: `${text}\n` },
  };
}

const STATUS_OF_ERROR: Partial<Record<ApiError['code'], number>> = { 'not-found': 404, 'invalid-request': 400, unsupported: 501, busy: 503 };

function refused(status: 400 | 404 | 405, reason: string): AppRoute {
  return { kind: 'refused', status, reason };
}
