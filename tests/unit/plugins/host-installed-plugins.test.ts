import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFolderManifest } from '../../../main/plugins/host/folder-manifest.js';
import { readInstalledPlugins } from '../../../main/plugins/host/installed-plugins.js';
import { tempDir } from '../../helpers/temp.js';
import { installTestPlugin, packageJsonOf, testManifest, writePluginFolder } from '../../helpers/test-plugins.js';

describe('plugin folders and installed plugins', () => {
  it('reads a folder\'s manifest in the package.json layout, and says what is wrong with a bad one', async () => {
    const dir = path.join(await tempDir(), 'p');
    const manifest = testManifest({ id: 'acme.notes', permissions: ['clips:read', 'net:api.example.com'], commands: ['acme.notes.run'], activationEvents: ['onStartup'] });
    await writePluginFolder(dir, manifest, 'export default {};');
    expect(await readFolderManifest(dir)).toEqual(manifest);
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...packageJsonOf(manifest), engines: {} }));
    await expect(readFolderManifest(dir)).rejects.toThrow(/package\.json: engines\.clipshot/);
    await fs.rm(path.join(dir, 'package.json'));
    await expect(readFolderManifest(dir)).rejects.toThrow(/package\.json: no such file/);
  });

  it('lists the active versions with the granted permissions, dependencies first, leaving out and naming broken ones', async () => {
    const pluginsDir = await tempDir();
    await installTestPlugin(pluginsDir, { id: 'acme.app', source: '', dependencies: { 'acme.base': '^1.0.0' }, permissions: ['clips:read', 'clips:write'] });
    await installTestPlugin(pluginsDir, { id: 'acme.base', source: '', version: '1.2.0' });
    await installTestPlugin(pluginsDir, { id: 'acme.broken', source: '' });
    await fs.rm(path.join(pluginsDir, 'acme.broken', '1.0.0', 'package.json'));
    // The person granted only part of what acme.app asks for.
    const record = JSON.parse(await fs.readFile(path.join(pluginsDir, 'acme.app', 'install.json'), 'utf8')) as { granted: string[] };
    await fs.writeFile(path.join(pluginsDir, 'acme.app', 'install.json'), JSON.stringify({ ...record, granted: ['clips:read'] }));
    await fs.mkdir(path.join(pluginsDir, '_staging'));
    const problems: string[] = [];
    const plugins = await readInstalledPlugins(pluginsDir, { onProblem: (id, problem) => problems.push(`${id}: ${problem}`) });
    expect(plugins.map((plugin) => `${plugin.manifest.id}@${plugin.manifest.version}`)).toEqual(['acme.base@1.2.0', 'acme.app@1.0.0']);
    expect(plugins[1]).toMatchObject({ dir: path.join(pluginsDir, 'acme.app', '1.0.0'), dataDir: path.join(pluginsDir, 'acme.app', '_data'), permissions: ['clips:read'] });
    expect(problems).toEqual([expect.stringMatching(/^acme\.broken: .*package\.json: no such file/)]);
    expect(await readInstalledPlugins(path.join(pluginsDir, 'nothing-here'))).toEqual([]);
  });
});
