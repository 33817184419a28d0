// The example plugins of plugins/ as a person gets them: installed from their folder by the real
// store, read back as the host reads installed plugins, and run by the real PluginHost in real
// plugin processes (Node's permission model) against a real Library. What reaches the library and
// the window is recorded, so that a test sees which calls the host let through.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PluginApiMethod, PluginLogEntry, PluginManifest, PluginPermission } from '../../contract/plugins.js';
import type { Library } from '../../main/library/library.js';
import { runnablePlugins } from '../../main/plugins/host/installed-plugins.js';
import type { PluginLibraryAccess } from '../../main/plugins/host/library-access.js';
import { libraryAccessOver } from '../../main/plugins/host/library-access-over-library.js';
import type { PluginLauncher } from '../../main/plugins/host/plugin-launcher.js';
import { PluginHost, type PluginDescriptor } from '../../main/plugins/host/plugin-host.js';
import { parsePluginManifest } from '../../main/plugins/manifest/parse-manifest.js';
import { PluginStore } from '../../main/plugins/store/plugin-store.js';
import { PLUGINS_DIR } from './example-plugins.js';
import { tempDir } from './temp.js';
import { testLauncher } from './test-plugins.js';

/** Which host method each PluginLibraryAccess method serves. */
const LIBRARY_METHODS: Record<keyof PluginLibraryAccess, PluginApiMethod> = {
  list: 'clips.list',
  get: 'clips.get',
  search: 'clips.search',
  createText: 'clips.createText',
  update: 'clips.update',
  addTags: 'clips.addTags',
  readBlob: 'blobs.read',
  readPixels: 'blobs.readPixels',
};

export interface ExampleRun {
  host: PluginHost;
  descriptor: PluginDescriptor;
  /** The library and window calls the host let through (after its permission check), in order. */
  served: PluginApiMethod[];
  /** Panels the plugin asked the window to show. */
  panels: { pluginId: string; panelId: string; data: unknown }[];
  /** How many plugin processes the launcher started. */
  launches: () => number;
  /** The plugin's log as the host keeps it. */
  logs: () => PluginLogEntry[];
}

/** Installs plugins/<name> (or a folder made from it) with the store, granting what it asks; returns the host's descriptor of it. */
export async function installExample(folder: string, pluginsDir?: string): Promise<PluginDescriptor> {
  const dir = pluginsDir ?? path.join(await tempDir(), 'plugins');
  const store = new PluginStore({ dir, appVersion: '0.1.0' });
  const manifest = parsePluginManifest(JSON.parse(await fs.readFile(path.join(folder, 'package.json'), 'utf8')));
  const installed = await store.installFolder(folder, { acceptPermissions: manifest.permissions });
  // What the host runs of the store's installed plugins, as an instance reads them.
  const { plugins: descriptors, blocked } = await runnablePlugins(store, store.appVersion);
  if (blocked.length > 0) throw new Error(`could not be read back: ${blocked.map(({ id, problem }) => `${id}: ${problem}`).join('; ')}`);
  const descriptor = descriptors.find((candidate) => candidate.manifest.id === installed.id);
  if (!descriptor) throw new Error(`${installed.id} was installed but the host does not see it`);
  return descriptor;
}

/**
 * A host running one installed example against `library`. `granted` replaces what the person
 * granted (install.json's `granted`, as the host reads it), to see the plugin with less;
 * `window: false` is the host as `clipshot plugin run` has it, with no window to show a panel in.
 */
