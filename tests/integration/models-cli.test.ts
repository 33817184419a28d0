import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { startModelServer, testModel, waitForFileSize, type ModelTestServer, type ServedFile, type TestModelFile } from '../unit/ai/model-test-server.js';

const servers: ModelTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A models folder, a catalog with the shipped OCR entry and one downloadable test model, and a server with its files. */
async function setup(serve: (file: TestModelFile, index: number, modelsDir: string) => Partial<ServedFile> = () => ({})) {
  const shipped = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'models', 'catalog.json'), 'utf8')) as { models: { bundled?: unknown }[] };
  const { files, entry } = testModel('test-clip', [900, 200_000, 60_000]);
  const root = await tempDir('clipshot-models-cli-');
  const catalogFile = path.join(root, 'catalog.json');
  await fs.writeFile(catalogFile, JSON.stringify({ schema: 1, models: [shipped.models.find((model) => model.bundled), entry] }));
  const modelsDir = path.join(root, 'models');
  const server = await startModelServer(Object.fromEntries(files.map((file, index) => [file.urlPath, { body: file.body, ...serve(file, index, modelsDir) }])));
  servers.push(server);
  const library = path.join(root, 'library');
  const env = { CLIPSHOT_MODELS_DIR: modelsDir, CLIPSHOT_MODELS_CATALOG: catalogFile, CLIPSHOT_LIBRARY: library };
  const cli = (...args: string[]) => runCli(['models', ...args], { env });
  return { files, entry, server, modelsDir, library, cli, size: files.reduce((sum, file) => sum + file.body.length, 0) };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('clipshot models', () => {
  it('lists the catalog with states and sizes, without a library', async () => {
    const { cli, library, size } = await setup();
    const text = await cli();
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TASK\s+SIZE\s+STATE\s+TITLE$/);
    expect(lines[1]).toMatch(/^pp-ocrv4\s+recognise-text\s+16\.2 MB\s+bundled\s+PP-OCRv4/);
    expect(lines[2]).toMatch(/^test-clip\s+tag\s+260\.9 kB\s+not installed\s+Test model test-clip$/);
    expect(lines[3]).toMatch(/^models folder: .*models \(0 B used\)$/);

    const json = await cli('list', '--json');
    expect(json.code).toBe(0);
    const listing = JSON.parse(json.stdout) as { models: { id: string; state: string; sizeBytes: number }[] };
    expect(listing.models.map((model) => [model.id, model.state])).toEqual([
      ['pp-ocrv4', 'bundled'],
      ['test-clip', 'not-installed'],
    ]);
    expect(listing.models[1]!.sizeBytes).toBe(size);
    await expect(fs.stat(library)).rejects.toThrow();
  });

  it('asks before downloading: without a terminal and without --yes it downloads nothing', async () => {
    const { cli, server } = await setup();
    const result = await cli('install', 'test-clip', '--mirror', server.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`clipshot: models install: Download Test model test-clip (260.9 kB) from ${new URL(server.url).host} needs your agreement: run again with --yes\n`);
    expect(server.requests).toHaveLength(0);
  });

  it('installs through the mirror with --yes, with progress as JSON lines, then removes', async () => {
    const { cli, server, files, modelsDir, size } = await setup();
    const result = await cli('install', 'test-clip', '--yes', '--mirror', server.url, '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events[0]).toEqual({ type: 'start', id: 'test-clip', version: '1', totalBytes: size, presentBytes: 0 });
    expect(events.filter((event) => event.type === 'progress').at(-1)).toMatchObject({ receivedBytes: size, totalBytes: size });
    const dir = path.join(modelsDir, 'test-clip', '1');
    expect(events.at(-1)).toEqual({ type: 'result', id: 'test-clip', version: '1', dir, alreadyInstalled: false, transferredBytes: size });
    for (const file of files) expect((await fs.readFile(path.join(dir, file.path))).equals(file.body)).toBe(true);

    const listed = await cli();
    expect(listed.stdout).toMatch(/test-clip\s+tag\s+260\.9 kB\s+installed/);
    const again = await cli('install', 'test-clip', '--mirror', server.url);
    expect(again).toMatchObject({ code: 0, stdout: `already installed test-clip 1 in ${dir}\n` });

    const removed = await cli('remove', 'test-clip');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^removed test-clip \(freed 261\.0 kB\)\n$/);
    await expect(fs.stat(dir)).rejects.toThrow();
  });

  it('resumes a cut download with a range on its next try', async () => {
    const { cli, server, files, modelsDir } = await setup((file, index, dir) =>
      index === 1 ? { cutAfter: [120_000], beforeCut: (end: number) => waitForFileSize(path.join(dir, '.partial', 'test-clip', '1', ...file.path.split('/')) + '.part', end) } : {},
    );
    const result = await cli('install', 'test-clip', '--yes', '--mirror', server.url);
    expect(result.stderr).toMatch(/^clipshot: trying onnx\/part-1\.onnx again \(1\): test-clip\/onnx\/part-1\.onnx: the connection failed at 120000 of 200000 bytes/);
    expect(result).toMatchObject({ code: 0, stdout: `installed test-clip 1 in ${path.join(modelsDir, 'test-clip', '1')}\n` });
    expect(server.requests.filter((request) => request.path === files[1]!.urlPath).map((request) => [request.range, request.status])).toEqual([
      [undefined, 200],
      ['bytes=120000-', 206],
    ]);
    expect(server.bytesSentFor(files[1]!.urlPath)).toBe(200_000);
  });

  it('reports an HTTP error plainly, keeping what arrived, and an unknown model', async () => {
    const { cli, server, files } = await setup((_file, index) => (index === 2 ? { status: 404 } : {}));
    const failed = await cli('install', 'test-clip', '--yes', '--mirror', server.url);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed.stderr).toBe(`clipshot: test-clip/onnx/part-2.onnx: the server answered 404 Not Found for ${server.url}${files[2]!.urlPath}\n`);
    const listing = JSON.parse((await cli('list', '--json')).stdout) as { models: { id: string; state: string }[] };
    expect(listing.models[1]).toMatchObject({ id: 'test-clip', state: 'partial' });

    const unknown = await cli('install', 'no-such-model', '--yes');
    expect(unknown).toMatchObject({ code: 1, stderr: 'clipshot: no model "no-such-model" in the catalog (known: pp-ocrv4, test-clip)\n' });
  });

  it('imports from a folder and refuses a tampered one', async () => {
    const { cli, files, modelsDir } = await setup();
    const source = await tempDir('clipshot-models-source-');
    for (const file of files) {
      await fs.mkdir(path.dirname(path.join(source, file.path)), { recursive: true });
      await fs.writeFile(path.join(source, file.path), file.body);
    }
    const tampered = await tempDir('clipshot-models-tampered-');
    await fs.cp(source, tampered, { recursive: true });
    await fs.appendFile(path.join(tampered, files[2]!.path), 'x');

    const refused = await cli('import', tampered);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`clipshot: test-clip/onnx/part-2.onnx: the file in ${tampered} is not the catalog's (size or SHA-256 differs)\n`);
    await expect(fs.stat(path.join(modelsDir, 'test-clip'))).rejects.toThrow();

    const imported = await cli('import', source);
    expect(imported).toMatchObject({ code: 0, stdout: `imported test-clip 1 into ${path.join(modelsDir, 'test-clip', '1')}\n`, stderr: '' });
    const empty = await tempDir('clipshot-models-empty-');
    expect(await cli('import', empty)).toMatchObject({ code: 1, stderr: `clipshot: no model files found in ${empty}\n` });
  });

  it('says a bundled model comes with ClipShot and cannot be removed, and rejects bad arguments', async () => {
    const { cli } = await setup();
    const bundled = await cli('install', 'pp-ocrv4');
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toMatch(/^pp-ocrv4 comes with ClipShot: .*@gutenye[\\/]ocr-models[\\/]assets\n$/);
    expect(await cli('remove', 'pp-ocrv4')).toMatchObject({ code: 1, stderr: 'clipshot: pp-ocrv4 comes with ClipShot and cannot be removed\n' });
    expect(await cli('install')).toMatchObject({ code: 2, stderr: 'clipshot: models install: give one model id (see: clipshot models list)\n' });
    expect(await cli('fetch', 'x')).toMatchObject({ code: 2 });
    expect((await cli('install', 'test-clip', '--mirror', 'ftp://mirror.example')).stderr).toBe('clipshot: models: --mirror: the mirror must be an http or https URL, not ftp:\n');
  });
});
