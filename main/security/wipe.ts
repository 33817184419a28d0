// Temporary files that hold clip content in the clear (uploads waiting for import, exports waiting
// to be downloaded, a video handed to ffmpeg, a recording being joined) are overwritten before
// they are removed, so the bytes do not stay readable in free space or through another link.
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const ZEROS = Buffer.alloc(1 << 20);

/** Overwrites a regular file with zeros, to disk, and removes it. A missing file is fine. */
export async function wipeFile(file: string): Promise<void> {
  const handle = await fs.open(file, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ELOOP') return null;
    throw error;
  });
  if (handle) {
    try {
      const stat = await handle.stat();
      if (stat.isFile()) {
        for (let offset = 0; offset < stat.size; offset += ZEROS.length) await handle.write(ZEROS, 0, Math.min(ZEROS.length, stat.size - offset), offset);
        await handle.sync();
      }
    } finally {
      await handle.close();
    }
  }
  await fs.rm(file, { force: true });
}

/** Wipes every file under `folder` (links are removed, never followed), then removes the folder. */
export async function wipeFolder(folder: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const child = path.join(folder, entry.name);
    if (entry.isDirectory()) await wipeFolder(child);
    else if (entry.isFile()) await wipeFile(child);
  }
  await fs.rm(folder, { recursive: true, force: true });
}
