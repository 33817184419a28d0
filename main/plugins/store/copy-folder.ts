import fs from 'node:fs/promises';
import path from 'node:path';
import { megabytes, type PackageLimits } from './package-limits.js';
import { PluginStoreError } from './store-errors.js';

/** Never part of a plugin: the author's version control. */
const SKIPPED = new Set(['.git']);

/**
 * Copies a plugin's folder (an author's working copy) into `destination`, with the same rules as
 * a tarball: only files and folders (a link is refused, naming it, since it could point anywhere),
 * within the size and entry limits. Everything is checked before anything is copied.
 */
export async function copyPluginFolder(source: string, destination: string, limits: PackageLimits): Promise<void> {
  const stat = await fs.stat(source).catch(() => null);
  if (stat === null || !stat.isDirectory()) throw new PluginStoreError('invalid-package', `${source} is not a folder`);
  const files: string[] = [];
  const folders: string[] = [];
  let bytes = 0;
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(source, relative), { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const child = relative === '' ? entry.name : path.join(relative, entry.name);
      if (files.length + folders.length >= limits.maxEntries) throw new PluginStoreError('too-large', `${source} holds more than ${limits.maxEntries} files and folders, the limit for a plugin`);
      if (entry.isDirectory()) {
        folders.push(child);
        await walk(child);
      } else if (entry.isFile()) {
        files.push(child);
        bytes += (await fs.stat(path.join(source, child))).size;
        if (bytes > limits.maxUnpackedBytes) throw new PluginStoreError('too-large', `${source} holds more than ${megabytes(limits.maxUnpackedBytes)}, the limit for a plugin`);
      } else {
        const what = entry.isSymbolicLink() ? 'a symbolic link' : 'neither a file nor a folder';
        throw new PluginStoreError('unsafe-package', `refused the folder: ${child} is ${what}; a plugin may hold only files and folders`);
      }
    }
  };
  await walk('');
  await fs.mkdir(destination, { recursive: true });
  for (const folder of folders) await fs.mkdir(path.join(destination, folder), { recursive: true });
  for (const file of files) await fs.copyFile(path.join(source, file), path.join(destination, file));
}
