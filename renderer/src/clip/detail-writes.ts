// Every change this window makes to a clip's detail document: one Automerge change each, with
// the message naming the operation and the clip.
import { updateText } from '@automerge/automerge/slim';
import type { DocHandle, UrlHeads } from '@automerge/automerge-repo/slim';
import { detailChangeMessage, type ClipDetailDoc, type DetailOperation } from '../../../contract/clip-details.js';

export type DetailHandle = DocHandle<ClipDetailDoc>;

export const TEXT_PATH = ['text'];

/**
 * Writes a text clip's text as it should be at `heads` (see writeNotesAt: characters others typed
 * since then are kept). Returns the heads of this change alone.
 */
export function writeTextAt(handle: DetailHandle, clipId: string, heads: UrlHeads, text: string, operation: DetailOperation = 'text'): UrlHeads {
  const written = handle.changeAt(heads, (doc) => updateText(doc, TEXT_PATH, text), { message: detailChangeMessage(operation, clipId) });
  return written ?? heads;
}
