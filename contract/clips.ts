// The typed contract shared by main, preload and renderer: what a clip looks like from outside the core.
import type { ClipSortField } from './api.js';
import type { ClipAnalysisSummary } from './analysis.js';

export const CLIP_KINDS = ['image', 'video', 'text'] as const;
export type ClipKind = (typeof CLIP_KINDS)[number];

export interface ClipMedia {
  /** SHA-256 (hex) of the original file, the key of its blob. */
  blob: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  durationMs?: number;
  /** SHA-256 (hex) of the thumbnail blob (WebP), when one exists. */
  thumb?: string;
}

export interface ClipView {
  id: string;
  kind: ClipKind;
  title: string;
  notes: string;
  tags: string[];
  collections: string[];
  /** Capture time (EXIF, file time or import time), ms since the epoch. */
  capturedAt: number;
  importedAt: number;
  updatedAt: number;
  /** Set while the clip is in the trash. */
  deletedAt: number | null;
  /** SHA-256 (hex) of the clip's content: the original file, or the text of a text clip. */
  contentHash: string;
  media: ClipMedia | null;
  /** The text of a text clip (possibly a prefix of a long one), else ''. With edits, the edited text. */
  text: string;
  sourceName: string;
  /** The clip's edits as rendered by the core; null while the clip is as it was imported. */
  edited: ClipEdited | null;
  /** What on-device analysis found (recognised text, suggested tags); absent until the clip is analysed. */
  analysis?: ClipAnalysisSummary;
}

/**
 * What a clip's edits come to, derived by the core from the clip's detail document whenever the
 * edits change (the edits themselves live there): what the grid shows instead of the original.
 */
export interface ClipEdited {
  /** SHA-256 (hex) of the thumbnail (WebP) with every edit burned in, redactions included. */
  thumb?: string;
  /** Size of the edited picture (after crop and rotation). */
  width?: number;
  height?: number;
  /** Duration of a trimmed video. */
  durationMs?: number;
  /** A few words for a person: "3 annotations, cropped", "trimmed to 0:12". */
  summary: string;
  /** When this rendering was made, ms since the epoch. */
  at: number;
}

export type SortOrder = 'newest' | 'oldest';

export interface ClipQuery {
  kind?: ClipKind;
  tag?: string;
  collection?: string;
  /** Capture-time range, ms since the epoch, inclusive start and exclusive end. */
  from?: number;
  to?: number;
  hasText?: boolean;
  /** Full-text words; every word must match (title, notes, text, recognised text). */
  text?: string;
  trash?: boolean;
  /** The capture-time direction, for the CLI; give `direction` instead when using `orderBy`. */
  sort?: SortOrder;
  /** What the list is ordered by (default captured). */
  orderBy?: ClipSortField;
  /** Default: newest first for captured and imported, A to Z for title. */
  direction?: 'asc' | 'desc';
  limit?: number;
  /** From the previous page of the same order; not together with `offset`. */
  cursor?: string;
  /** Rows to skip (a virtualised grid jumping to a row); not together with `cursor`. */
  offset?: number;
}

export interface ClipPage<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}
