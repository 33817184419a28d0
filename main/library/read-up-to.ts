import type { FileHandle } from 'node:fs/promises';

/**
 * Reads until `length` bytes or the end of the file, since one read may return fewer bytes than
 * asked. `position` null continues from the handle's current offset.
 */
export async function readUpTo(handle: FileHandle, length: number, position: number | null): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position === null ? null : position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}
