// What bulk operations (many clips at once) answer: exactly which clips each one changed, so
// that the renderer's undo can apply the exact inverse through the same operations.
import type { ClipQuery } from './clips.js';

/** The most clips one bulk operation takes (a selection resolving to more is refused). */
export const MAX_BULK_CLIPS = 100_000;
/** The most images one combine takes, and texts one merge takes. */
export const MAX_COMBINED_CLIPS = 50;

/**
 * Which clips an operation acts on: the ids listed (in that order), or every clip a query
 * matches (in its order) except some. The second is how "select all" travels: at 100,000 clips
 * the renderer never fetches them all; the core resolves the query itself.
 */
export type ClipSelection = { ids: string[] } | { query: ClipSelectionQuery; except?: string[] };

/** A list query without paging: filters, search and order. */
export type ClipSelectionQuery = Omit<ClipQuery, 'sort' | 'limit' | 'cursor' | 'offset'>;

/** The clips that gained (or lost) one tag or collection. */
export interface LabelChange {
  name: string;
  ids: string[];
}

interface BulkOutcome {
  operationId: string;
  /** How many clips the selection held. */
  selected: number;
  /** Stopped by cancelBulk: what is listed was done (and stays done); the rest was not touched. */
  cancelled: boolean;
}

/** Tags or collections: for each name, exactly the clips that gained or lost it (none that already had it, or lacked it). */
export interface LabelBulkResult extends BulkOutcome {
  added: LabelChange[];
  removed: LabelChange[];
  /** How many clips changed at all. */
  changed: number;
}

/** Trash or restore: exactly the clips moved (none that were there already). */
export interface TrashBulkResult extends BulkOutcome {
  changed: string[];
}

export interface ReanalyseBulkResult extends BulkOutcome {
  /** Clips analysed again. */
  done: number;
  /** Clips that could not be, each with the reason in words. */
  failed: { id: string; reason: string }[];
}

/** A clip made from others (combined images, merged texts). */
export interface MadeClip {
  clipId: string;
  /** False when an identical clip existed already: `clipId` is that one, and nothing new was made. */
  created: boolean;
}

export type CombineLayout = 'vertical' | 'horizontal';

/** A long bulk operation as it goes ('bulk-progress' events). */
export interface BulkProgress {
  operationId: string;
  /** For a person: "Tagging 500 clips". */
  label: string;
  done: number;
  total: number;
  finished: boolean;
  cancelled: boolean;
}
