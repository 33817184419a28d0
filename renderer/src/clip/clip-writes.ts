// Every change this window makes to a clip entry: one Automerge change each, with the message
// the core's undo and history look for, and updatedAt moved on.
import { ImmutableString, updateText } from '@automerge/automerge/slim';
import type { DocHandle, UrlHeads } from '@automerge/automerge-repo/slim';
import { clipChangeMessage, type ClipEntryDoc, type ClipOperation, type ShardDoc } from '../../../contract/shard-document.js';

export type ShardHandle = DocHandle<ShardDoc>;

export class ClipGoneError extends Error {
  constructor(clipId: string) {
    super(`clip ${clipId} is no longer in its document`);
    this.name = 'ClipGoneError';
  }
}

export function notesPath(clipId: string): string[] {
  return ['clips', clipId, 'notes'];
}

export function writeTitle(handle: ShardHandle, clipId: string, title: string, operation: ClipOperation = 'edit'): UrlHeads {
  changeEntry(handle, clipId, operation, (entry) => {
    entry.title = new ImmutableString(title);
  });
  return handle.heads();
}

/**
 * Writes the notes as the text they should be at `heads`: updateText diffs against the text at
 * those heads, so characters others typed since then are kept, not overwritten. Returns the
 * heads of this change alone (the notes there are exactly `notes`).
 */
export function writeNotesAt(handle: ShardHandle, clipId: string, heads: UrlHeads, notes: string, operation: ClipOperation = 'edit'): UrlHeads {
  const written = handle.changeAt(
    heads,
    (doc) => {
      const entry = doc.clips[clipId];
      if (!entry) throw new ClipGoneError(clipId);
      updateText(doc, notesPath(clipId), notes);
      entry.updatedAt = Date.now();
    },
    { message: clipChangeMessage(operation, clipId) },
  );
  // No ops (the text already was `notes`): those heads already hold it.
  return written ?? heads;
}

export function writeTags(handle: ShardHandle, clipId: string, change: { add?: readonly string[]; remove?: readonly string[] }, operation: ClipOperation = 'tag'): UrlHeads {
  changeEntry(handle, clipId, operation, (entry) => {
    for (const tag of change.remove ?? []) delete entry.tags[tag];
    for (const tag of change.add ?? []) entry.tags[tag] = true;
  });
  return handle.heads();
}

export function writeDeletedAt(handle: ShardHandle, clipId: string, deletedAt: number | null, operation: ClipOperation): UrlHeads {
  changeEntry(handle, clipId, operation, (entry) => {
    entry.deletedAt = deletedAt;
  });
  return handle.heads();
}

function changeEntry(handle: ShardHandle, clipId: string, operation: ClipOperation, edit: (entry: ClipEntryDoc) => void): void {
  handle.change(
    (doc) => {
      const entry = doc.clips[clipId];
      if (!entry) throw new ClipGoneError(clipId);
      edit(entry);
      entry.updatedAt = Date.now();
    },
    { message: clipChangeMessage(operation, clipId) },
  );
}
