import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../main/ai/models/catalog.js';
import { ModelError } from '../../../main/ai/models/model-errors.js';
import { ModelStore } from '../../../main/ai/models/model-store.js';
import { defaultModelsDir } from '../../../main/ai/models/models-dir.js';
import { tempDir } from '../../helpers/temp.js';
import { catalogOf, startModelServer, testModel, type ModelTestServer, type TestModelFile } from './model-test-server.js';

const servers: ModelTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const ocr = loadCatalog().models.find((model) => model.bundled)!;

async function writeFiles(dir: string, files: { path: string; body: Buffer }[]): Promise<void> {
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await fs.writeFile(path.join(dir, file.path), file.body);
  }
}

async function errorOf(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

async function serve(files: TestModelFile[]): Promise<ModelTestServer> {
  const server = await startModelServer(Object.fromEntries(files.map((file) => [file.urlPath, { body: file.body }])));
  servers.push(server);
  return server;
}

describe('ModelStore: import, remove, list', () => {
  it('imports a model from a folder laid out like the hub, verifying every file, and leaves the folder as it was', async () => {
    const { files, entry } = testModel('test-clip', [300, 5000, 9000]);
    const source = await tempDir('clipshot-import-');
    await writeFiles(source, files);
    await fs.writeFile(path.join(source, 'README.md'), 'unrelated');
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry) });

    const report = await store.importFrom(source);
    const dir = path.join(store.dir, 'test-clip', '1');
    expect(report).toEqual({ installed: [{ id: 'test-clip', version: '1', dir }], alreadyInstalled: [], problems: [] });
    expect(await store.resolve('test-clip')).toBe(dir);
    for (const file of files) expect((await fs.readFile(path.join(dir, file.path))).equals(file.body)).toBe(true);
    expect((await fs.readdir(source, { recursive: true })).sort()).toEqual(['README.md', 'config.json', 'onnx', 'onnx/part-1.onnx', 'onnx/part-2.onnx']);
    expect(await store.importFrom(source)).toEqual({ installed: [], alreadyInstalled: ['test-clip'], problems: [] });
  });

  it('finds renamed files by their SHA-256', async () => {
    const { files, entry } = testModel('test-clip', [300, 5000, 9000]);
    const source = await tempDir('clipshot-import-');
    await writeFiles(
      source,
      files.map((file, index) => ({ path: `download (${index}).bin`, body: file.body })),
    );
    // A decoy of the right size but other bytes is passed over.
    await fs.writeFile(path.join(source, 'decoy.bin'), Buffer.alloc(5000, 1));
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry) });
    const report = await store.importFrom(source);
    expect(report.installed.map((item) => item.id)).toEqual(['test-clip']);
    expect(report.problems).toEqual([]);
  });

  it('installs nothing from a folder with a tampered or missing file, and names each one', async () => {
    const { files, entry } = testModel('test-clip', [300, 5000, 9000]);
    const source = await tempDir('clipshot-import-');
    const tampered = Buffer.from(files[1]!.body);
    tampered[100] = tampered[100]! ^ 0xff;
    await writeFiles(source, [files[0]!, { path: files[1]!.path, body: tampered }]);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry) });

    const report = await store.importFrom(source);
    expect(report.installed).toEqual([]);
    expect(report.problems).toEqual([
      { id: 'test-clip', file: 'onnx/part-1.onnx', problem: 'checksum', message: `test-clip/onnx/part-1.onnx: the file in ${source} is not the catalog's (size or SHA-256 differs)` },
      { id: 'test-clip', file: 'onnx/part-2.onnx', problem: 'missing', message: `test-clip/onnx/part-2.onnx: not found in ${source}` },
    ]);
    expect(await store.resolve('test-clip')).toBeNull();
    await expect(fs.readdir(path.join(store.dir, 'test-clip'))).rejects.toThrow();
  });

  it('refuses to import from something that is not a readable folder', async () => {
    const { entry } = testModel('test-clip', [10]);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry) });
    const missing = path.join(store.dir, 'nowhere');
    expect((await errorOf(store.importFrom(missing))).message).toBe(`cannot read ${missing}: no such folder`);
    const file = path.join(store.dir, 'file.txt');
    await fs.writeFile(file, 'x');
    expect((await errorOf(store.importFrom(file))).code).toBe('import-source');
  });

  it('lists each model with its state and disk usage, and remove frees it', async () => {
    const { files, entry } = testModel('test-clip', [300, 50_000, 90_000]);
    const server = await serve(files);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(ocr, entry), mirror: server.url });
    const size = files.reduce((sum, file) => sum + file.body.length, 0);

    const before = await store.list();
    expect(before.dir).toBe(store.dir);
    expect(before.models.map((model) => [model.id, model.state, model.diskBytes])).toEqual([
      [ocr.id, 'bundled', 0],
      ['test-clip', 'not-installed', 0],
    ]);
    expect(before.models[1]).toMatchObject({ sizeBytes: size, installedVersion: null, dir: null, bundled: false, task: 'tag', licence: 'MIT' });
    expect(before.models[0]!.dir).toMatch(/@gutenye[\\/]ocr-models[\\/]assets$/);
    await expect(store.plan('test-clip')).resolves.toEqual({ id: 'test-clip', title: entry.title, version: '1', sizeBytes: size, remainingBytes: size, hosts: [new URL(server.url).host] });

    await store.install('test-clip', { consent: true });
    const after = (await store.list()).models[1]!;
    expect(after).toMatchObject({ state: 'installed', installedVersion: '1', dir: path.join(store.dir, 'test-clip', '1'), partialBytes: 0 });
    const marker = (await fs.stat(path.join(after.dir!, '.clipshot-model.json'))).size;
    expect(after.diskBytes).toBe(size + marker);
    expect((await store.list()).diskBytes).toBe(size + marker);

    expect(await store.remove('test-clip')).toEqual({ id: 'test-clip', freedBytes: size + marker });
    expect(await store.resolve('test-clip')).toBeNull();
    expect((await store.list()).models[1]).toMatchObject({ state: 'not-installed', diskBytes: 0 });
    expect((await fs.readdir(store.dir)).filter((name) => !name.startsWith('.'))).toEqual([]);

    expect((await errorOf(store.remove('test-clip'))).code).toBe('not-installed');
    expect((await errorOf(store.remove(ocr.id))).code).toBe('bundled');
    expect((await errorOf(store.remove('nope'))).message).toBe(`no model "nope" in the catalog (known: ${ocr.id}, test-clip)`);
  });

  it('removes a partial download too', async () => {
    const { files, entry } = testModel('test-clip', [300, 50_000]);
    const server = await startModelServer({ [files[0]!.urlPath]: { body: files[0]!.body }, [files[1]!.urlPath]: { body: files[1]!.body, status: 503 } });
    servers.push(server);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry), mirror: server.url, retries: 0, maxConcurrentDownloads: 1 });
    await errorOf(store.install('test-clip', { consent: true }));
    expect((await store.list()).models[0]).toMatchObject({ state: 'partial', partialBytes: 300, diskBytes: 300 });
    expect(await store.plan('test-clip')).toMatchObject({ remainingBytes: 50_000 });
    expect(await store.remove('test-clip')).toEqual({ id: 'test-clip', freedBytes: 300 });
    expect((await store.list()).models[0]).toMatchObject({ state: 'not-installed', partialBytes: 0 });
  });

  it('shows an older installed version as outdated, and installing the new one replaces it', async () => {
    const v1 = testModel('test-clip', [300, 4000], '1');
    const v2 = testModel('test-clip', [400, 6000], '2');
    const server = await serve([...v1.files, ...v2.files]);
    const dir = await tempDir('clipshot-models-');
    await new ModelStore({ dir, catalog: catalogOf(v1.entry), mirror: server.url }).install('test-clip', { consent: true });

    const store = new ModelStore({ dir, catalog: catalogOf(v2.entry), mirror: server.url });
    expect((await store.list()).models[0]).toMatchObject({ state: 'outdated', installedVersion: '1', dir: null });
    expect(await store.resolve('test-clip')).toBeNull();
    await store.install('test-clip', { consent: true });
    expect((await store.list()).models[0]).toMatchObject({ state: 'installed', installedVersion: '2' });
    expect(await fs.readdir(path.join(dir, 'test-clip'))).toEqual(['2']);
  });

  it('does not resolve a model whose files were deleted by hand', async () => {
    const { files, entry } = testModel('test-clip', [300, 4000]);
    const source = await tempDir('clipshot-import-');
    await writeFiles(source, files);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry) });
    await store.importFrom(source);
    await fs.rm(path.join(store.dir, 'test-clip', '1', files[1]!.path));
    expect(await store.resolve('test-clip')).toBeNull();
  });

  it('reports a changed file of an installed model when verifying it', async () => {
    const { files, entry } = testModel('test-clip', [300, 4000]);
    const source = await tempDir('clipshot-import-');
    await writeFiles(source, files);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry) });
    await store.importFrom(source);
    await expect(store.verify('test-clip')).resolves.toEqual({ id: 'test-clip', ok: true, problems: [] });
    await fs.writeFile(path.join(store.dir, 'test-clip', '1', 'config.json'), Buffer.alloc(300, 9));
    const result = await store.verify('test-clip');
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^config\.json: SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}$/);
  });

  it('leaves a model alone while another live process holds its lock, and takes over a dead one', async () => {
    const { files, entry } = testModel('test-clip', [300, 4000]);
    const server = await serve(files);
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog: catalogOf(entry), mirror: server.url });
    const lock = path.join(store.dir, '.locks', 'test-clip.lock');
    await fs.mkdir(path.dirname(lock), { recursive: true });
    // The test runner's parent process is alive for the whole test.
    await fs.writeFile(lock, String(process.ppid));
    const error = await errorOf(store.install('test-clip', { consent: true }));
    expect(error.code).toBe('busy');
    expect(error.message).toContain(`pid ${process.ppid}`);
    expect(server.requests).toHaveLength(0);

    await fs.writeFile(lock, '2147483646');
    await store.install('test-clip', { consent: true });
    expect(await store.resolve('test-clip')).not.toBeNull();
    await expect(fs.stat(lock)).rejects.toThrow();
  });

  it('keeps models in $CLIPSHOT_MODELS_DIR, else beside the default library', () => {
    expect(defaultModelsDir({ CLIPSHOT_MODELS_DIR: 'relative/models' })).toBe(path.resolve('relative/models'));
    expect(defaultModelsDir({})).toMatch(/ClipShot[\\/]models$/);
  });
});
