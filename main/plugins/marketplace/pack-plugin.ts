import fs from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';
import { MarketplaceError } from './marketplace-errors.js';

/** Never published: version control and installed dependencies (a plugin bundles what it needs). */
const SKIPPED = new Set(['.git', 'node_modules']);
/** npm's fixed date for tarball entries, so that packing the same files gives the same bytes (and integrity). */
const FIXED_MTIME = new Date('1985-10-26T08:15:00Z');

/** Packs a plugin's folder the way npm does (files under `package/`, gzip), returning the tarball. */
export async function packPluginFolder(folder: string): Promise<Buffer> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(folder, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIPPED.has(entry.name)) continue;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) files.push(child);
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
