import type { DetailSeed } from '../documents/detail-documents.js';
import { shardOfClip } from '../ids.js';
import { INLINE_TEXT_CHARS } from '../importer.js';
import type { Library } from '../library.js';

/**
 * The text a text clip was imported with, from its shard entry (the index holds the edited text).
 * A text longer than the inline limit keeps only its start in the entry: such clips are not
 * editable here, so their seed is empty.
 */
export async function originalTextOf(library: Library, clipId: string): Promise<string> {
  return library.shards.read(shardOfClip(clipId), (doc) => {
    const entry = doc.clips?.[clipId];
    if (!entry || String(entry.kind) !== 'text' || entry.media) return '';
    const text = String(entry.text ?? '');
    return text.length <= INLINE_TEXT_CHARS ? text : '';
  });
}

/** What the clip's detail document is created from, identical on every device. */
export async function detailSeedOf(library: Library, clipId: string): Promise<DetailSeed> {
  return { text: await originalTextOf(library, clipId) };
}
