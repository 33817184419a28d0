import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { listDir, newStore, sha256, writeSource } from './blob-test-helpers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A spawned node cannot import TypeScript: the child gets main/library/blobs transpiled (tsc type-checks the sources). */
async function transpileBlobModules(dir: string): Promise<string> {
  const sources = [path.join('main', 'library', 'errors.ts'), path.join('main', 'library', 'read-up-to.ts'), ...(await fs.readdir(path.join(repoRoot, 'main', 'library', 'blobs'))).map((name) => path.join('main', 'library', 'blobs', name))];
  for (const source of sources.filter((name) => name.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(await fs.readFile(path.join(repoRoot, source), 'utf8'), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true },
    });
    const target = path.join(dir, source.replace(/\.ts$/, '.js'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, outputText);
  }
  await fs.writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n');
  return path.join(dir, 'main', 'library', 'blobs', 'blob-store.js');
}

function run(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

describe('BlobStore after a crash', () => {
  it('never leaves a half-written blob under a real name, and cleans the leftover', async () => {
    const { store, root, work, keys } = await newStore();
    const storeModule = await transpileBlobModules(path.join(work, 'build'));
    const bytes = randomBytes(64 * 1024 * 1024);
    const source = await writeSource(work, 'video.bin', bytes);

    const child = await run([path.join(repoRoot, 'tests/unit/blobs/fixtures/crash-during-put.mjs'), storeModule, root, source, keys.contentKey.toString('hex'), keys.nameKey.toString('hex')]);
    expect(child).toMatchObject({ signal: 'SIGKILL', output: '' });

    expect(await store.listStoredNames()).toEqual([]);
    expect(await store.has(sha256(bytes))).toBe(false);
    expect((await listDir(path.join(root, 'tmp'))).filter((name) => name.endsWith('.part'))).toHaveLength(1);
    expect(await store.cleanTemporaryFiles()).toBe(1);
    expect(await listDir(path.join(root, 'tmp'))).toEqual([]);

    expect(await store.putFile(source)).toEqual({ hash: sha256(bytes), size: bytes.length, existed: false });
    expect(await store.check(sha256(bytes))).toBe('ok');
  });
});
