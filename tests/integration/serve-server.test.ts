import { ImmutableString } from '@automerge/automerge';
import { Repo, type AutomergeUrl, type PeerId } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiServerMessage } from '../../contract/api.js';
import type { ShardDoc } from '../../contract/shard-document.js';
import { createApiService, type ApiService } from '../../main/api/api-service.js';
import { UploadStore } from '../../main/api/upload-store.js';
import type { Library } from '../../main/library/library.js';
import { startServeServer, type ServeServer } from '../../main/server/serve-server.js';
import { writePng } from '../helpers/fixtures.js';
import { createTestLibrary } from '../helpers/library.js';
import { tempDir } from '../helpers/temp.js';

interface Running {
  library: Library;
  service: ApiService;
  server: ServeServer;
  dir: string;
}
let running: Running | null = null;
const repos: Repo[] = [];

afterEach(async () => {
  for (const repo of repos.splice(0)) await repo.shutdown();
  if (!running) return;
  await running.server.close();
  await running.service.close();
  await running.library.close();
  running = null;
});

async function start(): Promise<Running> {
  const { library, dir } = await createTestLibrary();
  const rendererDir = await tempDir();
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>ClipShot</title>');
  await fs.mkdir(path.join(rendererDir, 'assets'));
  await fs.writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await fs.writeFile(path.join(await tempDir(), 'secret.txt'), 'not for you');
  const uploads = new UploadStore(path.join(dir, 'uploads'));
  const service = createApiService(library, { uploads });
  const server = await startServeServer(library, service, uploads, { host: '127.0.0.1', port: 0, rendererDir });
  running = { library, service, server, dir };
  return running;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = (server: ServeServer) => ({ Authorization: `Bearer ${server.token}` });

function openApiSocket(server: ServeServer, headers: Record<string, string> = auth(server)): Promise<WebSocket> {
  const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

function call(socket: WebSocket, id: number, method: string, params: unknown): Promise<ApiServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as ApiServerMessage;
      if ('id' in message && message.id === id) {
        socket.off('message', onMessage);
        resolve(message);
      }
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, method, params }));
  });
}

