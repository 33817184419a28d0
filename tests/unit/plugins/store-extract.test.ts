import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packPluginFolder } from '../../../main/plugins/marketplace/pack-plugin.js';
import { PluginStore } from '../../../main/plugins/store/plugin-store.js';
import { PluginStoreError } from '../../../main/plugins/store/store-errors.js';
import { rawTarball, writeTestPlugin, type RawTarEntry } from '../../helpers/registry.js';
import { tempDir } from '../../helpers/temp.js';

const PACKAGE_JSON = JSON.stringify({
  name: 'clipshot-plugin-evil',
  version: '1.0.0',
  engines: { clipshot: '*' },
  clipshot: { id: 'evil.plugin', apiVersion: 1, main: 'index.js', activationEvents: [], contributes: { commands: [{ id: 'evil.plugin.x', title: 'X' }] } },
});
const BASE: RawTarEntry[] = [
  { path: 'package/package.json', body: PACKAGE_JSON },
  { path: 'package/index.js', body: 'export default {};' },
];

async function setup() {
  const root = await tempDir('clipshot-store-extract-');
  const pluginsDir = path.join(root, 'plugins');
  return { root, pluginsDir, store: new PluginStore({ dir: pluginsDir, appVersion: '0.1.0' }) };
}

async function refusal(promise: Promise<unknown>): Promise<PluginStoreError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PluginStoreError);
  return error as PluginStoreError;
}

/** Everything under `dir`, relative, so a test can show nothing was left behind. */
async function tree(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true }).catch(() => []);
  return entries.map(String).sort();
}

describe('plugin tarballs are unpacked safely', () => {
  const hostile: [string, RawTarEntry, RegExp][] = [
    ['a path with ..', { path: 'package/../../escaped.js', body: 'x' }, /"package\/\.\.\/\.\.\/escaped\.js" leads out of the package folder/],
    ['an absolute path', { path: '/tmp/clipshot-absolute-escape.js', body: 'x' }, /is an absolute path/],
    ['a symbolic link', { path: 'package/link', type: 'SymbolicLink', linkpath: '/etc/passwd' }, /"package\/link" is a symbolic link/],
    ['a hard link', { path: 'package/hard', type: 'Link', linkpath: 'package/index.js' }, /"package\/hard" is a hard link/],
    ['a file outside package/', { path: 'other/file.js', body: 'x' }, /"other\/file\.js" is outside the package\/ folder/],
  ];
  for (const [what, entry, message] of hostile) {
    it(`refuses the whole package for ${what}, writing nothing`, async () => {
      const { root, pluginsDir, store } = await setup();
      const error = await refusal(store.installTarball(rawTarball([...BASE, entry]), { source: 'tarball', signature: 'unsigned' }));
      expect(error.code).toBe('unsafe-package');
      expect(error.message).toMatch(message);
      expect(await tree(pluginsDir)).toEqual(['_staging']);
      expect(await tree(root)).toEqual(['plugins', 'plugins/_staging']);
      await expect(fs.stat('/tmp/clipshot-absolute-escape.js')).rejects.toThrow();
      expect(await store.list()).toEqual([]);
    });
  }

  it('refuses a package that unpacks past the size limit (a gzip bomb) or holds too many entries', async () => {
    const { pluginsDir } = await setup();
    const limits = { maxTarballBytes: 1024 * 1024, maxUnpackedBytes: 64 * 1024, maxEntries: 5 };
    const store = new PluginStore({ dir: pluginsDir, appVersion: '0.1.0', limits });
    const bomb = rawTarball([...BASE, { path: 'package/zeros.bin', body: '\0'.repeat(4 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(limits.maxTarballBytes);
    const big = await refusal(store.installTarball(bomb, { source: 'tarball', signature: 'unsigned' }));
    expect(big.code).toBe('too-large');
    expect(big.message).toMatch(/unpacks to more than 0\.1 MB/);

    const many = await refusal(store.installTarball(rawTarball([...BASE, ...Array.from({ length: 6 }, (_, i) => ({ path: `package/f${i}.js`, body: 'x' }))]), { source: 'tarball', signature: 'unsigned' }));
    expect(many.code).toBe('too-large');
    expect(many.message).toMatch(/more than 5 files and folders/);
    expect(await tree(pluginsDir)).toEqual(['_staging']);
  });

  it('refuses bytes that are not a gzip tarball', async () => {
    const { store } = await setup();
    const error = await refusal(store.installTarball(Buffer.from('not a tarball at all'), { source: 'tarball', signature: 'unsigned' }));
    expect(error.code).toBe('invalid-package');
    const noManifest = await refusal(store.installTarball(zlib.gzipSync(Buffer.alloc(1024)), { source: 'tarball', signature: 'unsigned' }));
    expect(noManifest.code).toBe('invalid-package');
  });

  it('unpacks a packed plugin under <id>/<version>, package/ stripped, with no links followed', async () => {
    const { root, pluginsDir, store } = await setup();
    const folder = await writeTestPlugin(root, { packageName: 'clipshot-plugin-ok', id: 'test.ok', version: '1.0.0', files: { 'lib/util.js': 'export const x = 1;' } });
    const result = await store.installTarball(await packPluginFolder(folder), { source: 'tarball', signature: 'unsigned' }, { acceptPermissions: ['clips:read'] });
    expect(result.dir).toBe(path.join(pluginsDir, 'test.ok', '1.0.0'));
    expect(await tree(result.dir)).toEqual(['index.js', 'lib', 'lib/util.js', 'package.json']);
    expect(await fs.readFile(path.join(result.dir, 'lib', 'util.js'), 'utf8')).toBe('export const x = 1;');
  });

  it('refuses a folder holding a symbolic link', async () => {
    const { root, pluginsDir, store } = await setup();
    const folder = await writeTestPlugin(root, { packageName: 'clipshot-plugin-linked', id: 'test.linked', version: '1.0.0' });
    await fs.symlink('/etc/passwd', path.join(folder, 'secrets'));
    const error = await refusal(store.installFolder(folder, { acceptPermissions: ['clips:read'] }));
    expect(error.code).toBe('unsafe-package');
    expect(error.message).toBe('refused the folder: secrets is a symbolic link; a plugin may hold only files and folders');
    expect(await tree(pluginsDir)).toEqual(['_staging']);
  });
});
