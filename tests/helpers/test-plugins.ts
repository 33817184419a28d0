// Plugins made for tests: each a real folder with a package.json (manifest in `clipshot`) and an
// ES module entry, run by the real plugin host in real processes.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PluginContributions, PluginManifest, PluginPermission } from '../../contract/plugins.js';
import { ForkPluginLauncher } from '../../main/plugins/host/fork-plugin-launcher.js';
import type { PluginDescriptor } from '../../main/plugins/host/plugin-host.js';
import { REPO_ROOT } from './cli.js';

/** The built runtime (`npx tsc -p tsconfig.json` first): a plugin process cannot run TypeScript. */
export const RUNTIME_ENTRY = path.join(REPO_ROOT, 'out', 'main', 'plugins', 'runtime', 'plugin-runtime.js');

export function testLauncher(): ForkPluginLauncher {
  return new ForkPluginLauncher(RUNTIME_ENTRY);
}

export interface TestPluginSpec {
  id: string;
  /** The entry module's source (ES module, `export default {...}`). */
  source: string;
  version?: string;
  permissions?: PluginPermission[];
  commands?: string[];
  activationEvents?: PluginManifest['activationEvents'];
  dependencies?: Record<string, string>;
  contributes?: Partial<PluginContributions>;
  /** Extra files beside the entry, relative path → content. */
  files?: Record<string, string>;
}

export function testManifest(spec: Omit<TestPluginSpec, 'source' | 'files'>): PluginManifest {
  return {
    id: spec.id,
    packageName: `clipshot-plugin-${spec.id.replaceAll('.', '-')}`,
    version: spec.version ?? '1.0.0',
    displayName: spec.id,
    description: `test plugin ${spec.id}`,
    engines: { clipshot: '>=0.1.0' },
    apiVersion: 1,
    main: 'index.js',
    permissions: spec.permissions ?? [],
    dependencies: spec.dependencies ?? {},
    activationEvents: spec.activationEvents ?? [],
    contributes: {
      commands: (spec.commands ?? []).map((id) => ({ id, title: id })),
      importers: [],
      exporters: [],
      analyzers: [],
      panels: [],
      themes: [],
      keybindings: [],
      ...spec.contributes,
    },
  };
}

/** Writes the plugin under `root/<id>/<version>/` (as installed) and returns what the host needs. */
export async function writeTestPlugin(root: string, spec: TestPluginSpec): Promise<PluginDescriptor> {
  const manifest = testManifest(spec);
  const dir = path.join(root, manifest.id, manifest.version);
  await fs.mkdir(dir, { recursive: true });
  await writePluginFolder(dir, manifest, spec.source, spec.files);
  return { manifest, dir, dataDir: path.join(root, manifest.id, '_data') };
}

/** The package.json layout the manifest parser reads: npm's fields, the rest under `clipshot`. */
export function packageJsonOf(manifest: PluginManifest): Record<string, unknown> {
  const { id, packageName, version, description, engines, displayName, apiVersion, main, permissions, dependencies, activationEvents, contributes } = manifest;
  return { name: packageName, version, description, type: 'module', engines, clipshot: { id, displayName, apiVersion, ...(main !== null && { main }), permissions, dependencies, activationEvents, contributes } };
}

export async function writePluginFolder(dir: string, manifest: PluginManifest, source: string, files: Record<string, string> = {}): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(packageJsonOf(manifest), null, 2)}\n`);
  await fs.writeFile(path.join(dir, 'index.js'), source);
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), content);
  }
}

/** As the store leaves an installed plugin: `<plugins dir>/<id>/<version>/` and `<id>/install.json` granting what it asks. */
export async function installTestPlugin(pluginsDir: string, spec: TestPluginSpec): Promise<PluginDescriptor> {
  const descriptor = await writeTestPlugin(pluginsDir, spec);
  const { manifest } = descriptor;
  const record = {
    schema: 1,
    id: manifest.id,
    packageName: manifest.packageName,
    active: manifest.version,
    previous: [],
    granted: manifest.permissions,
    versions: { [manifest.version]: { installedAt: Date.now(), source: 'folder', registry: null, integrity: null, signature: 'unsigned', permissions: manifest.permissions } },
  };
  await fs.writeFile(path.join(pluginsDir, manifest.id, 'install.json'), `${JSON.stringify(record, null, 2)}\n`);
  return descriptor;
}

/** A plugin that behaves: echoes, counts, and reads the library when allowed. */
export const WELL_BEHAVED_SOURCE = `
let calls = 0;
export default {
  commands: {
    'good.echo': (args) => ({ echo: args, calls: ++calls, pid: process.pid }),
    'good.count': async (_args, host) => (await host.clips.list({ limit: 200 })).clips.length,
  },
};
`;
