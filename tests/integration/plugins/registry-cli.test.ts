import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstalledPluginView, MarketplacePluginView } from '../../../contract/plugins.js';
import { Marketplace } from '../../../main/plugins/marketplace/marketplace.js';
import { packPluginFolder } from '../../../main/plugins/marketplace/pack-plugin.js';
import { integrityOf, publishPlugin, publishTarball } from '../../../main/plugins/marketplace/publish.js';
import { installFromRegistry, type RegistryInstallProgress } from '../../../main/plugins/marketplace/registry-install.js';
import { RegistryClient } from '../../../main/plugins/marketplace/registry-client.js';
import { signPackage } from '../../../main/plugins/marketplace/signatures.js';
import { PluginStore } from '../../../main/plugins/store/plugin-store.js';
import { runCli } from '../../helpers/cli.js';
import { startTestRegistry, testPublisher, writeTestPlugin, type TestPluginSpec, type TestRegistry } from '../../helpers/registry.js';
import { tempDir } from '../../helpers/temp.js';

// The plugin CLI against a real Verdaccio on 127.0.0.1 (no uplinks), run as a person would: the
// built CLI in child processes, a plugins folder of its own per test.

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startTestRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

const publisher = testPublisher();

async function setup() {
  const root = await tempDir('clipshot-plugin-cli-');
  const pluginsDir = path.join(root, 'plugins');
  const keyFile = path.join(root, 'publisher.pem');
  await fs.writeFile(keyFile, publisher.privateKeyPem, { mode: 0o600 });
  const env = { CLIPSHOT_PLUGINS_DIR: pluginsDir, CLIPSHOT_REGISTRY_TOKEN: registry.token, CLIPSHOT_LIBRARY: path.join(root, 'library') };
  const cli = (...args: string[]) => runCli(['plugin', ...args], { env });
  const plugin = (spec: Partial<TestPluginSpec> & { packageName: string; version: string }) => writeTestPlugin(path.join(root, 'src'), { id: `test.${spec.packageName.replace(/[^a-z0-9]/g, '')}`, ...spec });
  /** Publishes with the CLI, signed by the trusted test publisher. */
  const publish = async (folder: string) => {
    const result = await cli('publish', folder, '--registry', registry.url, '--key', keyFile);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  };
  return { root, pluginsDir, cli, plugin, publish };
}

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const json = <T>(text: string) => JSON.parse(text) as T;

