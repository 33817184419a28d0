import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../../main/ai/models/model-errors.js';
import { ModelStore, type ModelInstallEvent, type ModelStoreOptions } from '../../../main/ai/models/model-store.js';
import { tempDir } from '../../helpers/temp.js';
import { catalogOf, startModelServer, testModel, waitForFileSize, type ModelTestServer, type ServedFile, type TestModelFile } from './model-test-server.js';

const servers: ModelTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A model of a small config and two larger files, served by a fresh loopback server. */
async function setup(options: { sizes?: number[]; serve?: (file: TestModelFile, index: number, dir: string) => Partial<ServedFile>; store?: Partial<ModelStoreOptions> } = {}) {
  const { files, entry } = testModel('test-clip', options.sizes ?? [700, 300_000, 120_000]);
  const dir = await tempDir('clipshot-models-');
  const server = await startModelServer(Object.fromEntries(files.map((file, index) => [file.urlPath, { body: file.body, ...options.serve?.(file, index, dir) }])));
  servers.push(server);
  const store = new ModelStore({ dir, catalog: catalogOf(entry), mirror: server.url, retryDelayMs: 10, progressIntervalMs: 0, ...options.store });
  return { files, entry, server, dir, store };
}

/** Cuts the connection after these offsets, each once the client has written up to it. */
function cuts(...offsets: number[]): (file: TestModelFile, index: number, dir: string) => Partial<ServedFile> {
  return (file, _index, dir) => ({ cutAfter: offsets, beforeCut: (end) => waitForFileSize(partFile(dir, file), end) });
}

function partFile(dir: string, file: TestModelFile): string {
  return path.join(dir, '.partial', 'test-clip', '1', ...file.path.split('/')) + '.part';
}

async function expectInstalledFiles(store: ModelStore, files: TestModelFile[]): Promise<string> {
  const dir = await store.resolve('test-clip');
  expect(dir).not.toBeNull();
  for (const file of files) expect((await fs.readFile(path.join(dir!, file.path))).equals(file.body)).toBe(true);
  return dir!;
}

