import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkImportPaths, type ImportRejection } from '../../../main/library/import/probe.js';
import { tempDir } from '../../helpers/temp.js';

type Item = { path: string } | { path: string; rejection: ImportRejection };

async function collect(paths: string[]): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of walkImportPaths(paths)) items.push(item);
  return items;
}

/** Paths relative to `root`, with a rejection shown as `path !code`. */
function describeItems(root: string, items: Item[]): string[] {
  return items.map((item) => {
    const relative = path.relative(root, item.path);
    return 'rejection' in item ? `${relative} !${item.rejection.code}` : relative;
  });
}

async function touch(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, 'x');
}

describe('walkImportPaths', () => {
  it('walks folders recursively in sorted order, skipping hidden entries, unsupported names and special files', async () => {
    const root = await tempDir();
    for (const name of ['b.png', 'a.txt', 'c.json', 'README', '.hidden.png', '.git/config.md', 'sub/z.md', 'sub/nested/deep.mp4', 'sub/Upper.MOV', 'sub/.cache/x.gif']) {
      await touch(path.join(root, name));
    }
    execFileSync('mkfifo', [path.join(root, 'fifo.txt')]);
    expect(describeItems(root, await collect([root]))).toEqual(['a.txt', 'b.png', 'sub/Upper.MOV', 'sub/nested/deep.mp4', 'sub/z.md']);
  });

  it('follows symbolic links but visits each folder once, so link loops end', async () => {
    const root = await tempDir();
    await touch(path.join(root, 'sub/clip.webm'));
    await touch(path.join(root, 'sub/inner/note.md'));
    await fs.symlink(root, path.join(root, 'sub/inner/back-to-root'));
    await fs.symlink('.', path.join(root, 'sub/self'));
    await fs.symlink(path.join(root, 'sub/clip.webm'), path.join(root, 'alias.webm'));
    expect(describeItems(root, await collect([root]))).toEqual(['alias.webm', 'sub/clip.webm', 'sub/inner/note.md']);
  });

  it('reports a dangling link with a supported name, and skips one with an unsupported name', async () => {
    const root = await tempDir();
    await fs.symlink(path.join(root, 'missing.png'), path.join(root, 'broken.png'));
    await fs.symlink(path.join(root, 'missing.bin'), path.join(root, 'broken.bin'));
    const items = await collect([root]);
    expect(describeItems(root, items)).toEqual(['broken.png !unreadable']);
    const [item] = items;
    expect(item && 'rejection' in item && item.rejection.message).toBe('the file is a symbolic link to something that does not exist');
  });

  it('yields files named explicitly whatever their name, and leaves missing ones for probeFile to explain', async () => {
    const root = await tempDir();
    await touch(path.join(root, 'data.json'));
    await touch(path.join(root, '.secret.png'));
    await touch(path.join(root, 'folder/one.gif'));
    const paths = ['data.json', '.secret.png', 'missing.png', 'folder'].map((name) => path.join(root, name));
    expect(describeItems(root, await collect(paths))).toEqual(['data.json', '.secret.png', 'missing.png', 'folder/one.gif']);
  });

  it('walks a folder given through a symbolic link', async () => {
    const root = await tempDir();
    await touch(path.join(root, 'real/pic.jpeg'));
    await fs.symlink(path.join(root, 'real'), path.join(root, 'shortcut'));
    expect(describeItems(root, await collect([path.join(root, 'shortcut')]))).toEqual(['shortcut/pic.jpeg']);
  });
});
