// The shape of a catalog shard document, for every side that reads or edits one with Automerge.
import type { ImmutableString } from '@automerge/automerge/slim';

/**
 * A clip entry as stored in a shard document. Scalar strings are ImmutableString (one op,
 * not one op per character); notes are collaborative text because people type them.
 */
export interface ClipEntryDoc {
  id: ImmutableString;
  kind: ImmutableString;
  title: ImmutableString;
  notes: string;
  tags: Record<string, true>;
  collections: Record<string, true>;
  capturedAt: number;
  importedAt: number;
  updatedAt: number;
  deletedAt: number | null;
  contentHash: ImmutableString;
  media: ClipMediaDoc | null;
  text: ImmutableString;
  sourceName: ImmutableString;
}

export interface ClipMediaDoc {
  blob: ImmutableString;
  mime: ImmutableString;
  size: number;
  width?: number;
  height?: number;
  durationMs?: number;
  thumb?: ImmutableString;
}

export interface ShardDoc {
  schema: number;
  type: ImmutableString;
  shard: number;
  clips: Record<string, ClipEntryDoc>;
}

/**
 * The message of a change to one clip: the operation and the clip id. Undo and the history
 * view find a clip's changes in its shard's history by it, whichever device or window made them.
 */
export function clipChangeMessage(operation: ClipOperation, clipId: string): string {
  return `${operation} ${clipId}`;
}

export const CLIP_OPERATIONS = ['edit', 'tag', 'collections', 'trash', 'restore', 'undo'] as const;
export type ClipOperation = (typeof CLIP_OPERATIONS)[number];
