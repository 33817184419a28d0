// Where an annotation is and how it moves, grows and is hit by the pointer: all in original-image
// pixels, so the same code works whatever the crop and rotation.
import type { Annotation, LineAnnotation, StepAnnotation, TextAnnotation } from '../../../../contract/edits/annotations.js';
import { textBox } from '../../../../contract/edits/edit-scene.js';
import type { Point } from '../../../../contract/edits/image-geometry.js';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const BOX_HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'] as const;
export type HandleId = (typeof BOX_HANDLES)[number] | 'start' | 'end';

export function isLine(annotation: Annotation): annotation is LineAnnotation {
  return annotation.kind === 'arrow' || annotation.kind === 'line';
}

/** Text and step markers: placed at a point, sized by their size setting. */
export function isPlaced(annotation: Annotation): annotation is TextAnnotation | StepAnnotation {
  return annotation.kind === 'text' || annotation.kind === 'step';
}

/** The box an annotation covers (what the selection outline shows). */
export function annotationBounds(annotation: Annotation): Box {
  if (isLine(annotation)) {
    const pad = annotation.width / 2;
    const x = Math.min(annotation.x1, annotation.x2) - pad;
    const y = Math.min(annotation.y1, annotation.y2) - pad;
    return { x, y, w: Math.abs(annotation.x2 - annotation.x1) + 2 * pad, h: Math.abs(annotation.y2 - annotation.y1) + 2 * pad };
  }
  if (annotation.kind === 'text') return textBox(annotation);
  if (annotation.kind === 'step') return { x: annotation.x - annotation.size / 2, y: annotation.y - annotation.size / 2, w: annotation.size, h: annotation.size };
  return { x: annotation.x, y: annotation.y, w: annotation.w, h: annotation.h };
}

export function moveAnnotation(annotation: Annotation, dx: number, dy: number): Annotation {
  if (isLine(annotation)) {
    return { ...annotation, x1: round(annotation.x1 + dx), y1: round(annotation.y1 + dy), x2: round(annotation.x2 + dx), y2: round(annotation.y2 + dy) };
  }
  return { ...annotation, x: round(annotation.x + dx), y: round(annotation.y + dy) };
}

/** The handles a selected annotation can be resized by: its two ends, or the corners and sides of its box. */
export function handlesOf(annotation: Annotation): { id: HandleId; x: number; y: number }[] {
  if (isLine(annotation)) {
    return [
      { id: 'start', x: annotation.x1, y: annotation.y1 },
      { id: 'end', x: annotation.x2, y: annotation.y2 },
    ];
  }
  // Text and step markers change size by their size setting, not by dragging.
  if (isPlaced(annotation)) return [];
  return boxHandles(annotation);
}

export function boxHandles(box: Box): { id: HandleId; x: number; y: number }[] {
  const { x, y, w, h } = box;
  const positions: Record<(typeof BOX_HANDLES)[number], [number, number]> = {
    nw: [x, y],
    n: [x + w / 2, y],
    ne: [x + w, y],
    e: [x + w, y + h / 2],
    se: [x + w, y + h],
    s: [x + w / 2, y + h],
    sw: [x, y + h],
    w: [x, y + h / 2],
  };
  return BOX_HANDLES.map((id) => ({ id, x: positions[id][0], y: positions[id][1] }));
}

/** The annotation with one handle dragged to `to`. */
export function resizeAnnotation(annotation: Annotation, handle: HandleId, to: Point): Annotation {
  if (isLine(annotation)) {
    if (handle === 'start') return { ...annotation, x1: round(to.x), y1: round(to.y) };
    if (handle === 'end') return { ...annotation, x2: round(to.x), y2: round(to.y) };
    return annotation;
  }
  if (isPlaced(annotation)) return annotation;
  return { ...annotation, ...resizeBox(annotation, handle, to) };
}

