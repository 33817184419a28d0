import { originalTextOf } from '../edits/detail-seed.js';
import type { Library } from '../library.js';
import { writeFileAtomically } from './write-atomically.js';

/** Writes a clip's original file (or a text clip's text as imported), atomically and verified. */
export async function exportOriginal(library: Library, id: string, target: string): Promise<number> {
  const clip = library.get(id);
  if (clip.media) {
    await library.blobs.exportTo(clip.media.blob, target);
    return clip.media.size;
  }
  // The index holds an edited text clip's edited text; the original is in its entry.
  return writeFileAtomically(target, Buffer.from(clip.edited ? await originalTextOf(library, clip.id) : clip.text, 'utf8'));
}
