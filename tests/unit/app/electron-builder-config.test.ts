import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';

type YamlValue = string | string[] | Record<string, string>;

/**
 * Reads the subset of YAML electron-builder.yml is written in (no YAML parser is installed):
 * top-level keys with a scalar, a flow list ([a, b]), a block list ("- item") or one level of
 * "key: value" pairs. Anything else is an error, so the file cannot drift past what is checked.
 */
function parseBuilderYaml(text: string): Record<string, YamlValue> {
  const result: Record<string, YamlValue> = {};
  let current: string | null = null;
  const scalar = (raw: string) => raw.trim().replace(/^"(.*)"$/, '$1');
  for (const [index, line] of text.split('\n').entries()) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const top = /^([A-Za-z]\w*):(?:\s+(.*))?$/.exec(line);
    if (top) {
      const [, key = '', value] = top;
      current = key;
      if (value === undefined) continue;
      const flow = /^\[(.*)\]$/.exec(value);
      result[key] = flow ? flow[1]!.split(',').map(scalar) : scalar(value);
      continue;
    }
    const item = /^ {2}- (.+)$/.exec(line);
    const pair = /^ {2}([A-Za-z]\w*):\s+(.+)$/.exec(line);
    if (current !== null && item) {
      const list = (result[current] ??= []);
      if (!Array.isArray(list)) throw new Error(`line ${index + 1}: a list item under ${current}, which is not a list`);
      list.push(scalar(item[1]!));
    } else if (current !== null && pair) {
      const map = (result[current] ??= {});
      if (Array.isArray(map) || typeof map === 'string') throw new Error(`line ${index + 1}: a key under ${current}, which is not a map`);
      map[pair[1]!] = scalar(pair[2]!);
    } else {
      throw new Error(`line ${index + 1} is not in the YAML subset this test reads: ${JSON.stringify(line)}`);
    }
  }
  return result;
}

/** electron-builder's file patterns: ** crosses folders, * does not, a leading ! excludes. */
function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) => (part === '**/' ? '(?:.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files = await Promise.all(entries.map((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)])));
  return files.flat();
}

let config: Record<string, YamlValue>;
beforeAll(async () => {
  config = parseBuilderYaml(await fs.readFile(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8'));
});

describe('electron-builder.yml', () => {
  it('flips the fuses that keep the packaged app from being used as something else', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    });
    expect(config.asar).toBe('true');
  });

  it('starts the Electron entry, which the build compiles from main/app/main.ts', async () => {
    expect(config.extraMetadata).toEqual({ main: 'out/main/app/main.js' });
    await fs.access(path.join(REPO_ROOT, 'main', 'app', 'main.ts'));
  });

  it('packs the built app (main, preload, renderer) without the compiled tests', () => {
    const files = config.files as string[];
    const included = (file: string) => {
      let result = false;
      for (const pattern of files) {
        if (pattern.startsWith('!')) {
          if (globToRegExp(pattern.slice(1)).test(file)) result = false;
        } else if (globToRegExp(pattern).test(file)) {
          result = true;
        }
      }
      return result;
    };
    for (const file of ['out/main/app/main.js', 'out/preload/index.cjs', 'out/web/index.html', 'out/web/assets/app.js', 'out/contract/api.js', 'package.json']) expect([file, included(file)]).toEqual([file, true]);
    for (const file of ['out/tests/unit/app/x.test.js', 'out/main/app/main.js.map', 'main/app/main.ts', 'node_modules/.bin/vite']) expect([file, included(file)]).toEqual([file, false]);
  });

  it('unpacks every native file of the native modules from the asar', async () => {
    const unpack = (config.asarUnpack as string[]).map(globToRegExp);
    const nodeModules = path.join(REPO_ROOT, 'node_modules');
    const packages = ['better-sqlite3-multiple-ciphers', 'sharp', 'onnxruntime-node', '@ffmpeg-installer/ffmpeg'];
    for (const scope of ['@img', '@napi-rs', '@ffmpeg-installer']) {
      for (const name of await fs.readdir(path.join(nodeModules, scope))) if (scope !== '@napi-rs' || name.startsWith('keyring')) packages.push(`${scope}/${name}`);
    }
    const native: string[] = [];
    for (const name of packages) {
      for (const file of await walk(path.join(nodeModules, name))) {
        const executable = ((await fs.stat(file)).mode & 0o111) !== 0 && !/\.(js|json|md|sh)$/.test(file);
        if (/\.(node|dylib|dll)$|\.so(\.|$)/.test(file) || executable) native.push(path.relative(REPO_ROOT, file).split(path.sep).join('/'));
      }
    }
    // The walk finds the files it must: the SQLite addon and this platform's ffmpeg.
    expect(native).toContain('node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node');
    expect(native.filter((file) => /^node_modules\/@ffmpeg-installer\/[^/]+\/ffmpeg(\.exe)?$/.test(file))).toHaveLength(1);
    expect(native.filter((file) => !unpack.some((pattern) => pattern.test(file)))).toEqual([]);
  });

  it('is read by a parser that refuses what it does not understand', () => {
    expect(() => parseBuilderYaml('electronFuses:\n    runAsNode: false\n')).toThrow(/not in the YAML subset/);
    expect(parseBuilderYaml('a: [x, "y"]\nb:\n  - "**/*.node"\nc:\n  k: v\n')).toEqual({ a: ['x', 'y'], b: ['**/*.node'], c: { k: 'v' } });
  });
});
