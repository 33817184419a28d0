import type { UrlHeads } from '@automerge/automerge-repo/slim';
import type { DetailHandle } from '../detail-writes.js';
import { writeMarker, writePoster, writeTrim, type MarkerValue, type TrimValue } from './video-writes.js';

/** A video edit as the window's undo history keeps it: the value before and after. */
export type VideoFieldEdit =
  | { field: 'trim'; before: TrimValue; after: TrimValue }
  | { field: 'poster'; before: number | null; after: number | null }
  /** null before: the marker was added; null after: it was removed. */
  | { field: 'marker'; markerId: string; before: MarkerValue | null; after: MarkerValue | null };

export const VIDEO_STEP_NAMES: Record<VideoFieldEdit['field'], string> = { trim: 'trim', poster: 'poster frame change', marker: 'marker change' };

/** Writes a video step's before (undo) or after (redo) value as a new change on the detail document. */
export function applyVideoUndo(handle: DetailHandle, entry: VideoFieldEdit & { clipId: string }, direction: 'undo' | 'redo'): UrlHeads {
  const undo = direction === 'undo';
  switch (entry.field) {
    case 'trim':
      return writeTrim(handle, entry.clipId, undo ? entry.before : entry.after, 'undo');
    case 'poster':
      return writePoster(handle, entry.clipId, undo ? entry.before : entry.after, 'undo');
    case 'marker':
      return writeMarker(handle, entry.clipId, entry.markerId, undo ? entry.before : entry.after, 'undo');
  }
}
