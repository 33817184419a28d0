import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces (or, with `exclusive`, creates) `target` so that a crash leaves either the old file or
 * the new one, never a mix: temp file, fsync, rename (link when exclusive), fsync the folder.
 * `exclusive` fails with EEXIST when `target` exists, without a check-then-write race.
 */
export async function writeFileAtomic(target: string, data: string | Buffer, options: { mode?: number; exclusive?: boolean } = {}): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', options.mode ?? 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) await moveExclusive(temp, target);
    else await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncFolder(path.dirname(target));
}

async function moveExclusive(temp: string, target: string): Promise<void> {
  try {
    await fs.link(temp, target);
    await fs.unlink(temp);
  } catch (error) {
    // Filesystems without hard links (FAT, some network shares): fall back to check-then-rename.
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'ENOTSUP') && !isErrno(error, 'EOPNOTSUPP')) throw error;
    const exists = await fs.access(target).then(() => true, () => false);
    if (exists) throw Object.assign(new Error(`file exists: ${target}`), { code: 'EEXIST' });
    await fs.rename(temp, target);
  }
}

async function syncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Windows can neither open nor fsync a folder; the rename is as durable as it gets there.
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'EISDIR') && !isErrno(error, 'EINVAL')) throw error;
  } finally {
    await handle?.close();
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
