import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../contract/api.js';
import type { MediaRequest, MediaVariant } from '../../../contract/media.js';
import type { MediaFile } from '../../../main/api/media.js';
import { createAppProtocolHandler, routeAppRequest, type AppRequest } from '../../../main/app/app-protocol.js';
import { PluginStore } from '../../../main/plugins/store/plugin-store.js';
import { tempDir } from '../../helpers/temp.js';
import { installTestPlugin } from '../../helpers/test-plugins.js';

const CLIP = '0123456789abcdefghijklmnop';
const VIDEO_BYTES = Buffer.from('0123456789abcdefghij');

let rendererDir = '';
let mediaPath = '';
const opened: { clipId: string; variant: MediaVariant; range?: { start: number; end: number } }[] = [];

beforeEach(async () => {
  const root = await tempDir();
  rendererDir = path.join(root, 'renderer');
  await fs.mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>ClipShot</title>');
  await fs.writeFile(path.join(rendererDir, 'assets', 'app-1a2b.js'), 'console.log("app")');
  await fs.writeFile(path.join(rendererDir, 'assets', 'style.css'), 'body{}');
  await fs.writeFile(path.join(rendererDir, 'assets', 'automerge.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  // Beside the renderer folder: what a path traversal would be after.
  await fs.writeFile(path.join(root, 'secret.txt'), 'TOP SECRET');
  mediaPath = path.join(root, 'video.mp4');
  await fs.writeFile(mediaPath, VIDEO_BYTES);
  opened.length = 0;
});

/** A clip's file as the API service hands it over, read from a real file. */
async function openMedia(clipId: string, request: MediaRequest): Promise<MediaFile> {
  const variant = request.variant;
  if (clipId === 'zzzzzzzzzzzzzzzzzzzzzzzzzz') throw new Error('the disk went away');
  if (clipId !== CLIP) throw new ApiError('not-found', `no clip ${clipId}`);
  return {
    mime: 'video/mp4',
    size: VIDEO_BYTES.length,
    fileName: 'holiday clip.mp4',
    open: async (range) => {
      opened.push({ clipId, variant, ...(range && { range }) });
      return range ? (await import('node:fs')).createReadStream(mediaPath, range) : Readable.from([await fs.readFile(mediaPath)]);
    },
  };
}

function handler() {
  return createAppProtocolHandler({ rendererDir, openMedia, openExport: async (jobId) => { throw new ApiError('not-found', `no export ${jobId}`); } });
}

/** A raw request, so URLs reach the handler exactly as written (Request would normalise them). */
function raw(url: string, method = 'GET', headers: Record<string, string> = {}): AppRequest {
  return { url, method, headers: new Headers(headers) };
}

async function fetchApp(request: AppRequest) {
  const response = await handler()(request);
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body, text: body.toString('utf8') };
}

function expectSecurityHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"]) expect(csp).toContain(directive);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
}

