// The example plugins of plugins/ as the tests read them: the manifest parsed from package.json by
// the real manifest parser, and (for checks of pure logic) a module of the example imported into
// the test process. Running an example is the real host's job: tests/helpers/example-plugin-host.ts.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginManifest, PluginModule } from '../../contract/plugins.js';
import { parsePluginManifest } from '../../main/plugins/manifest/parse-manifest.js';

export const PLUGINS_DIR = path.resolve(import.meta.dirname, '../../plugins');

/** Every example plugin's folder name (the SDK is not a plugin). */
export function exampleNames(): string[] {
  return fs
    .readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'sdk')
    .map((entry) => entry.name)
    .sort();
}

export function examplePackageJson(name: string): Record<string, unknown> & { clipshot: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(path.join(PLUGINS_DIR, name, 'package.json'), 'utf8')) as Record<string, unknown> & { clipshot: Record<string, unknown> };
}

/** The example's manifest as the store and the host read it (main/plugins/manifest's parser); throws PluginManifestError. */
export function exampleManifest(name: string): PluginManifest {
  return parsePluginManifest(examplePackageJson(name));
}

/** A module of the example by its path inside the plugin's folder. */
export async function importExampleFile<T>(name: string, file: string): Promise<T> {
  return (await import(pathToFileURL(path.join(PLUGINS_DIR, name, file)).href)) as T;
}

/** The example's manifest and its entry module's default export (what definePlugin returned). */
export async function loadExample(name: string): Promise<{ manifest: PluginManifest; module: PluginModule }> {
  const manifest = exampleManifest(name);
  if (manifest.main === null) throw new Error(`${name} has no entry module`);
  const entry = await importExampleFile<{ default: PluginModule }>(name, manifest.main);
  return { manifest, module: entry.default };
}