describe('clipshot serve: the HTTP side', () => {
  it('trades the URL token for an HttpOnly cookie, and refuses requests without it', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const opened = await request(server.url);
    expect(opened.status).toBe(303);
    const cookie = String(opened.headers['set-cookie']);
    expect(cookie).toMatch(/clipshot_session=.*HttpOnly.*SameSite=Strict/);
    const page = await request(`${server.origin}/`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect((await request(`${server.origin}/`)).status).toBe(401);
    expect((await request(`${server.origin}/?token=wrong`)).status).toBe(401);
    expect((await request(`${server.origin}/`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('answers only to its own host names (no DNS rebinding)', async () => {
    const { server } = await start();
    const port = new URL(server.origin).port;
    expect((await request(`${server.origin}/`, { headers: { ...auth(server), Host: `localhost:${port}` } })).status).toBe(200);
    expect((await request(`${server.origin}/`, { headers: { ...auth(server), Host: `evil.example:${port}` } })).status).toBe(421);
  });

  it('serves files of the renderer and nothing outside it', async () => {
    const { server } = await start();
    const script = await request(`${server.origin}/assets/app.js`, { headers: auth(server) });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const escape of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets%5c..%5cindex.html', '/%00', '/assets']) {
      expect((await request(`${server.origin}${escape}`, { headers: auth(server) })).status, escape).toBe(404);
    }
  });

  it('serves media whole and by range, for video seeking', async () => {
    const { server, library } = await start();
    const png = await writePng(await tempDir(), 'shot.png', 3);
    const bytes = await fs.readFile(png);
    const upload = await request(`${server.origin}/upload?name=shot.png`, { method: 'POST', headers: auth(server), body: bytes });
    expect(upload.status).toBe(200);
    const { uploadId } = JSON.parse(upload.body.toString()) as { uploadId: string };
    const socket = await openApiSocket(server);
    const started = await call(socket, 1, 'importUploads', { uploads: [{ uploadId, name: 'shot.png' }] });
    expect(started).toMatchObject({ id: 1, result: { importId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    await new Promise<void>((resolve) => socket.on('message', (data) => (String(data).includes('"finished":true') ? resolve() : undefined)));
    socket.close();
    const [clip] = library.query({}).items;
    expect(clip?.sourceName).toBe('shot.png');
    const url = `${server.origin}/media/${clip!.id}/original`;
    const whole = await request(url, { headers: auth(server) });
    expect(whole.status).toBe(200);
    expect(whole.body.equals(bytes)).toBe(true);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    const part = await request(url, { headers: { ...auth(server), Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${bytes.length}`);
    expect(part.body.equals(bytes.subarray(10, 20))).toBe(true);
    const tail = await request(url, { headers: { ...auth(server), Range: 'bytes=-5' } });
    expect(tail.body.equals(bytes.subarray(bytes.length - 5))).toBe(true);
    const beyond = await request(url, { headers: { ...auth(server), Range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`);
    const thumb = await request(`${server.origin}/media/${clip!.id}/thumbnail`, { headers: auth(server) });
    expect(thumb.headers['content-type']).toBe('image/webp');
    const download = await request(`${url}?download=1`, { headers: auth(server) });
    expect(download.headers['content-disposition']).toBe("attachment; filename*=UTF-8''shot.png");
    expect((await request(`${server.origin}/media/${'0'.repeat(26)}/original`, { headers: auth(server) })).status).toBe(404);
  });

  it('refuses a bad upload name and an unknown upload id with clear errors', async () => {
    const { server } = await start();
    const bad = await request(`${server.origin}/upload?name=..`, { method: 'POST', headers: auth(server), body: Buffer.from('x') });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString())).toMatchObject({ error: { code: 'invalid-request' } });
    const socket = await openApiSocket(server);
    const answer = await call(socket, 7, 'importUploads', { uploads: [{ uploadId: 'f'.repeat(32), name: 'x.png' }] });
    expect(answer).toMatchObject({ id: 7, error: { code: 'not-found' } });
    socket.close();
  });
});

describe('clipshot serve: the sockets', () => {
  it('refuses a socket without the token, and one opened by another site', async () => {
    const { server } = await start();
    await expect(openApiSocket(server, {})).rejects.toThrow('refused: 401');
    const port = new URL(server.origin).port;
    const cookie = { Cookie: `clipshot_session=${server.token}` };
    await expect(openApiSocket(server, { ...cookie, Origin: 'http://evil.example' })).rejects.toThrow('refused: 403');
    const fromPage = await openApiSocket(server, { ...cookie, Origin: `http://127.0.0.1:${port}` });
    fromPage.close();
  });

  it('answers malformed messages with typed errors and keeps the connection', async () => {
    const { server } = await start();
    const socket = await openApiSocket(server);
    const garbage = new Promise<ApiServerMessage>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)) as ApiServerMessage)));
    socket.send('{not json');
    expect(await garbage).toMatchObject({ id: -1, error: { code: 'invalid-request' } });
    expect(await call(socket, 2, 'listClips', { limit: 'many' })).toMatchObject({ id: 2, error: { code: 'invalid-request', message: expect.stringContaining('limit') } });
    expect(await call(socket, 3, 'no-such-method', {})).toMatchObject({ id: 3, error: { code: 'invalid-request' } });
    expect(await call(socket, 4, 'listClips', {})).toMatchObject({ id: 4, result: { items: [], nextCursor: null } });
    socket.close();
  });

  it('syncs a clip document with a peer on /sync, and the peer\'s edit reaches the index', async () => {
    const { server, library } = await start();
    const socket = await openApiSocket(server);
    const imported = await call(socket, 1, 'importText', { text: 'synced text', title: 'before' });
    const clipId = (imported as { result: { clipId: string } }).result.clipId;
    const opened = (await call(socket, 2, 'openClipDocument', { id: clipId })) as { result: { documentUrl: string } };
    const repo = new Repo({ network: [new WebSocketClientAdapter(`${server.origin.replace('http', 'ws')}/sync?token=${server.token}`)], peerId: 'test-peer' as PeerId, sharePolicy: async () => true });
    repos.push(repo);
    // A browser sends the cookie; a program that cannot set headers gives the token in the socket's URL.
    const handle = await repo.find<ShardDoc>(opened.result.documentUrl as AutomergeUrl);
    handle.change((doc) => {
      doc.clips[clipId]!.title = new ImmutableString('after');
    }, { message: `edit ${clipId}` });
    for (let i = 0; i < 100 && library.get(clipId).title !== 'after'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(library.get(clipId).title).toBe('after');
    socket.close();
  });
});
