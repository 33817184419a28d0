import { describe, expect, it } from 'vitest';
import { PluginManifestError } from '../../../main/plugins/manifest/manifest-error.js';
import { parsePluginManifest } from '../../../main/plugins/manifest/parse-manifest.js';
import { addedPermissions, isValidNetHost } from '../../../main/plugins/manifest/permissions.js';

function validPackage(): Record<string, unknown> & { clipshot: Record<string, unknown> } {
  return {
    name: 'clipshot-plugin-gallery',
    version: '1.2.0',
    description: 'Exports clips as a gallery',
    engines: { clipshot: '^0.1.0' },
    clipshot: {
      id: 'acme.gallery',
      displayName: 'Gallery',
      apiVersion: 1,
      main: 'dist/index.js',
      permissions: ['clips:read', 'net:api.example.com'],
      dependencies: { 'acme.base': '^1.0.0' },
      activationEvents: ['onCommand:acme.gallery.open', 'onExport:acme.gallery.html'],
      contributes: {
        commands: [{ id: 'acme.gallery.open', title: 'Open gallery' }],
        exporters: [{ id: 'acme.gallery.html', title: 'HTML gallery', extension: 'html' }],
        panels: [{ id: 'acme.gallery.panel', title: 'Gallery', entry: 'panel/index.html' }],
        themes: [{ id: 'acme.gallery.dark', title: 'Dark', path: 'themes/dark.json' }],
        keybindings: [{ command: 'acme.gallery.open', key: 'Mod+Shift+G' }],
      },
    },
  };
}

/** The problems' "path: message" lines, as the error lists them. */
function problemsOf(packageJson: unknown): string[] {
  try {
    parsePluginManifest(packageJson);
  } catch (error) {
    expect(error).toBeInstanceOf(PluginManifestError);
    const manifestError = error as PluginManifestError;
    const lines = manifestError.problems.map((problem) => `${problem.path}: ${problem.message}`);
    // The message lists every problem too, one per line.
    for (const problem of manifestError.problems) expect(manifestError.message).toContain(problem.message);
    return lines;
  }
  throw new Error('expected the manifest to be refused');
}

