import fs from 'node:fs/promises';
import path from 'node:path';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';

/** Writes a clip's original (or a text clip's text) to a file, atomically and verified. */
export async function exportClip(library: Library, id: string, outPath: string): Promise<{ path: string; bytes: number }> {
  const clip = library.get(id);
  const target = path.resolve(outPath);
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) throw new LibraryError(`${target} is a folder; give a file name`, 'bad-output');
  if (clip.media) {
    await library.blobs.exportTo(clip.media.blob, target);
    return { path: target, bytes: clip.media.size };
  }
  const temporary = `${target}.${process.pid}.part`;
  const handle = await fs.open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(clip.text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, target);
  return { path: target, bytes: Buffer.byteLength(clip.text, 'utf8') };
}
