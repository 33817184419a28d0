// The API's model methods on the real service (tests/helpers/direct-api.ts, requests and answers
// through JSON) with a real ModelStore downloading from a real HTTP server on loopback
// (tests/unit/ai/model-test-server.ts, the catalog's origin replaced by the mirror): nothing is
// fetched without consent to the very bytes and hosts planned, progress arrives as at most four
// 'models-changed' events a second, a checksum failure installs nothing and says so, a cancel keeps
// the part and the next install resumes it, remove and import work, and analysis hears of each change.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { ModelsStatus, ModelView } from '../../../contract/ai-settings.js';
import { ApiError, type ApiEvent, type ApiMethod } from '../../../contract/api.js';
import { loadCatalog } from '../../../main/ai/models/catalog.js';
import { ModelStore, type ModelStoreOptions } from '../../../main/ai/models/model-store.js';
import { MODELS_EVENT_INTERVAL_MS } from '../../../main/api/model-handlers.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { tempDir } from '../../helpers/temp.js';
import { catalogOf, startModelServer, testModel, waitForFileSize, type ModelTestServer, type ServedFile, type TestModelFile } from '../ai/model-test-server.js';

const ocr = loadCatalog().models.find((model) => model.bundled)!;

let core: TestCore | null = null;
const servers: ModelTestServer[] = [];
afterEach(async () => {
  await core?.close();
  core = null;
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Setup {
  core: TestCore;
  store: ModelStore;
  server: ModelTestServer;
  /** What the server sends for each path, changeable between requests. */
  served: Record<string, ServedFile>;
  files: TestModelFile[];
  size: number;
  host: string;
  events: { at: number; status: ModelsStatus }[];
  /** How often analysis was told that the models changed. */
  modelsChanged: () => number;
}

async function setup(
  options: { serve?: (file: TestModelFile, index: number, modelsDir: string) => Partial<ServedFile>; store?: Partial<ModelStoreOptions>; chooseFolder?: (title: string) => Promise<string | null> } = {},
): Promise<Setup> {
  const { files, entry } = testModel('test-clip', [900, 200_000, 60_000]);
  const dir = path.join(await tempDir('clipshot-model-api-'), 'models');
  const served: Record<string, ServedFile> = Object.fromEntries(files.map((file, index) => [file.urlPath, { body: file.body, ...options.serve?.(file, index, dir) }]));
  const server = await startModelServer(served);
  servers.push(server);
  const store = new ModelStore({ dir, catalog: catalogOf(ocr, entry), mirror: server.url, retryDelayMs: 10, ...options.store });
  let told = 0;
  core = await createTestCore(undefined, {
    models: store,
    onModelsChanged: async () => {
      told++;
    },
    ...(options.chooseFolder && { chooseFolder: options.chooseFolder }),
  });
  const events: Setup['events'] = [];
  core.api.onEvent((event: ApiEvent) => {
    if (event.type === 'models-changed') events.push({ at: Date.now(), status: event.status });
  });
  return { core, store, server, served, files, size: files.reduce((sum, file) => sum + file.body.length, 0), host: new URL(server.url).host, events, modelsChanged: () => told };
}

async function failure(request: Promise<unknown>): Promise<ApiError> {
  const error = await request.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const testClip = (status: ModelsStatus): ModelView => status.models.find((model) => model.id === 'test-clip')!;
const lastEvent = (events: Setup['events']) => events.at(-1)?.status;

/** Waits for the event that says the download stopped (installed, failed or cancelled). */
async function settled(events: Setup['events']): Promise<ModelView> {
  await expect.poll(() => events.length > 0 && testClip(lastEvent(events)!).install?.state !== 'downloading').toBe(true);
  return testClip(lastEvent(events)!);
}

function partFile(dir: string, file: TestModelFile): string {
  return path.join(dir, '.partial', 'test-clip', '1', ...file.path.split('/')) + '.part';
}

const MODEL_REQUESTS: [ApiMethod, object][] = [
  ['listModels', {}],
  ['planModelInstall', { id: 'test-clip' }],
  ['installModel', { id: 'test-clip', consent: { remainingBytes: 1, hosts: ['x'] } }],
  ['cancelModelInstall', { id: 'test-clip' }],
  ['removeModel', { id: 'test-clip' }],
  ['importModels', { folder: '/tmp' }],
];

describe('without a model store', () => {
  test('every model method answers unsupported, in words', async () => {
    core = await createTestCore();
    for (const [method, params] of MODEL_REQUESTS) {
      const error = await failure(core.service.dispatch(method, params));
      expect([method, error.code, error.message]).toEqual([method, 'unsupported', 'models cannot be managed in this instance of ClipShot']);
    }
  });
});

describe('models through the API', () => {
  test('lists every catalog model with its state and size; the plan names the bytes and the host, and asks the server nothing', async () => {
    const { core, server, size, host } = await setup();
    const status = await core.api.listModels({});
    expect(status.canChooseFolder).toBe(false);
    expect(status.diskBytes).toBe(0);
    expect(status.models.map((model) => [model.id, model.state, model.bundled, model.install])).toEqual([
      ['pp-ocrv4', 'bundled', true, null],
      ['test-clip', 'not-installed', false, null],
    ]);
    expect(testClip(status)).toMatchObject({ title: 'Test model test-clip', task: 'tag', version: '1', licence: 'MIT', homepage: 'https://models.example/', sizeBytes: size, diskBytes: 0 });
    expect(await core.api.planModelInstall({ id: 'test-clip' })).toEqual({ id: 'test-clip', title: 'Test model test-clip', version: '1', sizeBytes: size, remainingBytes: size, hosts: [host], files: 3 });
    expect(server.requests).toEqual([]);
  });

  test('nothing is downloaded without consent to the planned bytes and hosts', async () => {
    const { core, server, size, host } = await setup();
    const missing = await failure(core.api.installModel({ id: 'test-clip' } as never));
    expect([missing.code, missing.message]).toEqual(['invalid-request', 'installModel: consent: nothing is downloaded without consent: give the bytes and hosts the person agreed to']);
    const fewer = await failure(core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size - 1, hosts: [host] } }));
    expect(fewer.code).toBe('invalid-request');
    expect(fewer.message).toBe(`the download of Test model test-clip is not the one agreed to: it is now 260.9 kB from ${host}; look at it again before downloading`);
    const elsewhere = await failure(core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size, hosts: ['models.example'] } }));
    expect(elsewhere.code).toBe('invalid-request');
    const bundled = await failure(core.api.installModel({ id: 'pp-ocrv4', consent: { remainingBytes: 0, hosts: [] } }));
    expect(bundled.message).toMatch(/comes with ClipShot: there is nothing to download$/);
    const unknown = await failure(core.api.installModel({ id: 'no-such-model', consent: { remainingBytes: 0, hosts: [] } }));
    expect(unknown.code).toBe('not-found');
    const badId = await failure(core.api.planModelInstall({ id: '../etc' }));
    expect([badId.code, badId.message]).toEqual(['invalid-request', 'planModelInstall: id: not a model id']);
    expect(server.requests).toEqual([]);
    expect(testClip(await core.api.listModels({})).state).toBe('not-installed');
  });

  test('installs with progress as at most four events a second, then tells analysis', async () => {
    // The large file comes slowly enough for several events.
    const { core, store, size, host, events, modelsChanged, files } = await setup({ serve: (_file, index) => (index === 1 ? { cutAfter: [50_000, 50_000, 50_000], beforeCut: () => new Promise((resolve) => setTimeout(resolve, 500)) } : {}) });
    const started = await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size, hosts: [host] } });
    expect(testClip(started).install).toMatchObject({ state: 'downloading', totalBytes: size, failure: null });

    const done = await settled(events);
    expect(done).toMatchObject({ state: 'installed', installedVersion: '1', install: null, partialBytes: 0 });
    const progress = events.map((event) => testClip(event.status).install).filter((install) => install?.state === 'downloading');
    expect(progress.length).toBeGreaterThan(1);
    // Bytes only go up, and a speed shows once there is enough to measure.
    const received = progress.map((install) => install!.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(progress.some((install) => (install!.bytesPerSecond ?? 0) > 0)).toBe(true);
    // At most four events a second, however fast the bytes come.
    for (let i = 1; i < events.length; i++) expect(events[i]!.at - events[i - 1]!.at).toBeGreaterThanOrEqual(MODELS_EVENT_INTERVAL_MS - 20);

    expect(await store.resolve('test-clip')).toBe(path.join(store.dir, 'test-clip', '1'));
    for (const file of files) expect((await fs.readFile(path.join(store.dir, 'test-clip', '1', file.path))).equals(file.body)).toBe(true);
    await expect.poll(modelsChanged).toBe(1);
    const listed = await core.api.listModels({});
    expect(listed.diskBytes).toBeGreaterThanOrEqual(size);
    // Installed: asking again downloads nothing.
    const again = await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: 0, hosts: [] } });
    expect(testClip(again)).toMatchObject({ state: 'installed', install: null });
  });

  test('a file whose checksum is wrong installs nothing and says so; Retry after the server is fixed fetches only that file', async () => {
    const { core, store, size, host, events, modelsChanged, server, served, files } = await setup({ store: { maxConcurrentDownloads: 1 } });
    const third = files[2]!;
    const wrong = Buffer.from(third.body);
    wrong[10] = wrong[10]! ^ 0xff;
    served[third.urlPath]!.body = wrong;

    await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size, hosts: [host] } });
    const failed = await settled(events);
    expect(failed.install).toMatchObject({ state: 'failed', retrying: null, bytesPerSecond: null });
    expect(failed.install!.failure).toMatchObject({ code: 'checksum', retryable: false });
    expect(failed.install!.failure!.message).toMatch(/^test-clip\/onnx\/part-2\.onnx does not match the catalog: SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}$/);
    expect(failed.state).not.toBe('installed');
    expect(await store.resolve('test-clip')).toBeNull();
    await expect(fs.readdir(path.join(store.dir, 'test-clip'))).rejects.toThrow();
    expect(modelsChanged()).toBe(0);
    // Every window sees the failure until the next try.
    expect(testClip(await core.api.listModels({})).install?.failure?.code).toBe('checksum');

    served[third.urlPath]!.body = third.body;
    const plan = await core.api.planModelInstall({ id: 'test-clip' });
    expect(plan.remainingBytes).toBe(third.body.length);
    const before = server.requests.length;
    events.length = 0;
    const retried = await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: plan.remainingBytes, hosts: plan.hosts } });
    expect(testClip(retried).install?.failure ?? null).toBeNull();
    expect((await settled(events)).state).toBe('installed');
    expect(server.requests.slice(before).map((request) => request.path)).toEqual([third.urlPath]);
    await expect.poll(modelsChanged).toBe(1);
  });

  test('a host that cannot be reached fails in words, with Retry worth trying', async () => {
    const { core, size, host, events, server } = await setup({ store: { retries: 0 } });
    await server.close();
    await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size, hosts: [host] } });
    const failed = await settled(events);
    expect(failed.install!.failure).toMatchObject({ code: 'network', retryable: true });
    expect(failed.install!.failure!.message).toContain(`cannot reach ${host}`);
  });

  test('cancel stops the download and keeps the part; the next install resumes it with a range', async () => {
    const { core, store, size, host, events, server, files } = await setup({ serve: (_file, index) => (index === 1 ? { stallAfter: [64_000] } : {}), store: { maxConcurrentDownloads: 1 } });
    const big = files[1]!;
    await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size, hosts: [host] } });
    await waitForFileSize(partFile(store.dir, big), 64_000);
    const busy = await failure(core.api.removeModel({ id: 'test-clip' }));
    expect([busy.code, busy.message]).toEqual(['busy', 'Test model test-clip is downloading: cancel the download first']);
    const twice = await failure(core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size, hosts: [host] } }));
    expect(twice.code).toBe('busy');

    const cancelled = await core.api.cancelModelInstall({ id: 'test-clip' });
    expect(testClip(cancelled)).toMatchObject({ state: 'partial', install: null, partialBytes: files[0]!.body.length + 64_000 });
    expect((await failure(core.api.cancelModelInstall({ id: 'test-clip' }))).message).toBe('Test model test-clip is not downloading');
    const plan = await core.api.planModelInstall({ id: 'test-clip' });
    expect(plan.remainingBytes).toBe(size - files[0]!.body.length - 64_000);

    events.length = 0;
    await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: plan.remainingBytes, hosts: plan.hosts } });
    // The cancelled download's last report may still come after the new one starts: wait for the end.
    await expect.poll(() => events.length > 0 && testClip(lastEvent(events)!).state, { timeout: 20_000 }).toBe('installed');
    expect(server.requests.filter((request) => request.path === big.urlPath).map((request) => request.range)).toEqual([undefined, 'bytes=64000-']);
    expect(server.bytesSentFor(big.urlPath)).toBe(big.body.length);
  });

  test('remove deletes an installed model and says what it freed; bundled and absent ones are refused in words', async () => {
    const { core, size, host, events, modelsChanged } = await setup();
    await core.api.installModel({ id: 'test-clip', consent: { remainingBytes: size, hosts: [host] } });
    expect((await settled(events)).state).toBe('installed');
    await expect.poll(modelsChanged).toBe(1);

    const removed = await core.api.removeModel({ id: 'test-clip' });
    expect(removed.id).toBe('test-clip');
    expect(removed.freedBytes).toBeGreaterThanOrEqual(size);
    expect(testClip(await core.api.listModels({}))).toMatchObject({ state: 'not-installed', diskBytes: 0 });
    await expect.poll(modelsChanged).toBe(2);
    await expect.poll(() => testClip(lastEvent(events)!).state).toBe('not-installed');

    const again = await failure(core.api.removeModel({ id: 'test-clip' }));
    expect([again.code, again.message]).toEqual(['not-found', 'test-clip is not installed']);
    const bundled = await failure(core.api.removeModel({ id: 'pp-ocrv4' }));
    expect([bundled.code, bundled.message]).toEqual(['invalid-request', 'pp-ocrv4 comes with ClipShot and cannot be removed']);
  });

  test('imports from a folder by path (checked), or one the desktop app asks for', async () => {
    const source = await tempDir('clipshot-model-source-');
    let asked: string | null = null;
    let answer: string | null = null;
    const { core, files, modelsChanged, server } = await setup({
      chooseFolder: async (title) => {
        asked = title;
        return answer;
      },
    });
    for (const file of files) {
      await fs.mkdir(path.dirname(path.join(source, file.path)), { recursive: true });
      await fs.writeFile(path.join(source, file.path), file.body);
    }
    expect((await core.api.listModels({})).canChooseFolder).toBe(true);
    const relative = await failure(core.api.importModels({ folder: 'models' }));
    expect(relative.code).toBe('invalid-request');
    expect(relative.message).toMatch(/^give the folder’s full path \(like .*\), not “models”$/);
    const missing = await failure(core.api.importModels({ folder: path.join(source, 'nowhere') }));
    expect([missing.code, missing.message]).toEqual(['invalid-request', `cannot read ${path.join(source, 'nowhere')}: no such folder`]);

    expect(await core.api.importModels({})).toBeNull();
    expect(asked).toBe('Import models from a folder');
    answer = source;
    expect(await core.api.importModels({})).toEqual({ folder: source, installed: [{ id: 'test-clip', version: '1' }], alreadyInstalled: [], problems: [] });
    expect(testClip(await core.api.listModels({})).state).toBe('installed');
    await expect.poll(modelsChanged).toBe(1);
    expect(await core.api.importModels({ folder: source })).toEqual({ folder: source, installed: [], alreadyInstalled: ['test-clip'], problems: [] });
    expect(server.requests).toEqual([]);
  });

  test('without a folder chooser, an import must name its folder', async () => {
    const { core } = await setup();
    const error = await failure(core.api.importModels({}));
    expect([error.code, error.message]).toEqual(['unsupported', 'this window cannot show a folder chooser: type the folder’s path instead']);
  });
});
