import { constants, type Stats } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import { ImportRejection, rejectionFromFsError } from './rejection.js';
import { readUpTo } from '../read-up-to.js';

export interface OpenedFile {
  handle: FileHandle;
  stat: Stats;
}

/**
 * Opens a path only if it is a regular file. Special files are refused before opening, because
 * opening a FIFO blocks until a writer appears and reading a device may never end.
 */
export async function openRegularFile(filePath: string): Promise<OpenedFile> {
  const before = await statOrReject(filePath);
  rejectUnlessRegular(before);
  let handle: FileHandle;
  try {
    // O_NONBLOCK covers a file swapped for a FIFO between stat and open; Windows has no such flag.
    handle = await fs.open(filePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw rejectionFromFsError(error);
  }
  try {
    const stat = await handle.stat();
    rejectUnlessRegular(stat);
    return { handle, stat };
  } catch (error) {
    await handle.close();
    throw rejectionFromFsError(error);
  }
}

/** Reads up to `length` bytes from the start; fewer when the file is shorter. */
export function readHead(handle: FileHandle, length: number): Promise<Buffer> {
  return readUpTo(handle, length, 0);
}

/** Reads exactly the `size` bytes that fstat reported, so a file growing meanwhile cannot exceed the limit checked. */
export async function readWhole(handle: FileHandle, size: number): Promise<Buffer> {
  try {
    const bytes = await readHead(handle, size);
    if (bytes.length < size) throw new ImportRejection('unreadable', 'the file became shorter while it was being read');
    return bytes;
  } catch (error) {
    throw rejectionFromFsError(error);
  }
}

async function statOrReject(filePath: string): Promise<Stats> {
  try {
    return await fs.stat(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await isSymbolicLink(filePath))) {
      throw new ImportRejection('unreadable', 'the file is a symbolic link to something that does not exist');
    }
    throw rejectionFromFsError(error);
  }
}

async function isSymbolicLink(filePath: string): Promise<boolean> {
  try {
    return (await fs.lstat(filePath)).isSymbolicLink();
  } catch {
    return false;
  }
}

function rejectUnlessRegular(stat: Stats): void {
  if (stat.isFile()) return;
  if (stat.isDirectory()) throw new ImportRejection('not-a-file', 'the path is a folder, not a file');
  if (stat.isFIFO()) throw new ImportRejection('not-a-file', 'the path is a named pipe, not a file');
  if (stat.isSocket()) throw new ImportRejection('not-a-file', 'the path is a socket, not a file');
  if (stat.isCharacterDevice() || stat.isBlockDevice()) throw new ImportRejection('not-a-file', 'the path is a device, not a file');
  throw new ImportRejection('not-a-file', 'the path is not a regular file');
}
