// What every example plugin must be to install and run: an npm package with the `clipshot-plugin`
// keyword and a manifest whose contributions the entry module handles, self-contained (the
// plugin process can read only its own folder and nothing is installed with it: every import is
// a file of the package, and every file the manifest or an import names is in `files`), with
// definePlugin as the SDK's own copy.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { PLUGIN_API_VERSION } from '../../../contract/plugins.js';
import { PluginManifestError } from '../../../main/plugins/manifest/manifest-error.js';
import { parsePluginManifest } from '../../../main/plugins/manifest/parse-manifest.js';
import { PLUGINS_DIR, exampleManifest, examplePackageJson, exampleNames, loadExample } from '../../helpers/example-plugins.js';

const HANDLED = { commands: 'commands', exporters: 'exporters', importers: 'importers', analyzers: 'analyzers' } as const;

/** Every module reachable from `file` by static or dynamic imports, relative to the plugin's folder; throws on a bare import. */
function importGraph(folder: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  // Comments (JSDoc's import() types among them) are not imports.
  const source = fs.readFileSync(path.join(folder, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const specifier = match[1] ?? match[2]!;
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) throw new Error(`${file} imports ${specifier}, which the plugin's folder does not hold`);
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    if (target.startsWith('../')) throw new Error(`${file} imports ${specifier}, outside the plugin's folder`);
    importGraph(folder, target, seen);
  }
  return seen;
}

/** Whether npm's `files` list puts `file` in the package. */
function packed(files: string[], file: string): boolean {
  return files.some((entry) => entry === file || (entry.endsWith('/') && file.startsWith(entry)));
}

test('there are the four examples: an exporter, an analyzer, a theme and a command with a panel', () => {
  expect(exampleNames()).toEqual(['colour-palette', 'gallery-exporter', 'theme-solarized', 'word-count']);
  const manifests = exampleNames().map(exampleManifest);
  expect(manifests.filter((manifest) => manifest.contributes.exporters.length > 0).map((manifest) => manifest.id)).toEqual(['clipshot.gallery-exporter']);
  expect(manifests.filter((manifest) => manifest.contributes.analyzers.length > 0).map((manifest) => manifest.id)).toEqual(['clipshot.colour-palette']);
  expect(manifests.filter((manifest) => manifest.contributes.themes.length > 0).map((manifest) => manifest.id)).toEqual(['clipshot.theme-solarized']);
  expect(manifests.filter((manifest) => manifest.contributes.panels.length > 0 && manifest.contributes.commands.length > 0).map((manifest) => manifest.id)).toEqual(['clipshot.word-count']);
});

test('their code type-checks against the SDK’s types (plugins/tsconfig.json)', () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(PLUGINS_DIR, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(String(diagnostic.messageText)); } })!;
  expect(config.fileNames.map((file) => path.relative(PLUGINS_DIR, file)).sort()).toEqual(['colour-palette/index.js', 'gallery-exporter/index.js', 'sdk/index.js', 'word-count/index.js', 'word-count/panel/panel.js']);
  const program = ts.createProgram(config.fileNames, config.options);
  expect(ts.getPreEmitDiagnostics(program).map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`)).toEqual([]);
  // What it checked includes the handlers' modules, not only the entries.
  expect(program.getSourceFiles().map((file) => path.relative(PLUGINS_DIR, file.fileName))).toEqual(expect.arrayContaining(['colour-palette/palette.js', 'gallery-exporter/gallery.js', 'word-count/statistics.js', 'sdk/index.d.ts']));
});

describe.each(exampleNames())('%s', (name) => {
  const folder = path.join(PLUGINS_DIR, name);
  const json = examplePackageJson(name);
  const manifest = exampleManifest(name);
  const files = json.files as string[];

  test('is a manifest main/plugins/manifest’s parser accepts, as the store and the host read it', () => {
    const parsed = parsePluginManifest(json);
    expect(parsed).toEqual(manifest);
    expect(parsed).toMatchObject({ packageName: json.name, version: json.version, id: json.clipshot.id });
    // The parser is strict: the same package with a field it does not know is refused, naming it.
    expect(() => parsePluginManifest({ ...json, clipshot: { ...json.clipshot, permission: [] } })).toThrow(PluginManifestError);
    expect(() => parsePluginManifest({ ...json, clipshot: { ...json.clipshot, permission: [] } })).toThrow(/unknown field "permission"/);
  });

  test('is an npm package marked as a ClipShot plugin for this API and app version', () => {
    expect(json.keywords).toContain('clipshot-plugin');
    expect(json.name).toMatch(/^clipshot-plugin-[a-z-]+$/);
    expect(manifest.apiVersion).toBe(PLUGIN_API_VERSION);
    expect(manifest.engines.clipshot).toBe('^0.1.0');
    expect(manifest.id).toBe(`clipshot.${name}`);
    expect(json.scripts).toBeUndefined();
    expect(json.dependencies).toBeUndefined();
    for (const kind of Object.keys(manifest.contributes) as (keyof typeof manifest.contributes)[]) {
      for (const item of manifest.contributes[kind]) if ('id' in item) expect(item.id.startsWith(`${manifest.id}.`)).toBe(true);
    }
  });

  test('packs every file its manifest names', () => {
    const named = [...manifest.contributes.panels.map((panel) => panel.entry), ...manifest.contributes.themes.map((theme) => theme.path), ...(manifest.main ? [manifest.main] : [])];
    for (const file of named) {
      expect(fs.existsSync(path.join(folder, file)), file).toBe(true);
      expect(packed(files, file), file).toBe(true);
    }
  });

  if (manifest.main === null) {
    test('runs no code: no entry module, no permissions, no activation', () => {
      expect(manifest.permissions).toEqual([]);
      expect(manifest.activationEvents).toEqual([]);
      expect(json.type).toBeUndefined();
    });
    return;
  }

  test('imports nothing from outside its folder, packs all it imports, and carries the SDK’s definePlugin unchanged', async () => {
    for (const file of importGraph(folder, manifest.main!)) expect(packed(files, file), file).toBe(true);
    expect(fs.readFileSync(path.join(folder, 'lib/define-plugin.js'), 'utf8')).toBe(fs.readFileSync(path.join(PLUGINS_DIR, 'sdk/define-plugin.js'), 'utf8'));
  });

  test('handles exactly the contributions its manifest declares, and activates on them', async () => {
    const { module } = await loadExample(name);
    for (const [kind, group] of Object.entries(HANDLED)) {
      const declared = manifest.contributes[kind as keyof typeof HANDLED].map((item) => item.id).sort();
      expect(Object.keys(module[group] ?? {}).sort(), kind).toEqual(declared);
    }
    const events = [
      ...manifest.contributes.commands.map((item) => `onCommand:${item.id}`),
      ...manifest.contributes.exporters.map((item) => `onExport:${item.id}`),
      ...manifest.contributes.importers.map((item) => `onImport:${item.id}`),
      ...manifest.contributes.analyzers.map((item) => `onAnalyze:${item.id}`),
    ];
    for (const event of events) expect(manifest.activationEvents).toContain(event);
  });
});