export function runExample(descriptor: PluginDescriptor, library: Library, options: { granted?: PluginPermission[]; window?: boolean } = {}): ExampleRun {
  const served: PluginApiMethod[] = [];
  const panels: ExampleRun['panels'] = [];
  const access = libraryAccessOver(library);
  const recorded = Object.fromEntries(
    (Object.keys(LIBRARY_METHODS) as (keyof PluginLibraryAccess)[]).map((name) => [
      name,
      (...args: unknown[]) => {
        served.push(LIBRARY_METHODS[name]);
        return (access[name] as (...params: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as PluginLibraryAccess;
  const launcher = new CountingLauncher(testLauncher());
  const running = { ...descriptor, ...(options.granted && { permissions: options.granted }) };
  const host = new PluginHost({
    launcher,
    services: {
      library: recorded,
      ...(options.window !== false && {
        ui: {
          showPanel: async (pluginId: string, panelId: string, data: unknown) => {
            served.push('ui.showPanel');
            panels.push({ pluginId, panelId, data });
          },
        },
      }),
    },
    plugins: [running],
  });
  return { host, descriptor: running, served, panels, launches: () => launcher.count, logs: () => host.logs(descriptor.manifest.id) };
}

/** The plugin's own log lines (host.log), without the host's lines about it. */
export function pluginMessages(run: ExampleRun, level?: PluginLogEntry['level']): string[] {
  return run
    .logs()
    .filter((entry) => (level === undefined || entry.level === level) && !entry.message.startsWith('refused '))
    .map((entry) => entry.message);
}

/** The host's own record of the calls it refused the plugin: "method: why". */
export function refusals(run: ExampleRun): string[] {
  return run
    .logs()
    .filter((entry) => entry.level === 'warn' && entry.message.startsWith('refused '))
    .map((entry) => entry.message.slice('refused '.length));
}

class CountingLauncher implements PluginLauncher {
  count = 0;
  constructor(private readonly inner: PluginLauncher) {}
  launch(spec: Parameters<PluginLauncher['launch']>[0]): ReturnType<PluginLauncher['launch']> {
    this.count++;
    return this.inner.launch(spec);
  }
}

export const PROBE_COMMAND = (manifest: PluginManifest) => `${manifest.id}.probe`;

/**
 * A copy of the example with one more command, `<id>.probe`, which calls every method of the
 * host API and answers, for each, 'ok' or the code it was refused with. The permissions are the
 * example's own, unchanged: the probe shows what the host lets a plugin holding exactly them do.
 */
export async function probeCopyOf(name: string): Promise<string> {
  const folder = path.join(await tempDir(), name);
  await fs.cp(path.join(PLUGINS_DIR, name), folder, { recursive: true });
  const json = JSON.parse(await fs.readFile(path.join(folder, 'package.json'), 'utf8')) as { clipshot: Record<string, unknown> & { main: string; contributes: Record<string, unknown[]>; activationEvents: string[] } };
  const { clipshot } = json;
  const command = `${clipshot.id as string}.probe`;
  const entry = clipshot.main;
  clipshot.main = 'probe.js';
  clipshot.contributes.commands = [...(clipshot.contributes.commands ?? []), { id: command, title: 'Probe the host API' }];
  clipshot.activationEvents = [...clipshot.activationEvents, `onCommand:${command}`];
  await fs.writeFile(path.join(folder, 'package.json'), `${JSON.stringify(json, null, 2)}\n`);
  await fs.writeFile(path.join(folder, 'probe.js'), probeSource(entry, command));
  return folder;
}

function probeSource(entry: string, command: string): string {
  return `import example from './${entry}';
const attempt = async (work) => { try { await work(); return 'ok'; } catch (error) { return error.code ?? String(error); } };
export default {
  ...example,
  commands: {
    ...example.commands,
    ${JSON.stringify(command)}: async ({ clipId, thumb, panelId }, host) => ({
      'clips.list': await attempt(() => host.clips.list({ limit: 1 })),
      'clips.get': await attempt(() => host.clips.get(clipId)),
      'clips.search': await attempt(() => host.clips.search('probe')),
      'clips.createText': await attempt(() => host.clips.createText({ text: 'written by a probe' })),
      'clips.update': await attempt(() => host.clips.update(clipId, { notes: 'probed' })),
      'clips.addTags': await attempt(() => host.clips.addTags(clipId, ['probed'])),
      'blobs.read': await attempt(() => host.blobs.read(thumb)),
      'blobs.readPixels': await attempt(() => host.blobs.readPixels(thumb, { maxSide: 8 })),
      'net.fetch': await attempt(() => host.net.fetch('http://127.0.0.1:9/')),
      'clipboard.writeText': await attempt(() => host.clipboard.writeText('probed')),
      'ui.showPanel': await attempt(() => host.ui.showPanel(panelId, { probed: true })),
      'storage.get': await attempt(() => host.storage.get('probe')),
      'storage.set': await attempt(() => host.storage.set('probe', 1)),
    }),
  },
};
`;
}