describe('clipshot plugin with a registry', () => {
  it('publishes, searches, shows permissions, installs, updates (asking again for an added permission), rolls back and removes', async () => {
    const { cli, plugin, publish, pluginsDir } = await setup();
    const name = 'clipshot-plugin-greeter';
    await publish(await plugin({ packageName: name, version: '1.0.0' }));
    await publish(await plugin({ packageName: name, version: '1.1.0' }));
    await publish(await plugin({ packageName: name, version: '1.2.0', permissions: ['clips:read', 'net:api.example.com'] }));

    const trusted = await cli('trust', 'add', publisher.publicKey, '--name', 'Test Publisher');
    expect(trusted.stdout).toBe(`trusting Test Publisher: ${publisher.fingerprint}\n`);
    await cli('registry', registry.url);

    const search = await cli('search', 'greeter', '--json');
    expect(search.code).toBe(0);
    expect(json<MarketplacePluginView[]>(search.stdout)).toEqual([{ packageName: name, id: null, version: '1.2.0', description: 'Test plugin test.clipshotplugingreeter', publisher: null }]);

    const details = await cli('info', name, '--json');
    expect(json(details.stdout)).toMatchObject({ packageName: name, id: 'test.clipshotplugingreeter', version: '1.2.0', versions: ['1.2.0', '1.1.0', '1.0.0'], permissions: ['clips:read', 'net:api.example.com'], signed: true, compatible: true });
    const text = await cli('info', `${name}@1.0.0`);
    expect(text.stdout).toContain(`signed:      yes, by Test Publisher (${publisher.fingerprint})`);
    expect(text.stdout).toMatch(/permissions:\n {2}clips:read\s+read your clips/);

    // Without a terminal and without --yes, nothing is installed.
    const unasked = await cli('install', `${name}@1.0.0`);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toBe('clipshot: test.clipshotplugingreeter@1.0.0 asks for these permissions: clips:read; nothing was changed: run again with --yes to allow it\n');
    expect(json<unknown[]>((await cli('list', '--json')).stdout)).toEqual([]);

    const installed = await cli('install', `${name}@1.0.0`, '--yes', '--json');
    expect(installed.code).toBe(0);
    expect(json(installed.stdout)).toMatchObject({ id: 'test.clipshotplugingreeter', version: '1.0.0', signature: { keyFingerprint: publisher.fingerprint }, newPermissions: ['clips:read'] });
    // Same permissions: no question.
    expect((await cli('install', `${name}@1.1.0`)).stdout).toMatch(/^installed test\.clipshotplugingreeter@1\.1\.0 \(was 1\.0\.0\), signed by SHA256:/);

    const refused = await cli('update', 'test.clipshotplugingreeter');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('clipshot: test.clipshotplugingreeter@1.2.0 (update from 1.1.0) asks for new permissions: net:api.example.com; nothing was changed: run again with --yes to allow it\n');
    const updated = await cli('update', 'test.clipshotplugingreeter', '--yes');
    expect(updated.stdout).toMatch(/^updated test\.clipshotplugingreeter@1\.2\.0 \(was 1\.1\.0\)/);
    expect(updated.stderr).toContain('net:api.example.com');
    expect((await cli('update')).stdout).toBe('test.clipshotplugingreeter is up to date (1.2.0)\n');

    const listed = json<InstalledPluginView[]>((await cli('list', '--json')).stdout);
    expect(listed).toMatchObject([{ id: 'test.clipshotplugingreeter', version: '1.2.0', versions: ['1.2.0', '1.1.0', '1.0.0'], source: 'registry', signature: { keyFingerprint: publisher.fingerprint }, permissions: ['clips:read', 'net:api.example.com'] }]);
    const entry = path.join(pluginsDir, 'test.clipshotplugingreeter', '1.2.0', 'index.js');
    expect(await fs.readFile(entry, 'utf8')).toContain('test.clipshotplugingreeter@1.2.0');

    expect((await cli('rollback', 'test.clipshotplugingreeter')).stdout).toBe('test.clipshotplugingreeter is back at 1.1.0 (was 1.2.0)\n');
    expect(json<InstalledPluginView[]>((await cli('list', '--json')).stdout)[0]!.version).toBe('1.1.0');

    expect((await cli('remove', name)).stdout).toBe('removed test.clipshotplugingreeter (1.2.0, 1.1.0, 1.0.0)\n');
    expect((await cli('list')).stdout).toBe(`no plugins installed (in ${pluginsDir})\n`);
  });

  it('refuses a tarball changed in the registry (integrity), installing nothing', async () => {
    const { cli, plugin, publish, pluginsDir } = await setup();
    const name = 'clipshot-plugin-tampered';
    await publish(await plugin({ packageName: name, version: '1.0.0' }));
    await cli('trust', 'add', publisher.publicKey, '--name', 'Test Publisher');
    const stored = path.join(registry.storage, name, `${name}-1.0.0.tgz`);
    const evil = await packPluginFolder(await plugin({ packageName: name, version: '1.0.0', marker: 'evil code' }));
    await fs.writeFile(stored, evil);

    const result = await cli('install', name, '--registry', registry.url, '--yes', '--allow-unsigned');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^clipshot: the tarball of clipshot-plugin-tampered@1\.0\.0 does not match the registry's integrity \(expected sha512-.*\): it was changed or damaged; refused\n$/);
    expect(await fs.readdir(pluginsDir)).not.toContain('test.clipshotplugintampered');
  });

  it('refuses unsigned, unknown-key and wrongly signed packages unless --allow-unsigned, which records them as unsigned', async () => {
    const { root, cli, plugin } = await setup();
    await cli('trust', 'add', publisher.publicKey, '--name', 'Test Publisher');
    const client = new RegistryClient({ url: registry.url, token: registry.token });
    const stranger = testPublisher();
    const cases: { name: string; sign: (tarball: Buffer, name: string) => ReturnType<typeof signPackage> | null; error: RegExp }[] = [
      { name: 'clipshot-plugin-unsigned', sign: () => null, error: /^clipshot: clipshot-plugin-unsigned@1\.0\.0 is not signed by its publisher\n$/ },
      { name: 'clipshot-plugin-stranger', sign: (tarball, pkg) => signPackage(stranger.privateKey, pkg, '1.0.0', integrityOf(tarball)), error: new RegExp(`is signed by the key ${stranger.fingerprint.replace(/[+/]/g, '\\$&')}, which you do not trust`) },
      // Signed by the trusted key, but over another version: the signature does not match this one.
      { name: 'clipshot-plugin-forged', sign: (tarball, pkg) => signPackage(publisher.privateKey, pkg, '9.9.9', integrityOf(tarball)), error: /^clipshot: clipshot-plugin-forged@1\.0\.0's signature does not match it: it was not signed by Test Publisher/ },
    ];
    for (const { name, sign, error } of cases) {
      const folder = await plugin({ packageName: name, version: '1.0.0' });
      const tarball = await packPluginFolder(folder);
      await publishTarball(client, JSON.parse(await fs.readFile(path.join(folder, 'package.json'), 'utf8')) as Record<string, unknown>, tarball, sign(tarball, name));

      const refused = await cli('install', name, '--registry', registry.url, '--yes');
      expect(refused.stderr).toMatch(error);
      expect(refused.code).toBe(1);
      const accepted = await cli('install', name, '--registry', registry.url, '--yes', '--allow-unsigned', '--json');
      expect(accepted.code).toBe(0);
      expect(json(accepted.stdout)).toMatchObject({ packageName: name, version: '1.0.0', signature: 'unsigned' });
    }
    const listed = json<InstalledPluginView[]>((await cli('list', '--json')).stdout);
    expect(listed.map((view) => [view.packageName, view.signature])).toEqual([
      ['clipshot-plugin-forged', 'unsigned'],
      ['clipshot-plugin-stranger', 'unsigned'],
      ['clipshot-plugin-unsigned', 'unsigned'],
    ]);
    // Local folders and tarballs carry no signature: they need --allow-unsigned too.
    const local = await plugin({ packageName: 'clipshot-plugin-local', version: '0.1.0' });
    const noFlag = await cli('install', local, '--yes');
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain('carries no publisher signature: run again with --allow-unsigned');
    const tgz = path.join(root, 'local.tgz');
    await fs.writeFile(tgz, await packPluginFolder(local));
    expect((await cli('install', tgz, '--yes', '--allow-unsigned')).stdout).toMatch(/^installed test\.clipshotpluginlocal@0\.1\.0, unsigned in /);
  });

  it('answers an unreachable registry and an unknown package in plain words', async () => {
    const { cli } = await setup();
    const missing = await cli('info', 'clipshot-plugin-nobody-published', '--registry', registry.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`clipshot: clipshot-plugin-nobody-published: not found in the registry ${registry.url}\n`);
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const down = await cli('search', 'x', '--registry', closed);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`clipshot: searching for "x": cannot reach the registry ${closed} (ECONNREFUSED)\n`);
  });
});

