import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';

/** Writes bytes to a temporary file beside `target`, syncs it, then renames it into place. Returns the size. */
export async function writeFileAtomically(target: string, bytes: Uint8Array): Promise<number> {
  const temporary = `${target}.${process.pid}.part`;
  const handle = await fs.open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await fs.rename(temporary, target);
  return bytes.byteLength;
}

/**
 * Lets `write` fill a temporary file beside `target` (a program writing by path, like ffmpeg),
 * syncs it, then renames it into place; on failure or cancellation nothing is left. Returns the size.
 */
export async function writeThroughTemporary(target: string, write: (temporary: string) => Promise<void>): Promise<number> {
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  try {
    await write(temporary);
    const handle = await fs.open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { size } = await fs.stat(temporary);
    await fs.rename(temporary, target);
    return size;
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
