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