describe('static files of the renderer', () => {
  it('serves index.html for / and by name, with the CSP', async () => {
    for (const url of ['clipshot://app/', 'clipshot://app', 'clipshot://app/index.html']) {
      const response = await fetchApp(raw(url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.text).toContain('<title>ClipShot</title>');
      expectSecurityHeaders(response.headers);
    }
  });

  it.each([
    ['assets/app-1a2b.js', 'text/javascript; charset=utf-8'],
    ['assets/style.css', 'text/css; charset=utf-8'],
    ['assets/automerge.wasm', 'application/wasm'],
  ])('serves %s as %s with its length', async (file, mime) => {
    const response = await fetchApp(new Request(`clipshot://app/${file}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(mime);
    expect(response.body.equals(await fs.readFile(path.join(rendererDir, file)))).toBe(true);
    expect(response.headers.get('content-length')).toBe(String(response.body.length));
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetchApp(raw('clipshot://app/assets/app-1a2b.js', 'HEAD'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('18');
    expect(response.body.length).toBe(0);
  });

  it('falls back to index.html for / only, not for other paths', async () => {
    for (const url of ['clipshot://app/clips/123', 'clipshot://app/missing.js', 'clipshot://app/assets/', 'clipshot://app/assets']) {
      const response = await fetchApp(raw(url));
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('<title>');
      expectSecurityHeaders(response.headers);
    }
  });

  it('says the renderer is not built when there is no index.html', async () => {
    await fs.rm(path.join(rendererDir, 'index.html'));
    const response = await fetchApp(raw('clipshot://app/'));
    expect(response.status).toBe(404);
    expect(response.text).toContain('npm run build');
  });

  it('refuses methods other than GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await fetchApp(raw('clipshot://app/index.html', method));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expectSecurityHeaders(response.headers);
    }
  });
});

describe('paths that try to leave the renderer folder', () => {
  it.each([
    ['..', 'clipshot://app/../secret.txt', 404],
    ['.. deeper', 'clipshot://app/assets/../../secret.txt', 404],
    ['encoded dots', 'clipshot://app/%2e%2e/secret.txt', 404],
    ['encoded dots in capitals', 'clipshot://app/%2E%2E/secret.txt', 404],
    ['half-encoded dots', 'clipshot://app/.%2e/secret.txt', 404],
    ['an encoded slash', 'clipshot://app/..%2fsecret.txt', 404],
    ['an encoded slash in capitals', 'clipshot://app/assets%2F..%2F..%2Fsecret.txt', 404],
    ['a backslash', 'clipshot://app/..\\secret.txt', 404],
    ['an encoded backslash', 'clipshot://app/..%5csecret.txt', 404],
    ['an absolute path', 'clipshot://app//etc/passwd', 404],
    ['an absolute path, encoded', 'clipshot://app/%2fetc%2fpasswd', 404],
    ['a Windows drive', 'clipshot://app/C:%5cWindows%5cwin.ini', 404],
    ['a NUL byte', 'clipshot://app/index.html%00.js', 400],
    ['malformed percent-encoding', 'clipshot://app/%E0%A4%A', 400],
    ['a dot segment', 'clipshot://app/./index.html', 404],
    ['another host', 'clipshot://evil/index.html', 404],
    ['a host that starts like the app', 'clipshot://apple/index.html', 404],
    ['another scheme', 'file:///etc/passwd', 404],
  ])('refuses %s', async (_what, url, status) => {
    const response = await fetchApp(raw(url));
    expect(response.status).toBe(status);
    expect(response.text).not.toContain('TOP SECRET');
    expectSecurityHeaders(response.headers);
  });

  it('serves what Chromium makes of a path with dot segments (resolved inside the app origin)', async () => {
    // Chromium, like Request here, resolves dot segments before the handler sees the URL.
    const request = new Request('clipshot://app/assets/../index.html');
    expect(request.url).toBe('clipshot://app/index.html');
    expect((await fetchApp(request)).status).toBe(200);
    const escaping = new Request('clipshot://app/../../secret.txt');
    const response = await fetchApp(escaping);
    expect(response.status).toBe(404);
    expect(response.text).not.toContain('TOP SECRET');
  });
});

describe('media', () => {
  const url = `clipshot://app/media/${CLIP}/original`;

  it('routes only clip ids and known variants', () => {
    expect(routeAppRequest(url, 'GET')).toEqual({ kind: 'media', clipId: CLIP, request: { variant: 'original' }, download: false });
    expect(routeAppRequest(`${url}?download=1`, 'HEAD')).toEqual({ kind: 'media', clipId: CLIP, request: { variant: 'original' }, download: true });
    expect(routeAppRequest(`clipshot://app/media/${CLIP}/effect?effect=pixelate&strength=12&v=abc`, 'GET')).toEqual({
      kind: 'media',
      clipId: CLIP,
      request: { variant: 'effect', effect: 'pixelate', strength: 12 },
      download: false,
    });
    expect(routeAppRequest(`clipshot://app/media/${CLIP}/effect?effect=melt&strength=12`, 'GET')).toMatchObject({ kind: 'refused', status: 404 });
    expect(routeAppRequest(`clipshot://app/media/${CLIP}/original?extra=1`, 'GET')).toMatchObject({ kind: 'refused', status: 404 });
    expect(routeAppRequest(`clipshot://app/exports/${'ab'.repeat(16)}`, 'GET')).toEqual({ kind: 'export', jobId: 'ab'.repeat(16) });
    expect(routeAppRequest('clipshot://app/exports/../index.html', 'GET')).toMatchObject({ kind: 'refused' });
    expect(routeAppRequest(`clipshot://app/media/${CLIP}/raw`, 'GET')).toMatchObject({ kind: 'refused', status: 404 });
    expect(routeAppRequest('clipshot://app/media/NOT-AN-ID/original', 'GET')).toMatchObject({ kind: 'refused', status: 404 });
  });

  it('sends the whole file with Accept-Ranges when no range is asked', async () => {
    const response = await fetchApp(new Request(url));
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe('20');
    expect(response.body.equals(VIDEO_BYTES)).toBe(true);
    expectSecurityHeaders(response.headers);
  });

  it.each([
    ['bytes=2-5', 2, 5],
    ['bytes=15-', 15, 19],
    ['bytes=-4', 16, 19],
    ['bytes=10-1000', 10, 19],
  ])('answers Range %s with 206 and those bytes', async (range, start, end) => {
    const response = await fetchApp(new Request(url, { headers: { range } }));
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/20`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(response.body.equals(VIDEO_BYTES.subarray(start, end + 1))).toBe(true);
    expect(opened.at(-1)?.range).toEqual({ start, end });
  });

  it('answers an unsatisfiable range with 416 and the size', async () => {
    const response = await fetchApp(new Request(url, { headers: { range: 'bytes=20-' } }));
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */20');
    expect(response.body.length).toBe(0);
    expect(opened).toHaveLength(0);
  });

  it('answers HEAD without opening the file', async () => {
    const whole = await fetchApp(new Request(url, { method: 'HEAD' }));
    expect([whole.status, whole.headers.get('content-length'), whole.body.length]).toEqual([200, '20', 0]);
    const ranged = await fetchApp(new Request(url, { method: 'HEAD', headers: { range: 'bytes=0-9' } }));
    expect([ranged.status, ranged.headers.get('content-range'), ranged.body.length]).toEqual([206, 'bytes 0-9/20', 0]);
    expect(opened).toHaveLength(0);
  });

  it('offers a download under the clip\'s name when asked', async () => {
    const response = await fetchApp(new Request(`${url}?download=1`));
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''holiday%20clip.mp4");
    expect((await fetchApp(new Request(url))).headers.get('content-disposition')).toBeNull();
  });

  it('answers 404 for a clip that does not exist, and 500 when the core fails', async () => {
    const missing = await fetchApp(new Request('clipshot://app/media/aaaaaaaaaaaaaaaaaaaaaaaaaa/thumbnail'));
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('no clip aaaaaaaaaaaaaaaaaaaaaaaaaa');
    expectSecurityHeaders(missing.headers);
    const failed = await fetchApp(new Request('clipshot://app/media/zzzzzzzzzzzzzzzzzzzzzzzzzz/original'));
    expect(failed.status).toBe(500);
    expect(failed.text).toContain('the disk went away');
  });
});

describe('plugin panels in the app', () => {
  it('serves an installed panel under its own no-network policy, and nothing else of the plugin', async () => {
    const pluginsDir = await tempDir();
    await installTestPlugin(pluginsDir, {
      id: 'acme.stats',
      source: 'export default {};',
      contributes: { panels: [{ id: 'acme.stats.panel', title: 'Stats', entry: 'panel/index.html' }] },
      files: { 'panel/index.html': '<!doctype html><title>Stats</title>' },
    });
    const options = { rendererDir, openMedia, openExport: async () => Promise.reject(new ApiError('not-found', 'none')), pluginStore: new PluginStore({ dir: pluginsDir }) };
    const panel = await createAppProtocolHandler(options)(raw('clipshot://app/plugin-panels/acme.stats/1.0.0/panel/index.html'));
    expect(panel.status).toBe(200);
    expect(await panel.text()).toBe('<!doctype html><title>Stats</title>');
    expect(panel.headers.get('content-security-policy')).toContain("default-src 'none'; script-src clipshot://app/plugin-panels/acme.stats/1.0.0/panel/;");
    expect(panel.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect((await createAppProtocolHandler(options)(raw('clipshot://app/plugin-panels/acme.stats/1.0.0/index.js'))).status).toBe(404);
    // An app without plugins serves no panels.
    expect((await handler()(raw('clipshot://app/plugin-panels/acme.stats/1.0.0/panel/index.html'))).status).toBe(404);
  });
});
