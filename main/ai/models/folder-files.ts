import fs from 'node:fs/promises';
import path from 'node:path';

export interface FoundFile {
  /** Absolute path. */
  file: string;
  /** Path below the scanned folder, with "/" separators. */
  relative: string;
  size: number;
}

/**
 * Regular files below `dir` (symbolic links are not followed), breadth first, up to a depth and a
 * count: an import pointed at a home folder by mistake must not walk the whole disk.
 */
export async function listFiles(dir: string, limits: { maxDepth: number; maxFiles: number }): Promise<{ files: FoundFile[]; truncated: boolean }> {
  const files: FoundFile[] = [];
  let level = [''];
  for (let depth = 0; depth <= limits.maxDepth && level.length > 0; depth += 1) {
    const next: string[] = [];
    for (const relativeDir of level) {
      const entries = await fs.readdir(path.join(dir, relativeDir), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) next.push(relative);
        else if (entry.isFile()) {
          const file = path.join(dir, relative);
          const stat = await fs.stat(file).catch(() => null);
          if (stat) files.push({ file, relative, size: stat.size });
          if (files.length >= limits.maxFiles) return { files, truncated: true };
        }
      }
    }
    level = next;
  }
  return { files, truncated: level.length > 0 };
}

/** Bytes of the regular files below `target` (0 when it does not exist). */
export async function folderSize(target: string): Promise<number> {
  const stat = await fs.lstat(target).catch(() => null);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  const entries = await fs.readdir(target).catch(() => []);
  let total = 0;
  for (const name of entries) total += await folderSize(path.join(target, name));
  return total;
}
