import type { Dirent, Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { extensionOf, isSupportedExtension } from './extensions.js';
import { ImportRejection, rejectionFromFsError } from './rejection.js';

export type WalkItem = { path: string } | { path: string; rejection: ImportRejection };

/**
 * The files to import, in order. Paths given explicitly are yielded as they are, whatever their name;
 * folders are walked recursively in sorted order, skipping hidden entries, files whose extension is not
 * supported, and folders already visited (which is what breaks symlink loops). Problems become items
 * with a rejection rather than exceptions, so one bad entry never stops the walk.
 */
export async function* walkImportPaths(paths: string[]): AsyncGenerator<WalkItem> {
  const visitedFolders = new Set<string>();
  for (const given of paths) {
    let stat: Stats;
    try {
      stat = await fs.stat(given);
    } catch {
      // probeFile explains a missing or broken path best, so the caller hears it from there.
      yield { path: given };
      continue;
    }
    if (stat.isDirectory()) yield* walkFolder(given, visitedFolders);
    else yield { path: given };
  }
}

async function* walkFolder(folder: string, visited: Set<string>): AsyncGenerator<WalkItem> {
  let entries: Dirent[];
  try {
    const stat = await fs.stat(folder);
    const identity = `${stat.dev}:${stat.ino}`;
    if (visited.has(identity)) return;
    visited.add(identity);
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    const reason = rejectionFromFsError(error);
    yield { path: folder, rejection: new ImportRejection('unreadable', `the folder cannot be read: ${reason.message}`) };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* walkFolder(entryPath, visited);
    } else if (entry.isFile()) {
      if (isSupportedExtension(extensionOf(entry.name))) yield { path: entryPath };
    } else if (entry.isSymbolicLink()) {
      yield* followLink(entryPath, entry.name, visited);
    }
    // FIFOs, sockets and devices inside a folder are not files anyone meant to import.
  }
}

async function* followLink(linkPath: string, name: string, visited: Set<string>): AsyncGenerator<WalkItem> {
  let target: Stats;
  try {
    target = await fs.stat(linkPath);
  } catch (error) {
    if (!isSupportedExtension(extensionOf(name))) return;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is a symbolic link to something that does not exist' : rejectionFromFsError(error).message;
    yield { path: linkPath, rejection: new ImportRejection('unreadable', reason) };
    return;
  }
  if (target.isDirectory()) yield* walkFolder(linkPath, visited);
  else if (target.isFile() && isSupportedExtension(extensionOf(name))) yield { path: linkPath };
}
