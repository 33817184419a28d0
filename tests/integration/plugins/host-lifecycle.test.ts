// The plugin host with real plugin processes: lazy start, dependency order, invocations, library
// access through the permission-checked API, storage, logs and restarts.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PluginLogEntry } from '../../../contract/plugins.js';
import { libraryAccessOver } from '../../../main/plugins/host/library-access-over-library.js';
import { PluginHost, type PluginDescriptor, type PluginRuntimeView } from '../../../main/plugins/host/plugin-host.js';
import type { PluginHostLimits } from '../../../main/plugins/host/plugin-host-limits.js';
import { importText } from '../../../main/library/importer.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';
import { testLauncher, WELL_BEHAVED_SOURCE, writeTestPlugin } from '../../helpers/test-plugins.js';

const hosts: PluginHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

function startHost(plugins: PluginDescriptor[], services: ConstructorParameters<typeof PluginHost>[0]['services'] = { library: null }, limits: Partial<PluginHostLimits> = {}): PluginHost {
  const host = new PluginHost({ launcher: testLauncher(), services, plugins, limits });
  hosts.push(host);
  return host;
}

describe('the plugin host', () => {
  it('starts a plugin on first use, in its own process, and routes commands to it', async () => {
    const root = await tempDir();
    const good = await writeTestPlugin(root, { id: 'good', source: WELL_BEHAVED_SOURCE, commands: ['good.echo', 'good.count'] });
    const host = startHost([good]);
    expect(host.view('good')).toEqual({ id: 'good', status: 'inactive', problem: null, restarts: 0 });
    const first = (await host.invoke('commands', 'good.echo', { hello: [1, 2] })) as { echo: unknown; calls: number; pid: number };
    expect(first).toMatchObject({ echo: { hello: [1, 2] }, calls: 1 });
    expect(first.pid).not.toBe(process.pid);
    expect(first.pid).toBe(host.pid('good'));
    expect(host.view('good').status).toBe('active');
    // The same process answers the next call (its state lives on).
    expect(await host.invoke('commands', 'good.echo', null)).toMatchObject({ calls: 2, pid: first.pid });
    await expect(host.invoke('commands', 'nobody.here', null)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('starts onStartup plugins in dependency order, dependencies first, and reports status changes', async () => {
    const root = await tempDir();
    const base = await writeTestPlugin(root, { id: 'base', source: 'export default { activate(host) { host.log("info", "base up"); } };' });
    const app = await writeTestPlugin(root, { id: 'app', source: 'export default { activate(host) { host.log("info", "app up"); } };', dependencies: { base: '^1.0.0' }, activationEvents: ['onStartup'] });
    const idle = await writeTestPlugin(root, { id: 'idle', source: 'export default {};', activationEvents: ['onCommand:idle.x'] });
    const host = startHost([base, app, idle]);
    const statuses: PluginRuntimeView[] = [];
    const logs: PluginLogEntry[] = [];
    host.onStatus((view) => statuses.push(view));
    host.onLog((entry) => logs.push(entry));
    await host.start();
    expect(statuses.map((view) => `${view.id}:${view.status}`)).toEqual(['base:starting', 'base:active', 'app:starting', 'app:active']);
    expect(logs.map((entry) => `${entry.pluginId}:${entry.message}`)).toEqual(['base:base up', 'app:app up']);
    expect(host.view('idle').status).toBe('inactive');
  });

  it("serves library calls through the permission check, and keeps each plugin's storage in its data folder", async () => {
    const root = await tempDir();
    const { library } = await createTestLibrary();
    try {
      await importText(library, 'first note', { title: 'one' });
      const reader = await writeTestPlugin(root, {
        id: 'reader',
        permissions: ['clips:read', 'clips:write'],
        commands: ['reader.run'],
        source: `export default { commands: { 'reader.run': async (_args, host) => {
          const { clips } = await host.clips.list();
          const made = await host.clips.createText({ text: 'from a plugin', tags: ['plugin-made'] });
          const tagged = await host.clips.addTags(clips[0].id, ['seen']);
          const found = await host.clips.search('plugin');
          await host.storage.set('runs', ((await host.storage.get('runs')) ?? 0) + 1);
          return { titles: clips.map((clip) => clip.title), made, tagged: tagged.tags, found: found.map((clip) => clip.id), runs: await host.storage.get('runs') };
        } } };`,
      });
      const host = startHost([reader], { library: libraryAccessOver(library) });
      const result = (await host.invoke('commands', 'reader.run', null)) as { titles: string[]; made: { id: string; tags: string[]; text: string }; tagged: string[]; found: string[]; runs: number };
      expect(result.titles).toEqual(['one']);
      expect(result.made).toMatchObject({ kind: 'text', text: 'from a plugin', tags: ['plugin-made'] });
      expect(result.tagged).toContain('seen');
      expect(result.found).toEqual([result.made.id]);
      expect(result.runs).toBe(1);
      expect(library.get(result.made.id).sourceName).toBe('plugin:reader');
      expect(JSON.parse(await fs.readFile(path.join(reader.dataDir, 'storage.json'), 'utf8'))).toEqual({ runs: 1 });
    } finally {
      await library.close();
    }
  });

  it('refuses to start a plugin whose dependency is missing or broken, naming it', async () => {
    const root = await tempDir();
    const orphan = await writeTestPlugin(root, { id: 'orphan', source: 'export default {};', commands: ['orphan.run'], dependencies: { ghost: '^1.0.0' } });
    const broken = await writeTestPlugin(root, { id: 'shaky', source: 'throw new Error("shaky base");' });
    const child = await writeTestPlugin(root, { id: 'child', source: 'export default { commands: { "child.run": () => 1 } };', commands: ['child.run'], dependencies: { shaky: '^1.0.0' } });
    const host = startHost([orphan, broken, child], { library: null }, { backoffMs: 60_000 });
    await expect(host.invoke('commands', 'orphan.run', null)).rejects.toMatchObject({ code: 'plugin-failed', message: 'orphan cannot start: it needs the plugin ghost, which is not installed' });
    expect(host.view('orphan')).toMatchObject({ status: 'crashed', problem: 'cannot start: it needs the plugin ghost, which is not installed' });
    await expect(host.invoke('commands', 'child.run', null)).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringContaining('its dependency shaky did not start') });
    expect(host.view('shaky')).toMatchObject({ status: 'crashed', problem: expect.stringContaining('shaky base') });
  });

  it('stops, restarts and replaces plugins on request', async () => {
    const root = await tempDir();
    const good = await writeTestPlugin(root, { id: 'good', source: WELL_BEHAVED_SOURCE, commands: ['good.echo', 'good.count'] });
    const other = await writeTestPlugin(root, { id: 'other', source: 'export default { commands: { "other.v": () => 1 } };', commands: ['other.v'] });
    const host = startHost([good, other]);
    const first = (await host.invoke('commands', 'good.echo', null)) as { pid: number };
    await host.stop('good');
    expect(host.view('good')).toMatchObject({ status: 'stopped', problem: null });
    expect(host.pid('good')).toBeNull();
    // Used again, it starts again (a new process, its count from zero).
    expect(await host.invoke('commands', 'good.echo', null)).toMatchObject({ calls: 1 });
    await host.restart('good');
    expect(host.pid('good')).not.toBe(first.pid);
    expect(await host.invoke('commands', 'other.v', null)).toBe(1);

    const otherV2 = await writeTestPlugin(root, { id: 'other', version: '2.0.0', source: 'export default { commands: { "other.v": () => 2 } };', commands: ['other.v'] });
    await host.setPlugins([otherV2]);
    expect(host.views().map((view) => `${view.id}:${view.status}`)).toEqual(['other:inactive']);
    expect(await host.invoke('commands', 'other.v', null)).toBe(2);
    await expect(host.invoke('commands', 'good.echo', null)).rejects.toMatchObject({ code: 'not-found' });
  });
});
