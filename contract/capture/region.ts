// Region maths of a screen capture, shared by the overlay (which draws and moves the region) and
// the core (which crops the screenshot and remembers the last region). Regions are in pixels of
// the screenshot of one display (device pixels); displays and windows are reported by the OS in
// the virtual desktop's device-independent pixels (DIP), each display with its own scale.

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** A display as the OS describes it: where it sits on the virtual desktop (DIP) and its scale. */
export interface CaptureDisplay {
  id: string;
  bounds: Rect;
  /** Device pixels per DIP (1, 1.25, 2 …). */
  scaleFactor: number;
}

export type ArrowKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

/** The rectangle a drag between two pointer positions covers, snapped to whole pixels. */
export function normaliseDrag(start: Point, end: Point): Rect {
  const x0 = Math.round(Math.min(start.x, end.x));
  const y0 = Math.round(Math.min(start.y, end.y));
  const x1 = Math.round(Math.max(start.x, end.x));
  const y1 = Math.round(Math.max(start.y, end.y));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The part of `rect` inside `bounds` (a screenshot's size); an empty rect when they do not meet. */
export function clampRect(rect: Rect, bounds: Size): Rect {
  const x0 = clamp(rect.x, 0, bounds.width);
  const y0 = clamp(rect.y, 0, bounds.height);
  const x1 = clamp(rect.x + rect.width, 0, bounds.width);
  const y1 = clamp(rect.y + rect.height, 0, bounds.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

export function isEmptyRect(rect: Rect): boolean {
  return rect.width < 1 || rect.height < 1;
}

/**
 * An arrow key on the region: without Shift it moves by `step` pixels, staying on the display;
 * with Shift it resizes from the bottom-right corner (Right/Down grow, Left/Up shrink), never
 * below one pixel nor past the display's edge.
 */
export function nudgeRegion(rect: Rect, key: ArrowKey, options: { resize: boolean; step?: number }, bounds: Size): Rect {
  const step = options.step ?? 1;
  const dx = key === 'ArrowLeft' ? -step : key === 'ArrowRight' ? step : 0;
  const dy = key === 'ArrowUp' ? -step : key === 'ArrowDown' ? step : 0;
  if (options.resize) {
    const width = clamp(rect.width + dx, 1, bounds.width - rect.x);
    const height = clamp(rect.height + dy, 1, bounds.height - rect.y);
    return { ...rect, width, height };
  }
  return {
    ...rect,
    x: clamp(rect.x + dx, 0, Math.max(0, bounds.width - rect.width)),
    y: clamp(rect.y + dy, 0, Math.max(0, bounds.height - rect.height)),
  };
}

/**
 * A rectangle on the virtual desktop (DIP) in the pixels of one display's screenshot: moved to the
 * display's origin, scaled by its factor, widened to whole pixels (a window's edge at 100.5 device
 * pixels keeps its last half pixel), and cut to the display.
 */
export function dipToDisplayPixels(rect: Rect, display: CaptureDisplay, screenshot: Size): Rect {
  const scale = display.scaleFactor;
  const x0 = Math.floor((rect.x - display.bounds.x) * scale + 1e-9);
  const y0 = Math.floor((rect.y - display.bounds.y) * scale + 1e-9);
  const x1 = Math.ceil((rect.x + rect.width - display.bounds.x) * scale - 1e-9);
  const y1 = Math.ceil((rect.y + rect.height - display.bounds.y) * scale - 1e-9);
  return clampRect({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, screenshot);
}

/** A region of one display's screenshot on the virtual desktop (DIP): what "repeat last region" keeps. */
export function displayPixelsToDip(rect: Rect, display: CaptureDisplay): Rect {
  const scale = display.scaleFactor;
  return {
    x: display.bounds.x + rect.x / scale,
    y: display.bounds.y + rect.y / scale,
    width: rect.width / scale,
    height: rect.height / scale,
  };
}

/** The display a point of the virtual desktop (DIP) is on; the nearest one when it is on none. */
export function displayAt(point: Point, displays: readonly CaptureDisplay[]): CaptureDisplay | null {
  let best: CaptureDisplay | null = null;
  let bestDistance = Infinity;
  for (const display of displays) {
    const { x, y, width, height } = display.bounds;
    const dx = Math.max(x - point.x, 0, point.x - (x + width));
    const dy = Math.max(y - point.y, 0, point.y - (y + height));
    const distance = Math.hypot(dx, dy);
    if (distance < bestDistance) {
      best = display;
      bestDistance = distance;
    }
  }
  return best;
}

/** The display holding most of a rectangle (DIP): where "repeat last region" captures. */
export function displayOfRect(rect: Rect, displays: readonly CaptureDisplay[]): CaptureDisplay | null {
  let best: CaptureDisplay | null = null;
  let bestArea = 0;
  for (const display of displays) {
    const overlap = intersect(rect, display.bounds);
    const area = overlap.width * overlap.height;
    if (area > bestArea) {
      best = display;
      bestArea = area;
    }
  }
  return best ?? displayAt({ x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 }, displays);
}

export function intersect(a: Rect, b: Rect): Rect {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

export function containsPoint(rect: Rect, point: Point): boolean {
  return point.x >= rect.x && point.x < rect.x + rect.width && point.y >= rect.y && point.y < rect.y + rect.height;
}

/** "640 × 400 at 12, 30": how the overlay and the CLI say where a region is. */
export function describeRect(rect: Rect): string {
  return `${rect.width} × ${rect.height} at ${rect.x}, ${rect.y}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