describe('parsePluginManifest', () => {
  it('reads a valid package.json into the manifest, filling the defaults', () => {
    const manifest = parsePluginManifest(validPackage());
    expect(manifest).toMatchObject({
      id: 'acme.gallery',
      packageName: 'clipshot-plugin-gallery',
      version: '1.2.0',
      displayName: 'Gallery',
      engines: { clipshot: '^0.1.0' },
      main: 'dist/index.js',
      permissions: ['clips:read', 'net:api.example.com'],
      dependencies: { 'acme.base': '^1.0.0' },
    });
    expect(manifest.contributes.importers).toEqual([]);
    expect(manifest.contributes.analyzers).toEqual([]);

    const themeOnly = parsePluginManifest({ name: 'theme', version: '0.1.0', engines: { clipshot: '*' }, clipshot: { id: 'acme.theme', apiVersion: 1, contributes: { themes: [{ id: 'acme.theme.blue', title: 'Blue', path: 'blue.json' }] } } });
    expect(themeOnly).toMatchObject({ main: null, permissions: [], dependencies: {}, activationEvents: [], displayName: 'theme', description: '' });
  });

  it('lists each mistake with where it is, what is wrong and what is expected', () => {
    const pkg = validPackage();
    pkg.version = '1.2';
    pkg.engines = { clipshot: 'soon' };
    Object.assign(pkg.clipshot, {
      id: 'Acme Gallery',
      apiVersion: 7,
      permissions: ['clips:read', 'net:https://api.example.com/x', 'camera'],
      dependencies: { 'acme.base': 'latest-ish' },
    });
    const problems = problemsOf(pkg);
    expect(problems).toEqual([
      'version: "1.2" is not a semver version; expected e.g. "1.0.0" or "2.1.0-beta.1"',
      'engines.clipshot: "soon" is not a semver range; expected the ClipShot versions it works with, e.g. "^1.2.0" or ">=1.0.0 <3"',
      'clipshot.id: "Acme Gallery" is not a plugin id; expected lower-case words of letters, digits and "-" joined by dots, at least two (publisher.name), e.g. "acme.gallery-exporter"',
      'clipshot.apiVersion: plugin API version 7 is not supported by this ClipShot; expected 1',
      'clipshot.permissions[1]: "net:" needs a valid host name after it (lower-case, no scheme, port or path), e.g. "net:api.example.com"; got "net:https://api.example.com/x"',
      'clipshot.permissions[2]: unknown permission "camera"; expected one of clips:read, clips:write, blobs:read, ui:panel, clipboard or net:<host>',
      'clipshot.dependencies["acme.base"]: "latest-ish" is not a semver range; expected the versions of that plugin it works with, e.g. "^1.2.0" or ">=1.0.0 <3"',
    ]);
  });

  it('refuses contributions and events that do not fit together', () => {
    const pkg = validPackage();
    const contributes = pkg.clipshot.contributes as Record<string, unknown[]>;
    contributes.commands!.push({ id: 'other.plugin.cmd', title: 'Foreign' });
    pkg.clipshot.activationEvents = ['onStartup', 'onCommand:acme.gallery.missing', 'onImport:acme.gallery.html', 'whenever'];
    contributes.keybindings!.push({ command: 'acme.gallery.nope', key: 'Mod+K' });
    const problems = problemsOf(pkg);
    expect(problems).toEqual([
      'clipshot.contributes.commands[1].id: "other.plugin.cmd" must start with the plugin\'s id and a dot; expected "acme.gallery.<name>" (name of letters, digits, "-" or "_")',
      'clipshot.activationEvents[1]: "onCommand:acme.gallery.missing" names a command the plugin does not contribute; expected one of: acme.gallery.open, other.plugin.cmd',
      'clipshot.activationEvents[2]: "onImport:acme.gallery.html" names one of the importers the plugin does not contribute; expected one of: (no importers in clipshot.contributes)',
      'clipshot.activationEvents[3]: "whenever" is not an activation event; expected "onStartup" or one of "onCommand:<id>", "onImport:<id>", "onExport:<id>", "onAnalyze:<id>", "onPanel:<id>"',
      'clipshot.contributes.keybindings[1].command: "acme.gallery.nope" is not one of this plugin\'s commands; expected one of: acme.gallery.open, other.plugin.cmd',
    ]);
  });

  it('refuses paths that leave the plugin folder', () => {
    const pkg = validPackage();
    pkg.clipshot.main = '../../outside.js';
    const contributes = pkg.clipshot.contributes as Record<string, Record<string, unknown>[]>;
    contributes.panels![0]!.entry = '/etc/passwd';
    contributes.themes![0]!.path = 'themes/../../../x.json';
    contributes.themes!.push({ id: 'acme.gallery.win', title: 'Win', path: 'C:\\themes\\x.json' });
    const problems = problemsOf(pkg);
    expect(problems).toEqual([
      'clipshot.main: "../../outside.js" leads out of the plugin\'s folder; expected the entry module as a path relative to the plugin\'s folder, e.g. "dist/index.js"',
      'clipshot.contributes.panels[0].entry: "/etc/passwd" is an absolute path; expected the panel\'s HTML file as a path relative to the plugin\'s folder, e.g. "panel/index.html"',
      'clipshot.contributes.themes[0].path: "themes/../../../x.json" leads out of the plugin\'s folder; expected the theme\'s JSON file as a path relative to the plugin\'s folder, e.g. "themes/dark.json"',
      'clipshot.contributes.themes[1].path: "C:\\\\themes\\\\x.json" uses "\\"; expected the theme\'s JSON file as a path relative to the plugin\'s folder, e.g. "themes/dark.json" with "/" between folders',
    ]);
  });

  it('names missing fields, misspelt ones, wrong types, self-dependencies, code contributions without main and bad shortcuts', () => {
    const pkg = validPackage();
    delete pkg.engines;
    delete pkg.clipshot.main;
    pkg.clipshot.permisions = ['clips:read'];
    pkg.clipshot.permissions = 'clips:read';
    pkg.clipshot.dependencies = { 'acme.gallery': '^1.0.0' };
    (pkg.clipshot.contributes as Record<string, unknown[]>).keybindings = [{ command: 'acme.gallery.open', key: 'Tab' }];
    expect(problemsOf(pkg)).toEqual([
      'engines: is missing; expected { "clipshot": "<semver range>" }, e.g. { "clipshot": "^0.1.0" }',
      'clipshot.permissions: must be a list (JSON array)',
      'clipshot.contributes.keybindings[0].key: "Tab": Tab moves between controls, so it cannot be a shortcut',
      'clipshot: unknown field "permisions"; expected only the fields ClipShot reads (check the spelling)',
      'clipshot.main: is missing, but the plugin contributes commands, which run its code; expected the entry module, e.g. "dist/index.js"',
      'clipshot.main: is missing, but the plugin contributes exporters, which run its code; expected the entry module, e.g. "dist/index.js"',
      'clipshot.dependencies["acme.gallery"]: a plugin cannot depend on itself; expected the ids of other plugins',
    ]);
    expect(problemsOf({ name: 'plain-package', version: '1.0.0', engines: { clipshot: '*' } })).toEqual([
      'clipshot: is missing: a ClipShot plugin\'s package.json needs a "clipshot" object (id, apiVersion, permissions, contributes …)',
    ]);
    expect(problemsOf('not json object')).toEqual([': must be a JSON object (the contents of package.json)']);
  });

  it('names the package in the first line of the message', () => {
    const pkg = validPackage();
    pkg.clipshot.apiVersion = 2;
    expect(() => parsePluginManifest(pkg)).toThrow(/^the package\.json of clipshot-plugin-gallery@1\.2\.0 is not a valid ClipShot plugin \(1 mistake\):\n {2}- clipshot\.apiVersion: /);
  });
});

describe('permissions', () => {
  it('accepts host names and IPv4 addresses, nothing else, for net:', () => {
    for (const host of ['api.example.com', 'localhost', '127.0.0.1', 'a-b.c0.io']) expect(isValidNetHost(host), host).toBe(true);
    for (const host of ['', 'API.example.com', 'example.com:443', '*.example.com', '-bad.com', 'a..b', '300.1.1.1', 'http://x', 'x/y', 'a b']) expect(isValidNetHost(host), host).toBe(false);
  });

  it('lists the permissions an update adds to those granted', () => {
    expect(addedPermissions(['clips:read', 'net:a.com'], ['clips:read', 'clips:write', 'net:a.com', 'net:b.com'])).toEqual(['clips:write', 'net:b.com']);
    expect(addedPermissions(['clips:read', 'clipboard'], ['clips:read'])).toEqual([]);
  });
});
