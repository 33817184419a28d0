// The editor's tools, their single-key shortcuts (as in Flameshot), and what each one draws.
import type { Annotation, AnnotationKind } from '../../../../contract/edits/annotations.js';
import type { Point } from '../../../../contract/edits/image-geometry.js';
import { round, type Box } from './annotation-geometry.js';

export type DrawingTool = AnnotationKind;
export type ToolId = 'select' | 'crop' | DrawingTool;

export interface ToolSpec {
  id: ToolId;
  label: string;
  key: string;
  /** A small picture for the button (text, so the CSP needs nothing more). */
  glyph: string;
  /** How the tool is used, for the status line. */
  hint: string;
}

export const TOOLS: readonly ToolSpec[] = [
  { id: 'select', label: 'Select', key: 'V', glyph: '⬚', hint: 'Click an annotation to select it, drag to move it, drag its handles to resize it.' },
  { id: 'arrow', label: 'Arrow', key: 'A', glyph: '➔', hint: 'Drag from the tail to the point.' },
  { id: 'line', label: 'Line', key: 'L', glyph: '╱', hint: 'Drag from one end to the other.' },
  { id: 'rect', label: 'Rectangle', key: 'R', glyph: '▭', hint: 'Drag from corner to corner.' },
  { id: 'ellipse', label: 'Ellipse', key: 'E', glyph: '◯', hint: 'Drag from corner to corner.' },
  { id: 'pen', label: 'Pen', key: 'P', glyph: '✎', hint: 'Draw freehand.' },
  { id: 'highlighter', label: 'Highlighter', key: 'H', glyph: '▬', hint: 'Draw over what to highlight.' },
  { id: 'text', label: 'Text', key: 'T', glyph: 'T', hint: 'Click where the text goes, type, then press Enter.' },
  { id: 'step', label: 'Step marker', key: 'N', glyph: '①', hint: 'Click to place the next numbered marker.' },
  { id: 'spotlight', label: 'Spotlight', key: 'S', glyph: '◐', hint: 'Drag over what to keep bright; the rest dims.' },
  { id: 'blur', label: 'Blur', key: 'B', glyph: '░', hint: 'Drag over what to blur. It stays blurred in every export.' },
  { id: 'pixelate', label: 'Pixelate', key: 'X', glyph: '▦', hint: 'Drag over what to pixelate. It stays pixelated in every export.' },
  { id: 'box', label: 'Solid box', key: 'K', glyph: '■', hint: 'Drag over what to hide. Nothing under it survives an export.' },
  { id: 'crop', label: 'Crop', key: 'C', glyph: '✂', hint: 'Drag the area to keep, then press Enter (Esc cancels).' },
];

export function toolSpec(id: ToolId): ToolSpec {
  return TOOLS.find((tool) => tool.id === id)!;
}

export const PALETTE = ['#e53935', '#fb8c00', '#ffe600', '#43a047', '#1e88e5', '#8e24aa', '#000000', '#ffffff'] as const;

const DEFAULT_COLORS: Partial<Record<DrawingTool, string>> = { highlighter: '#ffe600', box: '#000000', spotlight: '#000000' };

export function defaultColor(tool: DrawingTool): string {
  return DEFAULT_COLORS[tool] ?? PALETTE[0];
}

/** What the one size setting means for each kind of annotation, and its choices (before scaling to the image). */
export interface SizeSetting {
  label: string;
  field: 'width' | 'size' | 'strength' | null;
  choices: readonly number[];
  initial: number;
}

