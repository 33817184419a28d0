import type { ClipAnalysisSummary } from '../../contract/analysis.js';
import type { ClipEdited, ClipKind, ClipMedia, ClipView } from '../../contract/clips.js';
import { facetTokensOf } from './fts-facets.js';
import { hasSearchableWords } from './fts-match.js';
import { titleSortKey } from './title-key.js';

export interface IndexedClip extends ClipView {
  /** The catalog shard document that holds the clip, 0..255. */
  shard: number;
}

/** idx_clips as read back; integer columns arrive as bigint (statements use safeIntegers). */
export interface ClipRow {
  sortkey: bigint;
  id: string;
  shard: bigint;
  kind: string;
  captured_at: number;
  imported_at: number;
  updated_at: number;
  deleted_at: number | null;
  title_key: string;
  content_hash: string;
  media_blob: string | null;
  media_mime: string | null;
  media_size: bigint | null;
  media_width: bigint | null;
  media_height: bigint | null;
  media_duration_ms: number | null;
  media_thumb: string | null;
  source_name: string;
  tags: string;
  collections: string;
  title: string;
  edited: string | null;
  /** ClipAnalysisSummary as JSON, without its text (that is `recognised`). */
  analysis: string | null;
  notes: string;
  body: string;
  recognised: string;
}

export const CLIP_COLUMNS = [
  'sortkey', 'id', 'shard', 'kind', 'captured_at', 'imported_at', 'updated_at', 'deleted_at', 'title_key', 'content_hash',
  'media_blob', 'media_mime', 'media_size', 'media_width', 'media_height', 'media_duration_ms', 'media_thumb',
  'source_name', 'tags', 'collections', 'edited', 'title', 'analysis', 'notes', 'body', 'recognised',
] as const;

/** The columns an upsert writes (all but the sort key); clipToRowParameters names them. */
export const WRITTEN_COLUMNS = [...CLIP_COLUMNS.filter((column) => column !== 'sortkey'), 'trashed', 'has_text', 'facets'] as const;

/** The written columns that an idx_clips index holds: SQLite rewrites an index's entry whenever an UPDATE sets one of its columns, changed or not. */
export const INDEXED_COLUMNS = ['id', 'shard', 'kind', 'trashed', 'has_text', 'imported_at', 'title_key', 'content_hash'] as const;
export const UNINDEXED_COLUMNS = WRITTEN_COLUMNS.filter((column) => !(INDEXED_COLUMNS as readonly string[]).includes(column));

/** The columns of idx_clips qualified by a table alias, for SELECT lists. */
export function clipColumns(alias: string): string {
  return CLIP_COLUMNS.map((column) => `${alias}.${column}`).join(', ');
}

export function rowToClip(row: ClipRow): IndexedClip {
  return {
    id: row.id,
    kind: row.kind as ClipKind,
    title: row.title,
    notes: row.notes,
    tags: JSON.parse(row.tags) as string[],
    collections: JSON.parse(row.collections) as string[],
    capturedAt: row.captured_at,
    importedAt: row.imported_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    contentHash: row.content_hash,
    media: rowToMedia(row),
    text: row.body,
    sourceName: row.source_name,
    edited: row.edited === null ? null : (JSON.parse(row.edited) as ClipEdited),
    ...(row.analysis !== null && { analysis: analysisOfRow(row.analysis, row.recognised) }),
    shard: Number(row.shard),
  };
}

/** The analysis column (a summary without its text) with the text kept in `recognised`. */
export function analysisOfRow(analysis: string, recognised: string): ClipAnalysisSummary {
  return { ...(JSON.parse(analysis) as Omit<ClipAnalysisSummary, 'text'>), text: recognised };
}

function rowToMedia(row: ClipRow): ClipMedia | null {
  if (row.media_blob === null) return null;
  const media: ClipMedia = { blob: row.media_blob, mime: row.media_mime ?? '', size: Number(row.media_size ?? 0) };
  // Absent, not undefined: callers compare clips structurally with their documents.
  if (row.media_width !== null) media.width = Number(row.media_width);
  if (row.media_height !== null) media.height = Number(row.media_height);
  if (row.media_duration_ms !== null) media.durationMs = row.media_duration_ms;
  if (row.media_thumb !== null) media.thumb = row.media_thumb;
  return media;
}

/** Named parameters for writing a clip's row, everything but the sort key. */
export function clipToRowParameters(clip: IndexedClip): Record<string, string | number | null> {
  const media = clip.media;
  const trashed = clip.deletedAt !== null;
  const recognised = clip.analysis?.text ?? '';
  const hasText = hasSearchableWords(clip.text) || hasSearchableWords(recognised);
  return {
    id: clip.id,
    shard: clip.shard,
    kind: clip.kind,
    trashed: trashed ? 1 : 0,
    has_text: hasText ? 1 : 0,
    facets: facetTokensOf({ kind: clip.kind, trashed, hasText, tags: clip.tags, collections: clip.collections }),
    captured_at: clip.capturedAt,
    imported_at: clip.importedAt,
    updated_at: clip.updatedAt,
    deleted_at: clip.deletedAt,
    title_key: titleSortKey(clip.title),
    content_hash: clip.contentHash,
    media_blob: media?.blob ?? null,
    media_mime: media?.mime ?? null,
    media_size: media?.size ?? null,
    media_width: media?.width ?? null,
    media_height: media?.height ?? null,
    media_duration_ms: media?.durationMs ?? null,
    media_thumb: media?.thumb ?? null,
    source_name: clip.sourceName,
    tags: JSON.stringify(clip.tags),
    collections: JSON.stringify(clip.collections),
    edited: clip.edited === null ? null : JSON.stringify(clip.edited),
    title: clip.title,
    notes: clip.notes,
    analysis: clip.analysis ? JSON.stringify({ ...clip.analysis, text: undefined }) : null,
    body: clip.text,
    recognised,
  };
}
