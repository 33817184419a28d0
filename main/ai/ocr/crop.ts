// Text-line crops for the classifier and recogniser, as PaddleOCR's get_rotate_crop_image followed
// by resize_norm_img: the quad is straightened by a perspective map, scaled to the model's height,
// normalised to [-1, 1] in BGR planes and written into its slot of a zero-padded batch tensor.
// Straightening and scaling are one sampling pass here instead of two.

import type { Quad, Vec } from './geometry.js';
import type { RgbImage } from './image-checks.js';

/** The straightened crop's size before scaling, as PaddleOCR measures it (longest opposite sides). */
export function cropSize(quad: Quad): { width: number; height: number } {
  const [p0, p1, p2, p3] = quad;
  const width = Math.trunc(Math.max(distance(p0, p1), distance(p2, p3)));
  const height = Math.trunc(Math.max(distance(p0, p3), distance(p1, p2)));
  return { width: Math.max(width, 1), height: Math.max(height, 1) };
}

/** The same region read from another corner: a quarter turn anticlockwise of the crop. */
export function turnQuarter(quad: Quad): Quad {
  return [quad[1], quad[2], quad[3], quad[0]];
}

/** The same region read upside down. */
export function turnHalf(quad: Quad): Quad {
  return [quad[2], quad[3], quad[0], quad[1]];
}

/** Vertical crops (at least 1.5 times taller than wide) are read turned a quarter, as PaddleOCR does. */
export function readingQuad(quad: Quad): Quad {
  const { width, height } = cropSize(quad);
  return height / width >= 1.5 ? turnQuarter(quad) : quad;
}

export interface TensorSlot {
  readonly tensor: Float32Array;
  /** Which image of the batch. */
  readonly index: number;
  readonly tensorWidth: number;
  readonly tensorHeight: number;
}

/**
 * Samples the quad's region into `width` × slot height pixels at the left of the slot (the rest
 * stays zero: PaddleOCR pads normalised images with 0). Pixels outside the image repeat its edge.
 */
export function writeCrop(image: RgbImage, quad: Quad, width: number, slot: TensorSlot): void {
  const { tensor, index, tensorWidth, tensorHeight } = slot;
  const { width: imageW, height: imageH, rgb } = image;
  const { width: cropW, height: cropH } = cropSize(quad);
  const { a, b, c, d, e, f, g, h } = unitSquareToQuad(quad);
  const plane = tensorWidth * tensorHeight;
  const base = index * 3 * plane;
  const scaleX = cropW / width;
  const scaleY = cropH / tensorHeight;
  // Shrinking by more than half would skip pixels outright: average a few samples per output pixel.
  const taps = Math.min(4, Math.max(1, Math.ceil(Math.max(scaleX, scaleY) - 0.5)));
  const norm = 1 / (127.5 * taps * taps);
  const maxX = imageW - 1;
  const maxY = imageH - 1;
  for (let j = 0; j < tensorHeight; j++) {
    for (let i = 0; i < width; i++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let sj = 0; sj < taps; sj++) {
        const v = ((j + (sj + 0.5) / taps) * scaleY - 0.5) / cropH;
        for (let si = 0; si < taps; si++) {
          const u = ((i + (si + 0.5) / taps) * scaleX - 0.5) / cropW;
          const w = g * u + h * v + 1;
          // Bilinear, with pixels outside the image repeating its edge (OpenCV's BORDER_REPLICATE).
          const x = Math.min(Math.max((a * u + b * v + c) / w, 0), maxX);
          const y = Math.min(Math.max((d * u + e * v + f) / w, 0), maxY);
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const fx = x - x0;
          const fy = y - y0;
          const right = x0 < maxX ? 3 : 0;
          const down = y0 < maxY ? imageW * 3 : 0;
          const p = (y0 * imageW + x0) * 3;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          red += rgb[p]! * w00 + rgb[p + right]! * w01 + rgb[p + down]! * w10 + rgb[p + down + right]! * w11;
          green += rgb[p + 1]! * w00 + rgb[p + right + 1]! * w01 + rgb[p + down + 1]! * w10 + rgb[p + down + right + 1]! * w11;
          blue += rgb[p + 2]! * w00 + rgb[p + right + 2]! * w01 + rgb[p + down + 2]! * w10 + rgb[p + down + right + 2]! * w11;
        }
      }
      const at = base + j * tensorWidth + i;
      tensor[at] = blue * norm - 1;
      tensor[at + plane] = green * norm - 1;
      tensor[at + 2 * plane] = red * norm - 1;
    }
  }
}

/** Coefficients of x = (a·u + b·v + c) / (g·u + h·v + 1), y = (d·u + e·v + f) / (g·u + h·v + 1). */
export interface Projective {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
  readonly g: number;
  readonly h: number;
}

/**
 * The projective map taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to the quad's
 * corners in order (Heckbert's closed form).
 */
export function unitSquareToQuad(quad: Quad): Projective {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  let g = 0;
  let h = 0;
  const dx1 = x1 - x2;
  const dx2 = x3 - x2;
  const dy1 = y1 - y2;
  const dy2 = y3 - y2;
  const den = dx1 * dy2 - dx2 * dy1;
  if ((sx !== 0 || sy !== 0) && den !== 0) {
    g = (sx * dy2 - dx2 * sy) / den;
    h = (dx1 * sy - sx * dy1) / den;
  }
  const a = x1 - x0 + g * x1;
  const b = x3 - x0 + h * x3;
  const d = y1 - y0 + g * y1;
  const e = y3 - y0 + h * y3;
  return { a, b, c: x0, d, e, f: y0, g, h };
}

function distance(a: Vec, b: Vec): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}
