// Plane geometry for text boxes: convex hull, minimum-area rectangle, polygon offset. Written for
// DB post-processing, where OpenCV's minAreaRect and pyclipper's offset would otherwise be used.

export type Vec = readonly [x: number, y: number];
export type Quad = readonly [Vec, Vec, Vec, Vec];

export interface RotatedRect {
  /** Corners clockwise in image coordinates (y down), starting at the top left. */
  readonly corners: Quad;
  readonly width: number;
  readonly height: number;
}

function cross(o: Vec, a: Vec, b: Vec): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-up terms, without collinear points. */
export function convexHull(points: readonly Vec[]): Vec[] {
  if (points.length < 3) return dedupe(points);
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const lower: Vec[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Vec[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  const hull = lower.concat(upper);
  return hull.length > 0 ? hull : dedupe(points);
}

function dedupe(points: readonly Vec[]): Vec[] {
  const out: Vec[] = [];
  for (const p of points) if (!out.some((q) => q[0] === p[0] && q[1] === p[1])) out.push(p);
  return out;
}

/**
 * The smallest-area rectangle around the points (rotating calipers: one side of the optimum lies
 * on a hull edge, so only the hull's edge directions are tried).
 */
export function minAreaRect(points: readonly Vec[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) throw new RangeError('minAreaRect needs at least one point');
  if (hull.length === 1) {
    const p = hull[0]!;
    return { corners: [p, p, p, p], width: 0, height: 0 };
  }
  let best: { area: number; ux: number; uy: number; minU: number; maxU: number; minV: number; maxV: number } | null = null;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length === 0) continue;
    const ux = (b[0] - a[0]) / length;
    const uy = (b[1] - a[1]) / length;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p[0] * ux + p[1] * uy;
      const v = -p[0] * uy + p[1] * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (!best || area < best.area - 1e-9) best = { area, ux, uy, minU, maxU, minV, maxV };
  }
  const { ux, uy, minU, maxU, minV, maxV } = best!;
  const at = (u: number, v: number): Vec => [u * ux - v * uy, u * uy + v * ux];
  const corners = orderCorners([at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)]);
  const w = Math.hypot(corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]);
  const h = Math.hypot(corners[3][0] - corners[0][0], corners[3][1] - corners[0][1]);
  return { corners, width: w, height: h };
}

/**
 * Puts a rectangle's corners in the order the recogniser reads them: top left, top right, bottom
 * right, bottom left (y down). The two leftmost corners are the left side, the higher of them the
 * top left, the same on the right, as PaddleOCR's get_mini_boxes does, so a box tilted less than 45°
 * reads along its longer side as text does.
 */
export function orderCorners(points: readonly [Vec, Vec, Vec, Vec]): Quad {
  const byX = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const [l0, l1, r0, r1] = byX as [Vec, Vec, Vec, Vec];
  const [topLeft, bottomLeft] = l0[1] <= l1[1] ? [l0, l1] : [l1, l0];
  const [topRight, bottomRight] = r0[1] <= r1[1] ? [r0, r1] : [r1, r0];
  return [topLeft, topRight, bottomRight, bottomLeft];
}

export function polygonArea(points: readonly Vec[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(twice) / 2;
}

export function polygonPerimeter(points: readonly Vec[]): number {
  let length = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    length += Math.hypot(b[0] - a[0], b[1] - a[1]);
  }
  return length;
}

/**
 * Grows a convex polygon outwards by `distance` with round corners (the Minkowski sum with a disc):
 * each edge moves out along its normal and each corner becomes an arc, approximated by points at
 * most `arcStep` radians apart.
 */
export function offsetConvexPolygon(points: readonly Vec[], distance: number, arcStep = Math.PI / 16): Vec[] {
  const hull = convexHull(points);
  if (hull.length === 0) return [];
  if (distance <= 0) return hull;
  if (hull.length === 1) return circle(hull[0]!, distance, arcStep);
  const out: Vec[] = [];
  const n = hull.length;
  // The hull runs counter-clockwise in y-up terms, so an edge's outward normal is (dy, -dx).
  const normalOf = (i: number): number => {
    const a = hull[i]!;
    const b = hull[(i + 1) % n]!;
    return Math.atan2(-(b[0] - a[0]), b[1] - a[1]);
  };
  for (let i = 0; i < n; i++) {
    const corner = hull[i]!;
    let from = normalOf((i - 1 + n) % n);
    const to = normalOf(i);
    while (to - from > Math.PI) from += 2 * Math.PI;
    while (from - to > Math.PI) from -= 2 * Math.PI;
    const sweep = to - from;
    const steps = Math.max(1, Math.ceil(Math.abs(sweep) / arcStep));
    for (let s = 0; s <= steps; s++) {
      const angle = from + (sweep * s) / steps;
      out.push([corner[0] + distance * Math.cos(angle), corner[1] + distance * Math.sin(angle)]);
    }
  }
  return out;
}

function circle(centre: Vec, radius: number, step: number): Vec[] {
  const count = Math.max(8, Math.ceil((2 * Math.PI) / step));
  return Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / count;
    return [centre[0] + radius * Math.cos(angle), centre[1] + radius * Math.sin(angle)] as Vec;
  });
}

/** DB's "unclip": the text kernel grown back by area × ratio / perimeter, as its training shrank it. */
export function unclip(box: Quad, ratio: number): Vec[] {
  const perimeter = polygonPerimeter(box);
  if (perimeter === 0) return [...box];
  return offsetConvexPolygon(box, (polygonArea(box) * ratio) / perimeter);
}
