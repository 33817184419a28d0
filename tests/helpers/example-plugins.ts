// The example plugins of plugins/ as the tests load them: the manifest read from package.json
// (name, version, description, engines and the `clipshot` field, empty contribution lists filled
// in as the manifest parser does), and the entry module imported from its file like the plugin
// runtime imports it.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginContributions, PluginManifest, PluginModule } from '../../contract/plugins.js';

export const PLUGINS_DIR = path.resolve(import.meta.dirname, '../../plugins');
const CONTRIBUTION_KINDS: (keyof PluginContributions)[] = ['commands', 'importers', 'exporters', 'analyzers', 'panels', 'themes', 'keybindings'];

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

export function exampleManifest(name: string): PluginManifest {
  const json = examplePackageJson(name);
  const { clipshot } = json;
  const contributes = (clipshot.contributes ?? {}) as Partial<PluginContributions>;
  return {
    id: clipshot.id as string,
    packageName: json.name as string,
    version: json.version as string,
    displayName: (clipshot.displayName as string | undefined) ?? (json.name as string),
    description: (json.description as string | undefined) ?? '',
    engines: json.engines as { clipshot: string },
    apiVersion: clipshot.apiVersion as number,
    main: (clipshot.main as string | undefined) ?? null,
    permissions: (clipshot.permissions ?? []) as PluginManifest['permissions'],
    dependencies: (clipshot.dependencies ?? {}) as Record<string, string>,
    activationEvents: (clipshot.activationEvents ?? []) as PluginManifest['activationEvents'],
    contributes: Object.fromEntries(CONTRIBUTION_KINDS.map((kind) => [kind, contributes[kind] ?? []])) as unknown as PluginContributions,
  };
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
