import { OcrError } from './ocr-errors.js';

/** The pixels recognition needs from an AnalysisImage. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** Tightly packed RGB, 3 bytes per pixel, row by row. */
  readonly rgb: Uint8Array;
}

/** 100 megapixels: past any screen or photo a person clips, and ~300 MB of float tensors already. */
export const MAX_PIXELS = 100_000_000;

/** Refuses what cannot be an image before any buffer is sized from it. */
export function checkImage(image: RgbImage): void {
  const { width, height, rgb } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new OcrError('invalid-image', `the image must have a positive whole-number size, not ${String(width)}×${String(height)}`);
  }
  if (width * height > MAX_PIXELS) throw new OcrError('invalid-image', `the image is ${width}×${height}, more than the ${MAX_PIXELS / 1e6} megapixels recognition reads`);
  if (!(rgb instanceof Uint8Array)) throw new OcrError('invalid-image', 'the image has no RGB bytes');
  const expected = width * height * 3;
  if (rgb.length !== expected) {
    throw new OcrError('invalid-image', `a ${width}×${height} RGB image has ${expected} bytes, but ${rgb.length} were given`);
  }
}
