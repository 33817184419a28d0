// Annotations on an image clip: what each kind stores, how it is checked when read from a
// document (another device or an older version may have written it), and how it is written.
// Every coordinate is in pixels of the original image, before crop and rotation, so an
// annotation stays on the pixels it was drawn on whatever is cropped or rotated later.
import { ImmutableString, isImmutableString } from '@automerge/automerge/slim';
import { z } from 'zod';

export const ANNOTATION_KINDS = ['arrow', 'line', 'rect', 'ellipse', 'pen', 'highlighter', 'text', 'step', 'spotlight', 'blur', 'pixelate', 'box'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** Kinds that hide what is under them: burned into every export, copy and thumbnail. */
export const REDACTION_KINDS = ['blur', 'pixelate', 'box'] as const satisfies readonly AnnotationKind[];

interface AnnotationBase {
  id: string;
  /** Stacking order: higher is drawn later (on top); ties break by id, so every device agrees. */
  z: number;
  /** ms since the epoch; step markers are numbered in this order. */
  createdAt: number;
  /** #rrggbb or #rrggbbaa. */
  color: string;
}

export interface LineAnnotation extends AnnotationBase {
  kind: 'arrow' | 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Stroke width in image pixels. */
  width: number;
}

export interface ShapeAnnotation extends AnnotationBase {
  kind: 'rect' | 'ellipse';
  x: number;
  y: number;
  w: number;
  h: number;
  width: number;
  fill: string | null;
}

export interface StrokeAnnotation extends AnnotationBase {
  kind: 'pen' | 'highlighter';
  /** The stroke's box; moving or resizing the stroke changes only these. */
  x: number;
  y: number;
  w: number;
  h: number;
  width: number;
  /** "u,v u,v …": each point as a fraction (0..1) of the box. */
  points: string;
}

export interface TextAnnotation extends AnnotationBase {
  kind: 'text';
  /** Top-left corner of the text. */
  x: number;
  y: number;
  /** Font size in image pixels. */
  size: number;
  text: string;
  background: string | null;
}

export interface StepAnnotation extends AnnotationBase {
  kind: 'step';
  /** Centre of the marker. */
  x: number;
  y: number;
  /** Diameter in image pixels. */
  size: number;
}

export interface SpotlightAnnotation extends AnnotationBase {
  kind: 'spotlight';
  x: number;
  y: number;
  w: number;
  h: number;
  shape: 'rect' | 'ellipse';
  /** How dark everything outside gets, 0..1. */
  dim: number;
}

export interface RedactionAnnotation extends AnnotationBase {
  kind: 'blur' | 'pixelate';
  x: number;
  y: number;
  w: number;
  h: number;
  /** Blur radius or pixel block size, in image pixels. */
  strength: number;
}

/** A solid box: what was under it is gone from every export. */
export interface SolidBoxAnnotation extends AnnotationBase {
  kind: 'box';
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Annotation = LineAnnotation | ShapeAnnotation | StrokeAnnotation | TextAnnotation | StepAnnotation | SpotlightAnnotation | RedactionAnnotation | SolidBoxAnnotation;

/** An annotation as a document stores it: the same fields, strings as ImmutableString (one op, not one per character). */
export type AnnotationDoc = { [K in keyof Annotation]: Annotation[K] extends string ? ImmutableString : Annotation[K] extends string | null ? ImmutableString | null : Annotation[K] };

export const MAX_ANNOTATIONS = 2000;
export const MAX_ANNOTATION_TEXT = 2000;
const MAX_POINTS_CHARS = 400_000;
const COORDINATE_LIMIT = 1_000_000;

const scalarString = z.union([z.string(), z.custom<ImmutableString>((value) => isImmutableString(value))]).transform((value) => value.toString());
const coordinate = z.number().finite().min(-COORDINATE_LIMIT).max(COORDINATE_LIMIT);
const extent = z.number().finite().min(0).max(COORDINATE_LIMIT);
const positive = z.number().finite().positive().max(COORDINATE_LIMIT);
export const colorSchema = scalarString.pipe(z.string().regex(/^#[0-9a-f]{6}([0-9a-f]{2})?$/i, 'a colour is #rrggbb or #rrggbbaa'));
const optionalColor = z.union([colorSchema, z.null()]);
const base = {
  id: scalarString.pipe(z.string().regex(/^[0-9a-z]{1,40}$/, 'not an annotation id')),
  z: z.number().finite(),
  createdAt: z.number().finite().nonnegative(),
  color: colorSchema,
};
const box = { x: coordinate, y: coordinate, w: extent, h: extent };

export const annotationSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.enum(['arrow', 'line']), x1: coordinate, y1: coordinate, x2: coordinate, y2: coordinate, width: positive }),
  z.object({ ...base, ...box, kind: z.enum(['rect', 'ellipse']), width: positive, fill: optionalColor }),
  z.object({
    ...base,
    ...box,
    kind: z.enum(['pen', 'highlighter']),
    width: positive,
    points: scalarString.pipe(z.string().max(MAX_POINTS_CHARS).regex(/^(-?[\d.]+,-?[\d.]+)( -?[\d.]+,-?[\d.]+)*$/, 'points are "u,v u,v …"')),
  }),
  z.object({ ...base, kind: z.literal('text'), x: coordinate, y: coordinate, size: positive, text: scalarString.pipe(z.string().max(MAX_ANNOTATION_TEXT)), background: optionalColor }),
  z.object({ ...base, kind: z.literal('step'), x: coordinate, y: coordinate, size: positive }),
  z.object({ ...base, ...box, kind: z.literal('spotlight'), shape: scalarString.pipe(z.enum(['rect', 'ellipse'])), dim: z.number().min(0).max(1) }),
  z.object({ ...base, ...box, kind: z.enum(['blur', 'pixelate']), strength: positive }),
  z.object({ ...base, ...box, kind: z.literal('box') }),
]);

