// A clip's detail document: its edits (annotations, crop and rotation of an image; trim, markers
// and poster frame of a video; the text of a text clip as collaborative text). One per clip,
// opened only while the clip is edited or rendered, so the catalog shards stay small.
import type { ImmutableString } from '@automerge/automerge/slim';
import { isImmutableString } from '@automerge/automerge/slim';
import { compareStacking, readAnnotation, salvageRedaction, type Annotation, type AnnotationDoc } from './edits/annotations.js';

/** Version written into every detail document; readers accept this and older versions. */
export const DETAIL_SCHEMA_VERSION = 1;
export const DETAIL_DOC_TYPE = 'clipshot/clip-detail';

export interface CropRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const ROTATIONS = [0, 90, 180, 270] as const;
export type Rotation = (typeof ROTATIONS)[number];

export interface VideoMarkerDoc {
  atMs: number;
  label: ImmutableString;
}

export interface ClipDetailDoc {
  schema: number;
  type: ImmutableString;
  clipId: ImmutableString;
  image: {
    /** In original image pixels; null: the whole image. */
    crop: CropRect | null;
    /** Clockwise degrees, applied after the crop. */
    rotation: number;
    annotations: Record<string, AnnotationDoc>;
  };
  video: {
    trimStartMs: number | null;
    trimEndMs: number | null;
    posterMs: number | null;
    markers: Record<string, VideoMarkerDoc>;
  };
  /** A text clip's text, typed together by every window and device; '' for other kinds. */
  text: string;
  /** How a text clip is shown, when the person chose: "plain", "markdown" or "code:<language>". */
  textFormat?: ImmutableString;
}

/** The message of a change to a clip's detail document: what was done, and to which clip. */
export const DETAIL_OPERATIONS = ['annotate', 'crop', 'rotate', 'trim', 'marker', 'poster', 'text', 'undo', 'revert'] as const;
export type DetailOperation = (typeof DETAIL_OPERATIONS)[number];

export function detailChangeMessage(operation: DetailOperation, clipId: string): string {
  return `${operation} ${clipId}`;
}

export interface VideoMarker {
  id: string;
  atMs: number;
  label: string;
}

/** A detail document as plain values, checked: what the renderer draws and the core renders. */
export interface ClipDetails {
  clipId: string;
  image: {
    crop: CropRect | null;
    rotation: Rotation;
    /** In stacking order, bottom first. */
    annotations: Annotation[];
  };
  video: {
    trimStartMs: number | null;
    trimEndMs: number | null;
    posterMs: number | null;
    /** In time order. */
    markers: VideoMarker[];
  };
  text: string;
  textFormat: string | null;
  /** What could not be read (an annotation from a newer version, a malformed value), one line each; the rest is used. */
  problems: string[];
}

export type ClipDetailsRead = { ok: true; details: ClipDetails } | { ok: false; reason: string };

/**
 * Reads a detail document into plain, checked values. A malformed annotation or marker is left
 * out (and said in `problems`) rather than failing the clip: one bad value must not hide the rest.
 */
export function readClipDetails(doc: unknown, clipId: string): ClipDetailsRead {
  if (doc === null || typeof doc !== 'object') return { ok: false, reason: 'not a clip detail document' };
  const raw = doc as Partial<ClipDetailDoc>;
  if (String(raw.type) !== DETAIL_DOC_TYPE) return { ok: false, reason: `not a clip detail document (type ${String(raw.type).slice(0, 40)})` };
  if (typeof raw.schema !== 'number' || raw.schema > DETAIL_SCHEMA_VERSION) {
    return { ok: false, reason: `written by a newer ClipShot (detail schema ${String(raw.schema)}, this version reads up to ${DETAIL_SCHEMA_VERSION})` };
  }
  if (String(raw.clipId) !== clipId) return { ok: false, reason: `the detail document belongs to clip ${String(raw.clipId).slice(0, 40)}, not ${clipId}` };
  const problems: string[] = [];
  const image = raw.image ?? ({} as Partial<ClipDetailDoc['image']>);
  const annotations: Annotation[] = [];
  for (const [key, value] of Object.entries(image.annotations ?? {})) {
    const read = readAnnotation(key, value);
    if (read.ok) {
      annotations.push(read.annotation);
      continue;
    }
    const salvaged = salvageRedaction(key, value);
    if (salvaged) annotations.push(salvaged);
    problems.push(`annotation ${key}: ${read.reason}${salvaged ? '; drawn as a solid box so what it hides stays hidden' : ''}`);
  }
  annotations.sort(compareStacking);
  const crop = readCrop(image.crop, problems);
  const rotation = (ROTATIONS as readonly number[]).includes(image.rotation as number) ? (image.rotation as Rotation) : 0;
  if (image.rotation !== undefined && rotation !== image.rotation) problems.push(`rotation ${String(image.rotation)} is not a quarter turn; shown unrotated`);
  const video = raw.video ?? ({} as Partial<ClipDetailDoc['video']>);
  const markers: VideoMarker[] = [];
  for (const [id, marker] of Object.entries(video.markers ?? {})) {
    if (marker && isTime(marker.atMs) && (typeof marker.label === 'string' || isImmutableString(marker.label))) markers.push({ id, atMs: marker.atMs, label: String(marker.label).slice(0, 200) });
    else problems.push(`marker ${id} is malformed`);
  }
  markers.sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1));
  return {
    ok: true,
    details: {
      clipId,
      image: { crop, rotation, annotations },
      video: {
        trimStartMs: optionalTime(video.trimStartMs),
        trimEndMs: optionalTime(video.trimEndMs),
        posterMs: optionalTime(video.posterMs),
        markers,
      },
      text: typeof raw.text === 'string' ? raw.text : String(raw.text ?? ''),
      textFormat: raw.textFormat === undefined || raw.textFormat === null ? null : String(raw.textFormat).slice(0, 60),
      problems,
    },
  };
}

function readCrop(value: unknown, problems: string[]): CropRect | null {
  if (value === null || value === undefined) return null;
  const crop = value as Partial<CropRect>;
  if ([crop.x, crop.y].every((n) => typeof n === 'number' && Number.isFinite(n)) && [crop.w, crop.h].every((n) => typeof n === 'number' && n >= 1 && Number.isFinite(n))) {
    return { x: crop.x!, y: crop.y!, w: crop.w!, h: crop.h! };
  }
  problems.push('the crop is malformed; shown uncropped');
  return null;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function optionalTime(value: unknown): number | null {
  return isTime(value) ? value : null;
}

/** Whether the details change anything about the clip, for its kind. */
export function hasEdits(details: ClipDetails, kind: 'image' | 'video' | 'text', originalText = ''): boolean {
  if (kind === 'image') return details.image.crop !== null || details.image.rotation !== 0 || details.image.annotations.length > 0;
  if (kind === 'video') return details.video.trimStartMs !== null || details.video.trimEndMs !== null || details.video.posterMs !== null || details.video.markers.length > 0;
  return details.text !== originalText;
}
