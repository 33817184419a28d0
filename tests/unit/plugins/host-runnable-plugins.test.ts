import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnablePlugins } from '../../../main/plugins/host/installed-plugins.js';
import { PluginStore, readPackageManifest } from '../../../main/plugins/store/plugin-store.js';
import { tempDir } from '../../helpers/temp.js';
import { installTestPlugin, packageJsonOf, testManifest, writePluginFolder } from '../../helpers/test-plugins.js';

describe('what the host runs of the installed plugins', () => {
  it('reads a folder\'s manifest with the registry\'s parser, listing every mistake', async () => {
    const dir = path.join(await tempDir(), 'p');
    const manifest = testManifest({ id: 'acme.notes', permissions: ['clips:read', 'net:api.example.com'], commands: ['acme.notes.run'], activationEvents: ['onStartup'] });
    await writePluginFolder(dir, manifest, 'export default {};');
    expect(await readPackageManifest(dir)).toEqual(manifest);
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...packageJsonOf(manifest), engines: {}, clipshot: { ...(packageJsonOf(manifest).clipshot as object), permissions: ['everything'] } }));
    const error = (await readPackageManifest(dir).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/2 mistakes/);
    expect(error.message).toMatch(/engines\.clipshot/);
    expect(error.message).toMatch(/clipshot\.permissions\[0\]/);
    await fs.rm(path.join(dir, 'package.json'));
    await expect(readPackageManifest(dir)).rejects.toThrow(/no package\.json/);
  });

  it('lists the active versions with the granted permissions, dependencies first, and names the ones that cannot run', async () => {
    const pluginsDir = await tempDir();
    await installTestPlugin(pluginsDir, { id: 'acme.app', source: '', dependencies: { 'acme.base': '^1.0.0' }, permissions: ['clips:read', 'clips:write'] });
    await installTestPlugin(pluginsDir, { id: 'acme.base', source: '', version: '1.2.0' });
    await installTestPlugin(pluginsDir, { id: 'acme.broken', source: '' });
    await installTestPlugin(pluginsDir, { id: 'acme.needy', source: '', dependencies: { 'acme.base': '^2.0.0' } });
    await fs.rm(path.join(pluginsDir, 'acme.broken', '1.0.0', 'package.json'));
    // The person granted only part of what acme.app asks for.
    const record = JSON.parse(await fs.readFile(path.join(pluginsDir, 'acme.app', 'install.json'), 'utf8')) as { granted: string[] };
    await fs.writeFile(path.join(pluginsDir, 'acme.app', 'install.json'), JSON.stringify({ ...record, granted: ['clips:read'] }));
    await fs.mkdir(path.join(pluginsDir, '_staging'));
    const { plugins, blocked } = await runnablePlugins(new PluginStore({ dir: pluginsDir }));
    expect(plugins.map((plugin) => `${plugin.manifest.id}@${plugin.manifest.version}`)).toEqual(['acme.base@1.2.0', 'acme.app@1.0.0']);
    expect(plugins[1]).toMatchObject({ dir: path.join(pluginsDir, 'acme.app', '1.0.0'), dataDir: path.join(pluginsDir, 'acme.app', '_data'), permissions: ['clips:read'] });
    expect(blocked).toEqual([
      { id: 'acme.broken', problem: expect.stringMatching(/no package\.json/) },
      { id: 'acme.needy', problem: 'acme.needy@1.0.0 needs acme.base ^2.0.0, but acme.base@1.2.0 is installed' },
    ]);
    expect(await runnablePlugins(new PluginStore({ dir: path.join(pluginsDir, 'nothing-here') }))).toEqual({ plugins: [], blocked: [] });
  });
});