async function rejection(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe('ModelStore.install over HTTP', () => {
  it('downloads every file through the mirror, reports progress up to the total, and installs the folder whole', async () => {
    const { files, entry, server, dir, store } = await setup();
    const events: ModelInstallEvent[] = [];
    const result = await store.install('test-clip', { consent: true, onProgress: (event) => events.push(event) });
    const total = files.reduce((sum, file) => sum + file.body.length, 0);

    expect(result).toMatchObject({ id: 'test-clip', version: '1', alreadyInstalled: false, transferredBytes: total });
    expect(result.dir).toBe(path.join(dir, 'test-clip', '1'));
    expect(await expectInstalledFiles(store, files)).toBe(result.dir);
    expect(events[0]).toEqual({ type: 'start', id: 'test-clip', version: '1', totalBytes: total, presentBytes: 0 });
    const progress = events.filter((event) => event.type === 'progress').map((event) => event.receivedBytes);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(total);
    expect(events.filter((event) => event.type === 'file-verified').map((event) => event.file).sort()).toEqual(entry.files.map((file) => file.path).sort());
    expect(events.at(-1)).toMatchObject({ type: 'installed', dir: result.dir, transferredBytes: total });
    expect(server.requests.map((request) => request.path).sort()).toEqual(files.map((file) => file.urlPath).sort());
    // Staging and parts are gone; the installed folder holds the files and the marker only.
    await expect(fs.readdir(path.join(dir, '.partial'))).resolves.toEqual([]);
    expect((await fs.readdir(result.dir, { recursive: true })).sort()).toEqual(['.clipshot-model.json', 'config.json', 'onnx', 'onnx/part-1.onnx', 'onnx/part-2.onnx']);

    const again = await store.install('test-clip', { consent: true });
    expect(again).toMatchObject({ alreadyInstalled: true, transferredBytes: 0, dir: result.dir });
    expect(server.requests).toHaveLength(3);
  });

  it('downloads nothing without consent', async () => {
    const { server, store } = await setup();
    const error = await rejection(store.install('test-clip', {} as never));
    expect(error.code).toBe('consent-required');
    expect(server.requests).toHaveLength(0);
  });

  it('resumes a cut download with a range and does not fetch the received bytes again', async () => {
    const { files, server, dir, store } = await setup({ serve: (file, index, dir) => (index === 1 ? cuts(100_000)(file, index, dir) : {}), store: { retries: 0 } });
    const error = await rejection(store.install('test-clip', { consent: true }));
    expect(error.code).toBe('network');
    expect(error.message).toContain('test-clip/onnx/part-1.onnx');
    expect(await store.resolve('test-clip')).toBeNull();
    await expect(fs.stat(path.join(dir, 'test-clip'))).rejects.toThrow();
    const part = path.join(dir, '.partial', 'test-clip', '1', 'onnx', 'part-1.onnx.part');
    expect((await fs.stat(part)).size).toBe(100_000);
    expect((await store.list()).models[0]).toMatchObject({ state: 'partial', partialBytes: expect.any(Number) });

    const events: ModelInstallEvent[] = [];
    const result = await store.install('test-clip', { consent: true, onProgress: (event) => events.push(event) });
    await expectInstalledFiles(store, files);
    const cutFile = files[1]!;
    const resumed = server.requests.filter((request) => request.path === cutFile.urlPath);
    expect(resumed.map((request) => [request.range, request.status])).toEqual([
      [undefined, 200],
      ['bytes=100000-', 206],
    ]);
    expect(server.bytesSentFor(cutFile.urlPath)).toBe(cutFile.body.length);
    // The other files were stopped when this one failed, somewhere along: only what was missing came.
    const start = events[0] as Extract<ModelInstallEvent, { type: 'start' }>;
    expect(start.presentBytes).toBeGreaterThanOrEqual(100_000);
    expect(result.transferredBytes).toBe(start.totalBytes - start.presentBytes);
  });

  it('retries a cut on its own, resuming where it stopped', async () => {
    const { files, server, store } = await setup({ serve: (file, index, dir) => (index === 2 ? cuts(50_000, 40_000)(file, index, dir) : {}), store: { retries: 2 } });
    const events: ModelInstallEvent[] = [];
    await store.install('test-clip', { consent: true, onProgress: (event) => events.push(event) });
    await expectInstalledFiles(store, files);
    const cutFile = files[2]!;
    expect(server.requests.filter((request) => request.path === cutFile.urlPath).map((request) => request.range)).toEqual([undefined, 'bytes=50000-', 'bytes=90000-']);
    expect(server.bytesSentFor(cutFile.urlPath)).toBe(cutFile.body.length);
    expect(events.filter((event) => event.type === 'retry').map((event) => event.attempt)).toEqual([1, 2]);
  });

  it('starts a file over when the server ignores the range', async () => {
    const { files, server, dir, store } = await setup({ serve: (file, index, dir) => (index === 1 ? cuts(100_000)(file, index, dir) : {}), store: { retries: 0 } });
    await rejection(store.install('test-clip', { consent: true }));
    // The same server now answers ranges with the whole file.
    const second = await startModelServer(Object.fromEntries(files.map((file) => [file.urlPath, { body: file.body, ranges: 'ignore' as const }])));
    servers.push(second);
    const store2 = new ModelStore({ dir, catalog: store.catalog, mirror: second.url, progressIntervalMs: 0 });
    await store2.install('test-clip', { consent: true });
    await expectInstalledFiles(store2, files);
    const cutFile = files[1]!;
    expect(second.requests.filter((request) => request.path === cutFile.urlPath).map((request) => [request.range, request.status])).toEqual([['bytes=100000-', 200]]);
    expect(server.requests.length).toBeGreaterThan(0);
  });

  it('starts a file over when the server answers a different range than asked', async () => {
    const { files, server, store } = await setup({ serve: (file, index, dir) => (index === 1 ? { ...cuts(40_000)(file, index, dir), ranges: 'wrong' } : {}), store: { retries: 1 } });
    await store.install('test-clip', { consent: true });
    await expectInstalledFiles(store, files);
    const cutFile = files[1]!;
    // Asked from 40000, got a 206 from 0: dropped, asked again without a range.
    expect(server.requests.filter((request) => request.path === cutFile.urlPath).map((request) => [request.range, request.status])).toEqual([
      [undefined, 200],
      ['bytes=40000-', 206],
      [undefined, 200],
    ]);
  });

  it('refuses a file whose SHA-256 differs, naming it, and installs nothing', async () => {
    const { files, dir, store } = await setup({ serve: (file, index) => (index === 2 ? { body: Buffer.from(file.body).fill(7, 1000, 1001) } : {}), store: { retries: 3 } });
    const error = await rejection(store.install('test-clip', { consent: true }));
    expect(error.code).toBe('checksum');
    expect(error.message).toMatch(/^test-clip\/onnx\/part-2\.onnx does not match the catalog: SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}$/);
    expect(await store.resolve('test-clip')).toBeNull();
    await expect(fs.stat(path.join(dir, 'test-clip'))).rejects.toThrow();
    await expect(fs.stat(path.join(dir, '.partial', 'test-clip', '1', files[2]!.path + '.part'))).rejects.toThrow();
  });

  it('fails on 404 at once and on a 500 after its retries, saying what the server answered', async () => {
    const notFound = await setup({ serve: (_file, index) => (index === 1 ? { status: 404 } : {}), store: { retries: 3 } });
    const error404 = await rejection(notFound.store.install('test-clip', { consent: true }));
    expect(error404).toMatchObject({ code: 'http', status: 404 });
    expect(error404.message).toContain('test-clip/onnx/part-1.onnx: the server answered 404 Not Found');
    expect(notFound.server.requests.filter((request) => request.path === notFound.files[1]!.urlPath)).toHaveLength(1);

    const failing = await setup({ serve: (_file, index) => (index === 0 ? { status: 500 } : {}), store: { retries: 2 } });
    const error500 = await rejection(failing.store.install('test-clip', { consent: true }));
    expect(error500).toMatchObject({ code: 'http', status: 500 });
    expect(failing.server.requests.filter((request) => request.path === failing.files[0]!.urlPath)).toHaveLength(3);
    expect(await failing.store.resolve('test-clip')).toBeNull();
  });

  it('says which host it cannot reach', async () => {
    const { entry } = testModel('test-clip', [100]);
    const closed = await startModelServer({});
    await closed.close();
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry), mirror: closed.url, retries: 0 });
    const error = await rejection(store.install('test-clip', { consent: true }));
    expect(error).toMatchObject({ code: 'network', message: `test-clip/config.json: cannot reach ${new URL(closed.url).host} (ECONNREFUSED); check the network, or use a mirror` });
  });

  it('follows a redirect to the file, as from a hub to its CDN', async () => {
    const { files, entry } = testModel('test-clip', [500, 2000]);
    const server = await startModelServer({
      [files[0]!.urlPath]: { body: files[0]!.body },
      [files[1]!.urlPath]: { body: Buffer.alloc(0), redirectTo: '/cdn/blob-1' },
      '/cdn/blob-1': { body: files[1]!.body },
    });
    servers.push(server);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry), mirror: server.url });
    await store.install('test-clip', { consent: true });
    await expectInstalledFiles(store, files);
    expect(server.requests.map((request) => request.status).sort()).toEqual([200, 200, 302]);
  });

  it('cancels on the signal, keeps what arrived, and resumes from it later', async () => {
    const { files, server, dir, store } = await setup({ serve: (_file, index) => (index === 1 ? { stallAfter: [64_000] } : {}), store: { maxConcurrentDownloads: 1 } });
    const aborter = new AbortController();
    const installing = store.install('test-clip', {
      consent: true,
      signal: aborter.signal,
      onProgress: (event) => {
        if (event.type === 'progress' && event.file === 'onnx/part-1.onnx' && event.receivedBytes >= 700 + 64_000) aborter.abort();
      },
    });
    const error = await rejection(installing);
    expect(error.code).toBe('aborted');
    expect(await store.resolve('test-clip')).toBeNull();
    const part = path.join(dir, '.partial', 'test-clip', '1', 'onnx', 'part-1.onnx.part');
    expect((await fs.stat(part)).size).toBe(64_000);
    // The third file never started: the limit let one download run at a time.
    expect(server.requests.some((request) => request.path === files[2]!.urlPath)).toBe(false);

    await store.install('test-clip', { consent: true });
    await expectInstalledFiles(store, files);
    expect(server.requests.filter((request) => request.path === files[1]!.urlPath).map((request) => request.range)).toEqual([undefined, 'bytes=64000-']);
  });

  it('fails with a timeout when the server goes quiet', async () => {
    // Small other files, so that a loaded machine cannot make one of them look quiet too.
    const { store, dir } = await setup({ sizes: [700, 2000, 50_000], serve: (_file, index) => (index === 2 ? { stallAfter: [10_000] } : {}), store: { idleTimeoutMs: 500, retries: 0 } });
    const error = await rejection(store.install('test-clip', { consent: true }));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('test-clip/onnx/part-2.onnx');
    expect((await fs.stat(path.join(dir, '.partial', 'test-clip', '1', 'onnx', 'part-2.onnx.part'))).size).toBe(10_000);
  });

  it('downloads at most the configured number of files at once', async () => {
    const { files, server, store } = await setup({ sizes: [4000, 4000, 4000, 4000, 4000], serve: () => ({ delayMs: 150 }), store: { maxConcurrentDownloads: 2 } });
    await store.install('test-clip', { consent: true });
    await expectInstalledFiles(store, files);
    expect(server.maxInFlight).toBe(2);
  });

  it('says the disk is full before downloading a model larger than the free space', async () => {
    const { entry } = testModel('huge', [10]);
    const huge = { ...entry, files: [{ ...entry.files[0]!, size: 2 ** 52 }] };
    const server = await startModelServer({});
    servers.push(server);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(huge), mirror: server.url });
    const error = await rejection(store.install('huge', { consent: true }));
    expect(error.code).toBe('disk-full');
    expect(error.message).toMatch(/^installing huge needs [\d.]+ TB, but only [\d.]+ [kMGT]?B is free in /);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a second install of the same model while one runs', async () => {
    const { store } = await setup({ serve: (_file, index) => (index === 1 ? { stallAfter: [1000] } : {}), store: { idleTimeoutMs: 500, retries: 0 } });
    // The second is asked for once the first is under way (its first progress report).
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const first = store.install('test-clip', { consent: true, onProgress: () => running() });
    await started;
    const second = await rejection(store.install('test-clip', { consent: true }));
    expect(second.code).toBe('busy');
    expect((await rejection(first)).code).toBe('timeout');
  });
});