/** A box with one handle dragged to `to`; dragged past the opposite side, it turns inside out. */
export function resizeBox(box: Box, handle: HandleId, to: Point): Box {
  let left = box.x;
  let top = box.y;
  let right = box.x + box.w;
  let bottom = box.y + box.h;
  if (handle.includes('w')) left = to.x;
  if (handle.includes('e')) right = to.x;
  if (handle.includes('n')) top = to.y;
  if (handle.includes('s')) bottom = to.y;
  return { x: round(Math.min(left, right)), y: round(Math.min(top, bottom)), w: round(Math.abs(right - left)), h: round(Math.abs(bottom - top)) };
}

/** Grows (or shrinks, for negative amounts) an annotation from its top-left corner, by keyboard. */
export function growAnnotation(annotation: Annotation, dw: number, dh: number): Annotation {
  if (isLine(annotation)) return { ...annotation, x2: round(annotation.x2 + dw), y2: round(annotation.y2 + dh) };
  if (isPlaced(annotation)) return { ...annotation, size: Math.max(4, round(annotation.size + (dw || dh))) };
  return { ...annotation, w: Math.max(1, round(annotation.w + dw)), h: Math.max(annotation.kind === 'pen' || annotation.kind === 'highlighter' ? 0 : 1, round(annotation.h + dh)) };
}

/**
 * The topmost annotation at a point, within `tolerance` pixels of its lines. Filled shapes,
 * redactions, text and markers are hit anywhere inside; an outline only near its line.
 */
export function hitTest(annotations: readonly Annotation[], point: Point, tolerance: number): Annotation | null {
  for (let i = annotations.length - 1; i >= 0; i--) {
    const annotation = annotations[i]!;
    if (hits(annotation, point, tolerance)) return annotation;
  }
  return null;
}

function hits(annotation: Annotation, p: Point, tolerance: number): boolean {
  switch (annotation.kind) {
    case 'arrow':
    case 'line':
      return distanceToSegment(p, { x: annotation.x1, y: annotation.y1 }, { x: annotation.x2, y: annotation.y2 }) <= annotation.width / 2 + tolerance;
    case 'pen':
    case 'highlighter': {
      const points = strokePoints(annotation);
      if (points.length === 1) return Math.hypot(p.x - points[0]!.x, p.y - points[0]!.y) <= annotation.width / 2 + tolerance;
      for (let i = 1; i < points.length; i++) if (distanceToSegment(p, points[i - 1]!, points[i]!) <= annotation.width / 2 + tolerance) return true;
      return false;
    }
    case 'rect': {
      if (annotation.fill !== null) return inside(p, annotation, tolerance);
      const reach = annotation.width / 2 + tolerance;
      return inside(p, annotation, reach) && !inside(p, { x: annotation.x + reach, y: annotation.y + reach, w: annotation.w - 2 * reach, h: annotation.h - 2 * reach }, 0);
    }
    case 'ellipse': {
      const rx = annotation.w / 2;
      const ry = annotation.h / 2;
      if (rx <= 0 || ry <= 0) return false;
      const cx = annotation.x + rx;
      const cy = annotation.y + ry;
      const r = Math.hypot((p.x - cx) / rx, (p.y - cy) / ry);
      if (annotation.fill !== null) return r <= 1 + tolerance / Math.min(rx, ry);
      return Math.abs(r - 1) * Math.min(rx, ry) <= annotation.width / 2 + tolerance;
    }
    case 'step':
      return Math.hypot(p.x - annotation.x, p.y - annotation.y) <= annotation.size / 2 + tolerance;
    default:
      return inside(p, annotationBounds(annotation), tolerance);
  }
}

export function strokePoints(annotation: { x: number; y: number; w: number; h: number; points: string }): Point[] {
  const points: Point[] = [];
  for (const pair of annotation.points.trim().split(/\s+/)) {
    const [u, v] = pair.split(',').map(Number);
    if (Number.isFinite(u) && Number.isFinite(v)) points.push({ x: annotation.x + u! * annotation.w, y: annotation.y + v! * annotation.h });
  }
  return points;
}

function inside(p: Point, box: Box, margin: number): boolean {
  return p.x >= box.x - margin && p.x <= box.x + box.w + margin && p.y >= box.y - margin && p.y <= box.y + box.h + margin;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Coordinates are stored to a hundredth of a pixel: finer means nothing and costs document space. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
