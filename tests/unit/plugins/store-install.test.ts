import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginManifestError } from '../../../main/plugins/manifest/manifest-error.js';
import { packPluginFolder } from '../../../main/plugins/marketplace/pack-plugin.js';
import { PluginStore, type PermissionRequest } from '../../../main/plugins/store/plugin-store.js';
import { PluginStoreError } from '../../../main/plugins/store/store-errors.js';
import { writeTestPlugin, type TestPluginSpec } from '../../helpers/registry.js';
import { tempDir } from '../../helpers/temp.js';

async function setup(keepVersions?: number) {
  const root = await tempDir('clipshot-store-');
  const pluginsDir = path.join(root, 'plugins');
  const store = new PluginStore({ dir: pluginsDir, appVersion: '0.1.0', ...(keepVersions !== undefined && { keepVersions }) });
  const plugin = (spec: Partial<TestPluginSpec> & { version: string }) => writeTestPlugin(path.join(root, 'src'), { packageName: 'clipshot-plugin-notes', id: 'test.notes', ...spec });
  return { root, pluginsDir, store, plugin };
}

async function failure<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

const yes = () => true;
const entry = (dir: string) => fs.readFile(path.join(dir, 'index.js'), 'utf8');

describe('PluginStore', () => {
  it('installs versions side by side, switches the active one, rolls back and removes', async () => {
    const { pluginsDir, store, plugin } = await setup();
    const first = await store.installFolder(await plugin({ version: '1.0.0' }), { confirm: yes });
    expect(first).toMatchObject({ id: 'test.notes', version: '1.0.0', previousVersion: null, permissions: ['clips:read'], newPermissions: ['clips:read'] });
    const second = await store.installTarball(await packPluginFolder(await plugin({ version: '1.1.0' })), { source: 'tarball', signature: 'unsigned' });
    expect(second).toMatchObject({ version: '1.1.0', previousVersion: '1.0.0', newPermissions: [] });
    expect(await entry(second.dir)).toContain('test.notes@1.1.0');
    expect(await entry(first.dir)).toContain('test.notes@1.0.0');

    const [view] = await store.list();
    expect(view).toMatchObject({ id: 'test.notes', packageName: 'clipshot-plugin-notes', displayName: 'Test test.notes', version: '1.1.0', versions: ['1.1.0', '1.0.0'], source: 'tarball', signature: 'unsigned', status: 'inactive', problem: null });
    expect(view!.contributes.commands).toEqual([{ id: 'test.notes.hello', title: 'Say hello' }]);

    const record = JSON.parse(await fs.readFile(path.join(pluginsDir, 'test.notes', 'install.json'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ active: '1.1.0', previous: ['1.0.0'], granted: ['clips:read'] });

    expect(await store.rollback('test.notes')).toMatchObject({ version: '1.0.0', previousVersion: '1.1.0' });
    expect((await store.get('test.notes'))!.manifest.version).toBe('1.0.0');
    // Rolling back again goes forward to what was active before.
    expect(await store.rollback('test.notes')).toMatchObject({ version: '1.1.0', previousVersion: '1.0.0' });
    expect((await failure(store.rollback('test.notes', '0.9.0'), PluginStoreError)).message).toBe('test.notes@0.9.0 is not installed; installed versions: 1.1.0, 1.0.0');

    expect(await store.remove('test.notes')).toEqual({ id: 'test.notes', versions: ['1.1.0', '1.0.0'] });
    expect(await store.list()).toEqual([]);
    await expect(fs.stat(path.join(pluginsDir, 'test.notes'))).rejects.toThrow();
    expect((await failure(store.remove('test.notes'), PluginStoreError)).code).toBe('not-installed');
    expect((await failure(store.rollback('test.notes'), PluginStoreError)).code).toBe('not-installed');
  });

  it('asks before granting permissions, again when an update adds one, and keeps what was granted', async () => {
    const { store, plugin } = await setup();
    const noConsent = await failure(store.installFolder(await plugin({ version: '1.0.0', permissions: ['clips:read', 'net:api.example.com'] })), PluginStoreError);
    expect(noConsent.code).toBe('consent-required');
    expect(noConsent.message).toBe('test.notes@1.0.0 asks for permissions that need your agreement: clips:read, net:api.example.com');
    expect(await store.list()).toEqual([]);

    await store.installFolder(await plugin({ version: '1.0.0', permissions: ['clips:read', 'net:api.example.com'] }), { acceptPermissions: ['clips:read', 'net:api.example.com'] });
    // The same permissions (and fewer) need no question.
    await store.installFolder(await plugin({ version: '1.1.0', permissions: ['clips:read'] }));

    const asked: PermissionRequest[] = [];
    const declined = await failure(store.installFolder(await plugin({ version: '1.2.0', permissions: ['clips:read', 'clips:write'] }), { confirm: (request) => (asked.push(request), false) }), PluginStoreError);
    expect(declined.code).toBe('declined');
    expect(asked).toEqual([{ id: 'test.notes', packageName: 'clipshot-plugin-notes', version: '1.2.0', previousVersion: '1.1.0', permissions: ['clips:read', 'clips:write'], newPermissions: ['clips:write'] }]);
    expect((await store.get('test.notes'))!.manifest.version).toBe('1.1.0');
    expect((await store.list())[0]!.versions).toEqual(['1.1.0', '1.0.0']);

    const refused = await failure(store.installFolder(await plugin({ version: '1.2.0', permissions: ['clips:read', 'clips:write'] })), PluginStoreError);
    expect(refused.message).toBe('test.notes@1.2.0 asks for new permissions that need your agreement: clips:write');

    const updated = await store.installFolder(await plugin({ version: '1.2.0', permissions: ['clips:read', 'clips:write', 'net:api.example.com'] }), { confirm: yes });
    expect(updated.newPermissions).toEqual(['clips:write']);
  });

  it('keeps the newest versions only, as many as asked', async () => {
    const { pluginsDir, store, plugin } = await setup(2);
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await store.installFolder(await plugin({ version }), { confirm: yes });
    expect((await store.list())[0]!.versions).toEqual(['1.2.0', '1.1.0']);
    expect((await fs.readdir(path.join(pluginsDir, 'test.notes'))).sort()).toEqual(['1.1.0', '1.2.0', 'install.json']);
  });

  it('refuses a version for another ClipShot, with missing dependencies, or that breaks a plugin needing it', async () => {
    const { store, plugin, root } = await setup();
    const newer = await failure(store.installFolder(await plugin({ version: '2.0.0', engines: '>=0.5.0' }), { confirm: yes }), PluginStoreError);
    expect(newer.code).toBe('unresolvable');
    expect(newer.message).toBe('cannot install test.notes@2.0.0: you asked for test.notes 2.0.0, but no such version of test.notes works with ClipShot 0.1.0: 2.0.0 needs ClipShot >=0.5.0');

    const needy = await writeTestPlugin(root, { packageName: 'clipshot-plugin-extra', id: 'test.extra', version: '1.0.0', dependencies: { 'test.notes': '^1.0.0' } });
    const missing = await failure(store.installFolder(needy, { confirm: yes }), PluginStoreError);
    expect(missing.message).toBe('cannot install test.extra@1.0.0: test.extra@1.0.0 needs test.notes ^1.0.0, but test.notes is not installed: install it first');

    await store.installFolder(await plugin({ version: '1.0.0' }), { confirm: yes });
    await store.installFolder(needy, { confirm: yes });
    const breaking = await failure(store.installFolder(await plugin({ version: '2.0.0' }), { confirm: yes }), PluginStoreError);
    expect(breaking.message).toBe('cannot install test.notes@2.0.0: you asked for test.notes 2.0.0, but test.extra@1.0.0 needs test.notes ^1.0.0 (no version of test.notes satisfies both; there are 2.0.0)');
    const needed = await failure(store.remove('test.notes'), PluginStoreError);
    expect(needed.code).toBe('needed');
    expect(needed.message).toBe('test.notes is needed by test.extra@1.0.0 (needs test.notes ^1.0.0): remove it first');
    expect((await store.list()).map((view) => `${view.id}@${view.version}`)).toEqual(['test.extra@1.0.0', 'test.notes@1.0.0']);
  });

  it('refuses an invalid manifest or a package missing a file it names, changing nothing', async () => {
    const { pluginsDir, store, plugin } = await setup();
    await store.installFolder(await plugin({ version: '1.0.0' }), { confirm: yes });
    const before = await fs.readFile(path.join(pluginsDir, 'test.notes', 'install.json'), 'utf8');

    const invalid = await failure(store.installFolder(await plugin({ version: '1.1.0', permissions: ['everything'] }), { confirm: yes }), PluginManifestError);
    expect(invalid.problems).toEqual([{ path: 'clipshot.permissions[0]', message: 'unknown permission "everything"; expected one of clips:read, clips:write, blobs:read, ui:panel, clipboard or net:<host>' }]);

    const folder = await plugin({ version: '1.2.0' });
    await fs.rm(path.join(folder, 'index.js'));
    const incomplete = await failure(store.installFolder(folder, { confirm: yes }), PluginManifestError);
    expect(incomplete.message).toContain('clipshot.main: "index.js" is not in the package');

    expect(await fs.readFile(path.join(pluginsDir, 'test.notes', 'install.json'), 'utf8')).toBe(before);
    expect((await fs.readdir(path.join(pluginsDir, 'test.notes'))).sort()).toEqual(['1.0.0', 'install.json']);
  });

  it('refuses a second package claiming an installed plugin id, and a registry tarball holding another package', async () => {
    const { store, plugin } = await setup();
    await store.installFolder(await plugin({ version: '1.0.0' }), { confirm: yes });
    const impostor = await failure(store.installFolder(await plugin({ version: '1.0.1', packageName: 'someone-else' }), { confirm: yes }), PluginStoreError);
    expect(impostor.message).toBe('someone-else declares the plugin id test.notes, which the installed clipshot-plugin-notes already has; remove that one first');
    const swapped = await failure(
      store.installTarball(await packPluginFolder(await plugin({ version: '1.0.2' })), { source: 'registry', signature: 'unsigned', expected: { packageName: 'clipshot-plugin-notes', version: '1.0.3' } }, { confirm: yes }),
      PluginStoreError,
    );
    expect(swapped.code).toBe('mismatch');
  });

  it('serialises installs made at the same time, so install.json keeps both', async () => {
    const { pluginsDir, store, plugin } = await setup();
    const folders = await Promise.all(['1.0.0', '1.1.0', '1.2.0'].map((version) => plugin({ version })));
    // Two store objects on one folder, as the app and a CLI would have.
    const other = new PluginStore({ dir: pluginsDir, appVersion: '0.1.0' });
    await Promise.all([store.installFolder(folders[0]!, { confirm: yes }), other.installFolder(folders[1]!, { confirm: yes }), store.installFolder(folders[2]!, { confirm: yes })]);
    const [view] = await store.list();
    expect([...view!.versions].sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    const record = JSON.parse(await fs.readFile(path.join(pluginsDir, 'test.notes', 'install.json'), 'utf8')) as { active: string; previous: string[] };
    expect([record.active, ...record.previous].sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    await expect(fs.stat(path.join(pluginsDir, '_lock'))).rejects.toThrow();
  });

  it('shows a plugin whose files were damaged as invalid, with the reason', async () => {
    const { pluginsDir, store, plugin } = await setup();
    await store.installFolder(await plugin({ version: '1.0.0' }), { confirm: yes });
    await fs.writeFile(path.join(pluginsDir, 'test.notes', '1.0.0', 'package.json'), '{ broken');
    const [view] = await store.list();
    expect(view).toMatchObject({ id: 'test.notes', version: '1.0.0', status: 'invalid' });
    expect(view!.problem).toMatch(/^the package's package\.json is not valid JSON/);
    expect(await store.installed()).toEqual([]);
  });
});
