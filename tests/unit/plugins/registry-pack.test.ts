import fs from 'node:fs/promises';
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { describe, expect, it } from 'vitest';
import { packPluginFolder } from '../../../main/plugins/marketplace/pack-plugin.js';
import { writeTestPlugin } from '../../helpers/registry.js';
import { tempDir } from '../../helpers/temp.js';

async function entriesOf(tarball: Buffer): Promise<string[]> {
  const paths: string[] = [];
  const parser = new Parser({ onReadEntry: (entry: ReadEntry) => (paths.push(entry.path), entry.resume()) });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.end(tarball);
  });
  return paths.sort();
}

describe('packPluginFolder', () => {
  it('packs what package.json "files" lists, with package.json, README and licence, under package/, the same bytes each time', async () => {
    const root = await tempDir('clipshot-pack-');
    const folder = await writeTestPlugin(root, {
      packageName: 'clipshot-plugin-packed',
      id: 'test.packed',
      version: '1.0.0',
      files: { 'lib/a.js': 'a', 'lib/deep/b.js': 'b', 'themes/x.json': '{}', 'themes/x.txt': 'no', 'test/spec.js': 'no', 'README.md': '# r', LICENSE: 'MIT', 'node_modules/dep/index.js': 'no', '.git/HEAD': 'no' },
      extra: { files: ['index.js', 'lib/', './themes/*.json'] },
    });
    const tarball = await packPluginFolder(folder);
    expect(await entriesOf(tarball)).toEqual(['package/LICENSE', 'package/README.md', 'package/index.js', 'package/lib/a.js', 'package/lib/deep/b.js', 'package/package.json', 'package/themes/x.json']);
    expect(Buffer.compare(tarball, await packPluginFolder(folder))).toBe(0);

    const json = JSON.parse(await fs.readFile(path.join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete json.files;
    await fs.writeFile(path.join(folder, 'package.json'), JSON.stringify(json));
    expect(await entriesOf(await packPluginFolder(folder))).toEqual([
      'package/LICENSE',
      'package/README.md',
      'package/index.js',
      'package/lib/a.js',
      'package/lib/deep/b.js',
      'package/package.json',
      'package/test/spec.js',
      'package/themes/x.json',
      'package/themes/x.txt',
    ]);
  });
});