/** Turns the kind field into a plain string first: documents store it as ImmutableString. */
function withPlainKind(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const kind = (raw as { kind?: unknown }).kind;
  return isImmutableString(kind) ? { ...(raw as object), kind: kind.toString() } : raw;
}

export type AnnotationRead = { ok: true; annotation: Annotation } | { ok: false; reason: string };

/** Reads one annotation from a document (or a request), plain strings out; says why one is unusable. */
export function readAnnotation(key: string, raw: unknown): AnnotationRead {
  const parsed = annotationSchema.safeParse(withPlainKind(raw));
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.slice(0, 2).map((issue) => `${issue.path.join('.') || 'annotation'}: ${issue.message}`).join('; ') };
  if (parsed.data.id !== key) return { ok: false, reason: `annotation key ${key} does not match its id ${parsed.data.id}` };
  return { ok: true, annotation: parsed.data as Annotation };
}

/**
 * A redaction that cannot be read whole (a newer version's field, a peer's bad value) but whose
 * region can: drawn as a black box instead, so what it was meant to hide stays hidden.
 */
export function salvageRedaction(key: string, raw: unknown): SolidBoxAnnotation | null {
  if (raw === null || typeof raw !== 'object' || !/^[0-9a-z]{1,40}$/.test(key)) return null;
  const fields = raw as Record<string, unknown>;
  const kind = isImmutableString(fields.kind) ? fields.kind.toString() : fields.kind;
  if (!(REDACTION_KINDS as readonly unknown[]).includes(kind)) return null;
  const region = box.x.safeParse(fields.x).success && box.y.safeParse(fields.y).success && positive.safeParse(fields.w).success && positive.safeParse(fields.h).success;
  if (!region) return null;
  const z = typeof fields.z === 'number' && Number.isFinite(fields.z) ? fields.z : 0;
  return { id: key, kind: 'box', z, createdAt: 0, color: '#000000', x: fields.x as number, y: fields.y as number, w: fields.w as number, h: fields.h as number };
}

/** The annotation as a document stores it. */
export function toAnnotationDoc(annotation: Annotation): AnnotationDoc {
  const doc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(annotation)) doc[key] = typeof value === 'string' ? new ImmutableString(value) : value;
  return doc as AnnotationDoc;
}

/** Drawing order: by z, then by id, so every device stacks concurrent additions the same way. */
export function compareStacking(a: Pick<Annotation, 'z' | 'id'>, b: Pick<Annotation, 'z' | 'id'>): number {
  return a.z - b.z || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
