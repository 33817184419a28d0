// The recognised lines laid over the picture as text a person can select: where each line's
// text goes, and what a selection over them copies.
import type { Point, RecognisedLine } from '../../../contract/analysis.js';

/** A line's text placed on its box, in the picture's pixels (the edited picture, as shown). */
export interface LinePlacement {
  /** The box's corners, as an SVG polygon's points. */
  points: string;
  /** The start of the text before turning: halfway down the box's left edge (the text is centred on it). */
  x: number;
  y: number;
  /** Along the box's top edge and across it. */
  length: number;
  thickness: number;
  /** The top edge's turn, degrees clockwise: a line recognised at a slant is laid at the same slant. */
  angle: number;
  /** Turns the text about the box's top left corner; undefined for a level line. */
  transform: string | undefined;
  fontSize: number;
}

/** Glyphs fill most of a box's height; the rest is the box's margin around them. */
const GLYPH_SHARE = 0.8;

/**
 * Where a line goes when the recognised image measured `scale` times less than the picture shown
 * (analysis may decode a large picture smaller): the boxes come in the recognised image's pixels.
 */
export function placeLine(line: RecognisedLine, scale: { x: number; y: number }): LinePlacement {
  const [topLeft, topRight, , bottomLeft] = line.box.map(([x, y]): Point => [x * scale.x, y * scale.y]) as [Point, Point, Point, Point];
  const length = Math.max(1, Math.hypot(topRight[0] - topLeft[0], topRight[1] - topLeft[1]));
  const thickness = Math.max(1, Math.hypot(bottomLeft[0] - topLeft[0], bottomLeft[1] - topLeft[1]));
  const angle = (Math.atan2(topRight[1] - topLeft[1], topRight[0] - topLeft[0]) * 180) / Math.PI;
  const corners = line.box.map(([x, y]) => `${round(x * scale.x)},${round(y * scale.y)}`).join(' ');
  return {
    points: corners,
    x: round(topLeft[0]),
    y: round(topLeft[1] + thickness / 2),
    length: round(length),
    thickness: round(thickness),
    angle: round(angle),
    transform: round(angle) === 0 ? undefined : `rotate(${round(angle)} ${round(topLeft[0])} ${round(topLeft[1])})`,
    fontSize: round(thickness * GLYPH_SHARE),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * What a selection over the lines copies: the selected part of each line it touches, one line
 * each (the browser would run the lines of separate SVG text elements together).
 */
export function selectedLines(lines: readonly Text[], range: Range): string {
  const parts: string[] = [];
  for (const node of lines) {
    if (!range.intersectsNode(node)) continue;
    const start = range.startContainer === node ? range.startOffset : 0;
    const end = range.endContainer === node ? range.endOffset : node.length;
    if (end > start) parts.push(node.data.slice(start, end));
  }
  return parts.join('\n');
}
