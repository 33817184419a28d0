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
  /** The text as imported; an edited text clip's text is `edited.text`. */
  text: ImmutableString;
  sourceName: ImmutableString;
  /** Derived by the core from the clip's detail document (absent in entries written before edits existed). */
  edited?: ClipEditedDoc | null;
  /** Written by the analysis worker's host (contract/analysis.ts ClipAnalysisSummary); absent until analysed. */
  analysis?: ClipAnalysisDoc | null;
}

export interface ClipAnalysisDoc {
  text: ImmutableString;
  /** tag → score and source; a map so that suggestions from two devices merge. */
  suggested: Record<string, { score: number; source: ImmutableString }>;
  rejected: Record<string, true>;
  input: ImmutableString;
  models: ImmutableString;
  at: number;
}

export interface ClipEditedDoc {
  thumb?: ImmutableString;
  width?: number;
  height?: number;
  durationMs?: number;
  /** An edited text clip's text (its start, for a long one); the whole of it is in the detail document. */
  text?: ImmutableString;
  summary: ImmutableString;
  at: number;
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

/** The message of one change to many clips of a shard (a bulk operation): the operation, then every clip it changed. */
export function clipsChangeMessage(operation: ClipOperation | DerivedOperation, clipIds: readonly string[]): string {
  return `${operation} ${clipIds.join(' ')}`;
}

/** What a change message says: the operation and the clips it changed, if it is one of `operations`; null otherwise. */
export function readChangeMessage(message: string | null | undefined, operations: readonly string[]): { operation: string; clipIds: string[] } | null {
  const match = /^([a-z]+) ([0-9a-z]{26}(?: [0-9a-z]{26})*)$/.exec(message ?? '');
  if (!match || !operations.includes(match[1]!)) return null;
  return { operation: match[1]!, clipIds: match[2]!.split(' ') };
}

export const CLIP_OPERATIONS = ['edit', 'tag', 'collections', 'trash', 'restore', 'undo'] as const;
export type ClipOperation = (typeof CLIP_OPERATIONS)[number];

/**
 * The message of the core's change that records what a clip's edits render to (`edited`, and
 * the text of an edited text clip). Not an operation of the person's: undo and history skip it.
 */
export function clipDerivedMessage(clipId: string): string {
  return `derive ${clipId}`;
}

/** Changes the core makes on its own, which undo and history skip: rendering edits, recording analysis. */
export type DerivedOperation = 'derive' | 'analyse';
