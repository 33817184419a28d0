import { CLIP_KINDS, type ClipEdited, type ClipKind, type ClipMedia, type ClipView } from '../../../contract/clips.js';
import type { ClipEntryDoc, ShardDoc } from '../../../contract/shard-document.js';
import { readAnalysisEntry } from '../analysis/analysis-entry.js';

export type ClipEntryRead = { found: true; clip: ClipView } | { found: false; reason: string };

/**
 * A plain copy of `clips[clipId]` for the view. Scalar strings arrive as ImmutableString (or as
 * plain strings from older peers); both become strings here.
 */
export function readClipEntry(doc: ShardDoc | undefined, clipId: string): ClipEntryRead {
  const entry: ClipEntryDoc | undefined = doc?.clips?.[clipId];
  if (entry === undefined || entry === null) return { found: false, reason: 'This clip no longer exists. It may have been deleted for good on another device.' };
  const kind = String(entry.kind);
  if (!isClipKind(kind)) return { found: false, reason: `This clip has a kind this version of ClipShot cannot show (${kind}).` };
  return {
    found: true,
    clip: {
      id: clipId,
      kind,
      title: String(entry.title ?? ''),
      notes: String(entry.notes ?? ''),
      tags: Object.keys(entry.tags ?? {}).sort(compareTags),
      collections: Object.keys(entry.collections ?? {}).sort(compareTags),
      capturedAt: entry.capturedAt,
      importedAt: entry.importedAt,
      updatedAt: entry.updatedAt,
      deletedAt: entry.deletedAt ?? null,
      contentHash: String(entry.contentHash ?? ''),
      media: readMedia(entry),
      text: String(entry.edited?.text ?? entry.text ?? ''),
      sourceName: String(entry.sourceName ?? ''),
      edited: readEdited(entry),
      ...(entry.analysis && { analysis: readAnalysisEntry(entry.analysis) }),
    },
  };
}

function readEdited(entry: ClipEntryDoc): ClipEdited | null {
  const edited = entry.edited;
  if (!edited) return null;
  return {
    summary: String(edited.summary ?? ''),
    at: edited.at,
    ...(edited.thumb !== undefined && { thumb: String(edited.thumb) }),
    ...(edited.width !== undefined && { width: edited.width }),
    ...(edited.height !== undefined && { height: edited.height }),
    ...(edited.durationMs !== undefined && { durationMs: edited.durationMs }),
  };
}

function readMedia(entry: ClipEntryDoc): ClipMedia | null {
  const media = entry.media;
  if (!media) return null;
  return {
    blob: String(media.blob),
    mime: String(media.mime),
    size: media.size,
    ...(media.width !== undefined && { width: media.width }),
    ...(media.height !== undefined && { height: media.height }),
    ...(media.durationMs !== undefined && { durationMs: media.durationMs }),
    ...(media.thumb !== undefined && { thumb: String(media.thumb) }),
  };
}

function isClipKind(kind: string): kind is ClipKind {
  return (CLIP_KINDS as readonly string[]).includes(kind);
}

const tagCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function compareTags(a: string, b: string): number {
  return tagCollator.compare(a, b);
}
