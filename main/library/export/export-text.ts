import { readClipDetails } from '../../../contract/clip-details.js';
import type { Library } from '../library.js';
import { writeFileAtomically } from './write-atomically.js';

/** A text clip's text as edited (its whole text, from the detail document), else as imported. */
export async function renderedText(library: Library, clipId: string): Promise<string> {
  const clip = library.get(clipId);
  if (!clip.edited) return clip.text;
  const edited = await library.details.read(clipId, (doc) => (doc ? readClipDetails(doc, clipId) : null));
  return edited?.ok ? edited.details.text : clip.text;
}

export async function exportText(library: Library, clipId: string, target: string): Promise<number> {
  return writeFileAtomically(target, Buffer.from(await renderedText(library, clipId), 'utf8'));
}