export function sizeSetting(kind: AnnotationKind | 'select' | 'crop'): SizeSetting {
  switch (kind) {
    case 'text':
      return { label: 'Text size', field: 'size', choices: [12, 16, 24, 32, 48, 72], initial: 24 };
    case 'step':
      return { label: 'Marker size', field: 'size', choices: [20, 28, 36, 48, 64], initial: 32 };
    case 'blur':
    case 'pixelate':
      return { label: 'Strength', field: 'strength', choices: [6, 10, 16, 24, 40], initial: 10 };
    case 'highlighter':
      return { label: 'Line width', field: 'width', choices: [10, 16, 24, 32, 48], initial: 20 };
    case 'arrow':
    case 'line':
    case 'rect':
    case 'ellipse':
    case 'pen':
      return { label: 'Line width', field: 'width', choices: [2, 3, 4, 6, 10, 16], initial: 4 };
    default:
      return { label: 'Size', field: null, choices: [], initial: 0 };
  }
}

/** Big images get proportionally bigger strokes, so a line looks the same on a 4K screenshot. */
export function sizeScale(image: { width: number; height: number }): number {
  return Math.max(1, Math.round(Math.max(image.width, image.height) / 1600));
}

export interface DrawStyle {
  color: string;
  /** The tool's size setting (line width, text size, marker size or strength), in image pixels. */
  size: number;
  /** A spotlight's shape. */
  shape?: 'rect' | 'ellipse';
}

export interface NewAnnotationBase {
  id: string;
  z: number;
  createdAt: number;
}

/**
 * The annotation a drag from `start` to `end` draws with a tool (pen and highlighter take every
 * point of the drag); null when it would draw nothing (a click with a dragging tool).
 */
export function drawnAnnotation(tool: DrawingTool, start: Point, end: Point, style: DrawStyle, base: NewAnnotationBase, path: readonly Point[] = []): Annotation | null {
  const common = { ...base, color: style.color };
  const box = boxBetween(start, end);
  const dragged = Math.hypot(end.x - start.x, end.y - start.y) >= 2;
  switch (tool) {
    case 'arrow':
    case 'line':
      return dragged ? { ...common, kind: tool, x1: round(start.x), y1: round(start.y), x2: round(end.x), y2: round(end.y), width: style.size } : null;
    case 'rect':
    case 'ellipse':
      return dragged ? { ...common, kind: tool, ...box, width: style.size, fill: null } : null;
    case 'spotlight':
      return dragged ? { ...common, kind: 'spotlight', ...box, shape: style.shape ?? 'rect', dim: 0.55 } : null;
    case 'blur':
    case 'pixelate':
      return dragged ? { ...common, kind: tool, ...box, strength: style.size } : null;
    case 'box':
      return dragged ? { ...common, kind: 'box', ...box } : null;
    case 'pen':
    case 'highlighter':
      return strokeAnnotation(tool, path.length > 0 ? path : [start], style, common);
    case 'step':
      return { ...common, kind: 'step', x: round(start.x), y: round(start.y), size: style.size };
    case 'text':
      return null;
  }
}

function strokeAnnotation(tool: 'pen' | 'highlighter', path: readonly Point[], style: DrawStyle, common: NewAnnotationBase & { color: string }): Annotation {
  const xs = path.map((p) => p.x);
  const ys = path.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  const w = Math.max(...xs) - x;
  const h = Math.max(...ys) - y;
  // Points as fractions of the box, so moving or resizing the stroke rewrites four numbers, not the points.
  const fraction = (value: number, from: number, span: number) => (span === 0 ? 0 : Math.round(((value - from) / span) * 10000) / 10000);
  const points = path.map((p) => `${fraction(p.x, x, w)},${fraction(p.y, y, h)}`).join(' ');
  return { ...common, kind: tool, x: round(x), y: round(y), w: round(w), h: round(h), width: style.size, points };
}

export function boxBetween(a: Point, b: Point): Box {
  return { x: round(Math.min(a.x, b.x)), y: round(Math.min(a.y, b.y)), w: round(Math.abs(b.x - a.x)), h: round(Math.abs(b.y - a.y)) };
}

/** A new annotation's id: time first (readable in a document dump), then randomness. */
export function newAnnotationId(): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${Date.now().toString(36)}${random[0]!.toString(36)}${random[1]!.toString(36)}`.slice(0, 40);
}
