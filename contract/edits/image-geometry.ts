// Where an image's pixels end up once cropped and rotated: the one mapping the editor (pointer
// positions) and both renderers (the transform of the annotation layer) share.
import type { CropRect, Rotation } from '../clip-details.js';

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface ImageGeometry {
  image: Size;
  /** The crop as drawn: whole pixels inside the image (the whole image when there is none). */
  crop: CropRect;
  rotation: Rotation;
  /** The size of the edited picture: the crop, with width and height swapped for a quarter turn. */
  output: Size;
  /** Why the stored crop was not used, when it was not. */
  cropProblem: string | null;
}

/**
 * The crop clamped to the image and snapped to whole pixels, so the export has a whole number of
 * pixels and redactions at integer positions stay pixel-exact. A crop outside the image is ignored.
 */
export function imageGeometry(image: Size, crop: CropRect | null, rotation: Rotation): ImageGeometry {
  const whole: CropRect = { x: 0, y: 0, w: image.width, h: image.height };
  let used = whole;
  let cropProblem: string | null = null;
  if (crop) {
    const x0 = clamp(Math.round(crop.x), 0, image.width);
    const y0 = clamp(Math.round(crop.y), 0, image.height);
    const x1 = clamp(Math.round(crop.x + crop.w), 0, image.width);
    const y1 = clamp(Math.round(crop.y + crop.h), 0, image.height);
    if (x1 - x0 >= 1 && y1 - y0 >= 1) used = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    else cropProblem = 'the crop lies outside the image; shown uncropped';
  }
  const quarter = rotation === 90 || rotation === 270;
  return { image, crop: used, rotation, output: quarter ? { width: used.h, height: used.w } : { width: used.w, height: used.h }, cropProblem };
}

/** The affine matrix [a, b, c, d, e, f] (as SVG's matrix()) from image pixels to output pixels. */
export function imageToOutputMatrix(geometry: ImageGeometry): [number, number, number, number, number, number] {
  const { x, y, w, h } = geometry.crop;
  switch (geometry.rotation) {
    case 0:
      return [1, 0, 0, 1, -x, -y];
    case 90:
      // (u, v) in the crop goes to (h - v, u).
      return [0, 1, -1, 0, h + y, -x];
    case 180:
      return [-1, 0, 0, -1, w + x, h + y];
    case 270:
      // (u, v) goes to (v, w - u).
      return [0, -1, 1, 0, -y, w + x];
  }
}

export function imageToOutput(point: Point, geometry: ImageGeometry): Point {
  const [a, b, c, d, e, f] = imageToOutputMatrix(geometry);
  return { x: a * point.x + c * point.y + e, y: b * point.x + d * point.y + f };
}

export function outputToImage(point: Point, geometry: ImageGeometry): Point {
  const [a, b, c, d, e, f] = imageToOutputMatrix(geometry);
  // The matrix is a rotation by a quarter turn (its inverse is its transpose) plus a shift.
  const px = point.x - e;
  const py = point.y - f;
  return { x: a * px + b * py, y: c * px + d * py };
}

/** A rectangle given by two corners in output pixels, as a rectangle in image pixels. */
export function outputRectToImage(from: Point, to: Point, geometry: ImageGeometry): CropRect {
  const a = outputToImage(from, geometry);
  const b = outputToImage(to, geometry);
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
