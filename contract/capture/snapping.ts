// Snapping a capture region to the windows on screen: the window under the pointer is offered
// whole (a click takes it), and a dragged edge that comes within a few pixels of a window's edge
// lands exactly on it, so a window is captured without a stray pixel of what is behind it.
import { containsPoint, type Point, type Rect } from './region.js';

/** A window as the overlay sees it: its rectangle in the screenshot's pixels, front-most first in any list. */
export interface SnapWindow {
  rect: Rect;
  title: string;
  app: string;
}

/** How near (screenshot pixels) an edge must come to a window's edge to snap to it. */
export const DEFAULT_SNAP_TOLERANCE = 8;

/** The front-most window under the pointer; windows are listed front-most first. */
export function windowAt<T extends SnapWindow>(point: Point, windows: readonly T[]): T | null {
  return windows.find((window) => containsPoint(window.rect, point)) ?? null;
}

/** The nearest of `edges` within `tolerance` of `value`; `value` itself when none is. */
export function snapValue(value: number, edges: readonly number[], tolerance: number): number {
  let best = value;
  let bestDistance = tolerance + Number.EPSILON;
  for (const edge of edges) {
    const distance = Math.abs(edge - value);
    if (distance < bestDistance) {
      best = edge;
      bestDistance = distance;
    }
  }
  return best;
}

/** A pointer position with each coordinate pulled onto a nearby window edge (vertical edges for x, horizontal for y). */
export function snapPoint(point: Point, windows: readonly SnapWindow[], tolerance = DEFAULT_SNAP_TOLERANCE): Point {
  const verticals = windows.flatMap((window) => [window.rect.x, window.rect.x + window.rect.width]);
  const horizontals = windows.flatMap((window) => [window.rect.y, window.rect.y + window.rect.height]);
  return { x: snapValue(point.x, verticals, tolerance), y: snapValue(point.y, horizontals, tolerance) };
}

/** Each edge of a region pulled onto a nearby window edge. */
export function snapRect(rect: Rect, windows: readonly SnapWindow[], tolerance = DEFAULT_SNAP_TOLERANCE): Rect {
  const topLeft = snapPoint({ x: rect.x, y: rect.y }, windows, tolerance);
  const bottomRight = snapPoint({ x: rect.x + rect.width, y: rect.y + rect.height }, windows, tolerance);
  return { x: topLeft.x, y: topLeft.y, width: Math.max(0, bottomRight.x - topLeft.x), height: Math.max(0, bottomRight.y - topLeft.y) };
}
