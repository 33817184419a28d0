import fs from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';
import { MarketplaceError } from './marketplace-errors.js';

/** Never published: version control and installed dependencies (a plugin bundles what it needs). */
const SKIPPED = new Set(['.git', 'node_modules']);
/** npm's fixed date for tarball entries, so that packing the same files gives the same bytes (and integrity). */
const FIXED_MTIME = new Date('1985-10-26T08:15:00Z');

/** Always packed, whatever `files` says, as npm does. */
const ALWAYS = /^(package\.json|readme(\..*)?|licen[cs]e(\..*)?)$/i;

/**
 * Packs a plugin's folder the way npm does (files under `package/`, gzip), returning the tarball.
 * When package.json lists `files`, only those (files, folders, or `*` / `**` patterns) are packed,
 * with package.json, the README and the licence.
 */
export async function packPluginFolder(folder: string): Promise<Buffer> {
  const include = await filesFilter(folder);
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(folder, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIPPED.has(entry.name)) continue;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) {
        if (include(child)) files.push(child);
      }
      else throw new MarketplaceError('publish', `${path.join(folder, child)} is not a file or folder (a link?); a plugin package holds only files and folders`);
    }
  };
  await walk('');
  if (!files.includes('package.json')) throw new MarketplaceError('publish', `${folder} has no package.json`);
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: folder, prefix: 'package', portable: true, mtime: FIXED_MTIME, noDirRecurse: true }, files);
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Which relative paths package.json's `files` lets in (all of them without one). */
async function filesFilter(folder: string): Promise<(relative: string) => boolean> {
  let listed: unknown;
  try {
    listed = (JSON.parse(await fs.readFile(path.join(folder, 'package.json'), 'utf8')) as { files?: unknown }).files;
  } catch {
    return () => true;
  }
  if (!Array.isArray(listed)) return () => true;
  const patterns = listed
    .filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '')
    .map((entry) => entry.trim().replace(/^\.\//, '').replace(/\/+$/, ''))
    .map((entry) => new RegExp(`^${entry.split('**').map((part) => part.split('*').map(escapeRegExp).join('[^/]*')).join('.*')}(/.*)?$`));
  return (relative) => (!relative.includes('/') && ALWAYS.test(relative)) || patterns.some((pattern) => pattern.test(relative));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
