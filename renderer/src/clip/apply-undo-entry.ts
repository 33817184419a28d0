import type { UrlHeads } from '@automerge/automerge-repo/slim';
import type { UndoDirection, UndoEntry } from './clip-undo-store.js';
import { writeDeletedAt, writeNotesAt, writeTags, writeTitle, type ShardHandle } from './clip-writes.js';
import { writeTextAt, type DetailHandle } from './detail-writes.js';
import { applyVideoUndo } from './video-editor/video-undo.js';

/** The documents a clip's undo steps write to: its shard entry and its detail document. */
export interface ClipHandles {
  shard: ShardHandle;
  detail: DetailHandle;
}
import { writeImageStep } from './image-editor/image-step.js';

/**
 * Writes an undo step as a new change (message `undo <id>`), so it syncs and merges like any
 * edit. Notes are rewritten at the heads where the step's value held: only this window's own
 * characters are taken back, text typed elsewhere since then stays. Tags change only the tags
 * the step added or removed. Image steps are written to the detail document.
 */
export function applyUndoEntry(handles: ClipHandles, entry: UndoEntry, direction: UndoDirection): UrlHeads {
  const undo = direction === 'undo';
  const handle = handles.shard;
  switch (entry.field) {
    case 'title':
      return writeTitle(handle, entry.clipId, undo ? entry.before : entry.after, 'undo');
    case 'notes':
      return writeNotesAt(handle, entry.clipId, entry.heads, undo ? entry.before : entry.after, 'undo');
    case 'tags': {
      const from = new Set(undo ? entry.after : entry.before);
      const to = new Set(undo ? entry.before : entry.after);
      const add = [...to].filter((tag) => !from.has(tag));
      const remove = [...from].filter((tag) => !to.has(tag));
      return writeTags(handle, entry.clipId, { add, remove }, 'undo');
    }
    case 'trash':
      return writeDeletedAt(handle, entry.clipId, undo ? entry.before : entry.after, 'undo');
    case 'text':
      return writeTextAt(handles.detail, entry.clipId, entry.heads, undo ? entry.before : entry.after, 'undo');
    case 'trim':
    case 'poster':
    case 'marker':
      return applyVideoUndo(handles.detail, entry, direction);
    case 'image':
      // Image edits live in the clip's detail document; only the fields the step changed are written back.
      return writeImageStep(handles.detail, entry.clipId, entry.step, undo ? 'backward' : 'forward', 'undo');
  }
}
