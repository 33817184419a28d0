import { ImmutableString, isImmutableString } from '@automerge/automerge';
import { z } from 'zod';
import { MAX_SUGGESTED_TAGS, MAX_SUMMARY_TEXT, TAG_SOURCES, type ClipAnalysisSummary } from '../../../contract/analysis.js';
import { CLIP_KINDS, type ClipView } from '../../../contract/clips.js';

/** Version written into every shard document; readers accept this and older versions. */
export const SHARD_SCHEMA_VERSION = 1;
export const SHARD_COUNT = 256;
export const SHARD_DOC_TYPE = 'clipshot/clip-shard';

export type { ClipEntryDoc, ClipMediaDoc, ShardDoc } from '../../../contract/shard-document.js';
import type { ClipEntryDoc, ClipMediaDoc } from '../../../contract/shard-document.js';

// Peers and older versions may have written plain strings; both read the same.
const scalarString = z.union([z.string(), z.custom<ImmutableString>((value) => isImmutableString(value))]).transform((value) => value.toString());
const sha256Hex = scalarString.pipe(z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 hex digest'));
const timestamp = z.number().finite().nonnegative();
const flagSet = z.record(z.string().min(1).max(200), z.literal(true)).transform((set) => Object.keys(set).sort());

const mediaSchema = z.object({
  blob: sha256Hex,
  mime: scalarString.pipe(z.string().min(1).max(100)),
  size: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationMs: z.number().nonnegative().optional(),
  thumb: sha256Hex.optional(),
});

const editedSchema = z.object({
  thumb: sha256Hex.optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationMs: z.number().nonnegative().optional(),
  text: scalarString.optional(),
  summary: scalarString.pipe(z.string().max(500)),
  at: timestamp,
});

const tagName = z.string().min(1).max(200);
const analysisSchema = z.object({
  text: scalarString.pipe(z.string().max(MAX_SUMMARY_TEXT)),
  suggested: z.record(tagName, z.object({ score: z.number().min(0).max(1), source: scalarString.pipe(z.enum(TAG_SOURCES)) })),
  rejected: flagSet,
  input: scalarString.pipe(z.string().max(500)),
  models: scalarString.pipe(z.string().max(500)),
  at: timestamp,
});

const clipEntrySchema = z.object({
  id: scalarString.pipe(z.string().regex(/^[0-9a-z]{26}$/, 'malformed clip id')),
  kind: scalarString.pipe(z.enum(CLIP_KINDS)),
  title: scalarString.pipe(z.string().max(10_000)),
  notes: z.string().max(1_000_000),
  tags: flagSet,
  collections: flagSet,
  capturedAt: timestamp,
  importedAt: timestamp,
  updatedAt: timestamp,
  deletedAt: timestamp.nullable(),
  contentHash: sha256Hex,
  media: mediaSchema.nullable(),
  text: scalarString,
  sourceName: scalarString,
  edited: editedSchema.nullish(),
  analysis: analysisSchema.nullish(),
});

const shardHeaderSchema = z.object({
  schema: z.number().int().min(1),
  type: scalarString.pipe(z.literal(SHARD_DOC_TYPE)),
  shard: z.number().int().min(0).max(SHARD_COUNT - 1),
  clips: z.record(z.string(), z.unknown()),
});

export type EntryValidation = { ok: true; clip: ClipView } | { ok: false; reason: string };

export function validateClipEntry(key: string, raw: unknown): EntryValidation {
  const parsed = clipEntrySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
  if (parsed.data.id !== key) return { ok: false, reason: `entry key ${key} does not match its id ${parsed.data.id}` };
  const { media, edited, analysis, ...rest } = parsed.data;
  return {
    ok: true,
    clip: {
      ...rest,
      // An edited text clip shows and is found by its edited text; `text` in the entry stays the original.
      text: edited?.text ?? rest.text,
      edited: edited
        ? {
            summary: edited.summary,
            at: edited.at,
            ...(edited.thumb !== undefined && { thumb: edited.thumb }),
            ...(edited.width !== undefined && { width: edited.width }),
            ...(edited.height !== undefined && { height: edited.height }),
            ...(edited.durationMs !== undefined && { durationMs: edited.durationMs }),
          }
        : null,
      media: media && {
        blob: media.blob,
        mime: media.mime,
        size: media.size,
        ...(media.width !== undefined && { width: media.width }),
        ...(media.height !== undefined && { height: media.height }),
        ...(media.durationMs !== undefined && { durationMs: media.durationMs }),
        ...(media.thumb !== undefined && { thumb: media.thumb }),
      },
      ...(analysis && { analysis: toAnalysisSummary(analysis) }),
    },
  };
}

function toAnalysisSummary(analysis: z.infer<typeof analysisSchema>): ClipAnalysisSummary {
  const suggested = Object.entries(analysis.suggested)
    .map(([tag, { score, source }]) => ({ tag, score, source }))
    .sort((a, b) => b.score - a.score || a.tag.localeCompare(b.tag))
    .slice(0, MAX_SUGGESTED_TAGS);
  return { text: analysis.text, suggested, rejected: analysis.rejected, input: analysis.input, models: analysis.models, at: analysis.at };
}

export type ShardValidation = { ok: true; shard: number; clips: Record<string, unknown> } | { ok: false; reason: string };

export function validateShardHeader(raw: unknown, expectedShard: number): ShardValidation {
  const parsed = shardHeaderSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not a clip shard document: ${describeIssues(parsed.error)}` };
  if (parsed.data.schema > SHARD_SCHEMA_VERSION) {
    return { ok: false, reason: `written by a newer ClipShot (shard schema ${parsed.data.schema}, this version reads up to ${SHARD_SCHEMA_VERSION})` };
  }
  if (parsed.data.shard !== expectedShard) return { ok: false, reason: `document says shard ${parsed.data.shard}, expected ${expectedShard}` };
  return { ok: true, shard: parsed.data.shard, clips: parsed.data.clips };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'document'}: ${issue.message}`)
    .join('; ');
}

/** A new clip's entry (an import: nothing edited yet). */
export function toClipEntryDoc(clip: ClipView): ClipEntryDoc {
  const media: ClipMediaDoc | null = clip.media && {
    blob: new ImmutableString(clip.media.blob),
    mime: new ImmutableString(clip.media.mime),
    size: clip.media.size,
    ...(clip.media.width !== undefined && { width: clip.media.width }),
    ...(clip.media.height !== undefined && { height: clip.media.height }),
    ...(clip.media.durationMs !== undefined && { durationMs: clip.media.durationMs }),
    ...(clip.media.thumb !== undefined && { thumb: new ImmutableString(clip.media.thumb) }),
  };
  return {
    id: new ImmutableString(clip.id),
    kind: new ImmutableString(clip.kind),
    title: new ImmutableString(clip.title),
    notes: clip.notes,
    tags: Object.fromEntries(clip.tags.map((tag) => [tag, true as const])),
    collections: Object.fromEntries(clip.collections.map((collection) => [collection, true as const])),
    capturedAt: clip.capturedAt,
    importedAt: clip.importedAt,
    updatedAt: clip.updatedAt,
    deletedAt: clip.deletedAt,
    contentHash: new ImmutableString(clip.contentHash),
    media,
    text: new ImmutableString(clip.text),
    sourceName: new ImmutableString(clip.sourceName),
  };
}