describe('Marketplace and PluginStore with a registry (the API the app uses)', () => {
  it('falls back to the newest version that works with this ClipShot and that installed plugins accept', async () => {
    const root = await tempDir('clipshot-plugin-api-');
    const store = new PluginStore({ dir: path.join(root, 'plugins'), appVersion: '0.1.0' });
    const trustedKeys = [{ fingerprint: publisher.fingerprint, publicKey: publisher.publicKey, name: 'Test Publisher', addedAt: 0 }];
    const marketplace = new Marketplace({ registry: registry.url, trustedKeys, appVersion: '0.1.0' });
    const name = 'clipshot-plugin-base';
    const base = (version: string, extra: Partial<TestPluginSpec> = {}) => writeTestPlugin(path.join(root, 'src'), { packageName: name, id: 'test.base', version, ...extra });
    const versions: [string, Partial<TestPluginSpec>][] = [
      ['1.0.0', {}],
      ['1.5.0', { permissions: ['clips:read', 'clipboard'] }],
      ['2.0.0', { engines: '>=0.5.0' }],
    ];
    for (const [version, extra] of versions) {
      await publishPlugin({ folder: await base(version, extra), registry: registry.url, token: registry.token, privateKey: publisher.privateKey });
    }

    const details = await marketplace.details(name);
    expect(details).toMatchObject({ id: 'test.base', version: '1.5.0', versions: ['2.0.0', '1.5.0', '1.0.0'], compatible: true, signed: true, signer: { name: 'Test Publisher' }, permissions: ['clips:read', 'clipboard'], newPermissions: [] });
    expect(await marketplace.details(name, { range: '2.0.0' })).toMatchObject({ version: '2.0.0', compatible: false });
    expect(await marketplace.details(name, { installed: { granted: ['clips:read'] } })).toMatchObject({ newPermissions: ['clipboard'] });

    expect(await installFromRegistry(store, marketplace, name, '~1.0.0', { acceptPermissions: ['clips:read'] })).toMatchObject({ version: '1.0.0', upToDate: false });
    // A plugin that needs base ~1.0.0 holds base's update back at 1.0.0.
    await store.installFolder(await writeTestPlugin(path.join(root, 'src'), { packageName: 'clipshot-plugin-user', id: 'test.user', version: '1.0.0', dependencies: { 'test.base': '~1.0.0' } }), { acceptPermissions: ['clips:read'] });
    expect(await installFromRegistry(store, marketplace, name, undefined)).toMatchObject({ version: '1.0.0', upToDate: true });
    await store.remove('test.user');
    // Then the newest that works with ClipShot 0.1.0, asking for the permission it adds.
    const asked: string[][] = [];
    const progress: RegistryInstallProgress[] = [];
    const updated = await installFromRegistry(store, marketplace, name, undefined, { confirm: (request) => (asked.push(request.newPermissions), true), onProgress: (event) => progress.push(event) });
    expect(updated).toMatchObject({ version: '1.5.0', previousVersion: '1.0.0', signature: { keyFingerprint: publisher.fingerprint } });
    expect(asked).toEqual([['clipboard']]);
    expect(progress.map((event) => event.stage).filter((stage, index, all) => stage !== all[index - 1])).toEqual(['resolving', 'downloading', 'verifying', 'extracting']);
    const size = (await fs.stat(path.join(registry.storage, name, `${name}-1.5.0.tgz`))).size;
    expect(progress.at(-1)).toEqual({ stage: 'extracting', receivedBytes: size, totalBytes: size });
    expect(progress.filter((event) => event.stage === 'downloading').at(-1)!.receivedBytes).toBe(size);
    const tooNew = await installFromRegistry(store, marketplace, name, '2.0.0').then(
      () => null,
      (error: unknown) => error,
    );
    expect((tooNew as Error).message).toBe('cannot install clipshot-plugin-base@2.0.0: you asked for test.base 2.0.0, but no such version of test.base works with ClipShot 0.1.0: 2.0.0 needs ClipShot >=0.5.0');
  });
});
