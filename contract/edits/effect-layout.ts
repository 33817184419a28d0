// The images a blur or pixelate redaction shows through its region: how the core makes them and
// how the scene lays them over the picture. Both are reduced images scaled up, which keeps them
// small on the wire and fast to draw (an SVG filter would be neither, and differs between renderers).
import type { Size } from './image-geometry.js';

export type RedactionEffect = 'blur' | 'pixelate';

/** A redaction weaker than this hides too little (a 1-pixel block is the original). */
export const MIN_REDACTION_STRENGTH = 4;
/** The media request's own limit. */
export const MAX_REDACTION_STRENGTH = 512;

export function redactionStrength(strength: number): number {
  if (!Number.isFinite(strength)) return MIN_REDACTION_STRENGTH;
  return Math.min(MAX_REDACTION_STRENGTH, Math.max(MIN_REDACTION_STRENGTH, Math.round(strength)));
}

export interface EffectLayout {
  /** The effect image's own size in pixels. */
  pixels: Size;
  /** The size it is drawn at, from the image's top-left corner, in image pixels. */
  drawn: Size;
  /** Blocks keep hard edges; a blur is smoothed. */
  imageRendering: 'pixelated' | 'auto';
  /** For a blur: the Gaussian sigma applied to the reduced image. */
  sigma: number;
}

/**
 * Pixelate: one pixel per `strength`-square block, aligned to the image's corner, drawn with hard
 * edges (so every region of the same strength agrees on the grid). Blur: the image reduced by a
 * factor that grows with the strength, blurred by what remains of the strength, drawn smoothly.
 */
export function effectLayout(effect: RedactionEffect, rawStrength: number, image: Size): EffectLayout {
  const strength = redactionStrength(rawStrength);
  if (effect === 'pixelate') {
    const pixels = { width: Math.ceil(image.width / strength), height: Math.ceil(image.height / strength) };
    return { pixels, drawn: { width: pixels.width * strength, height: pixels.height * strength }, imageRendering: 'pixelated', sigma: 0 };
  }
  const factor = Math.max(2, Math.floor(strength / 3));
  const pixels = { width: Math.max(1, Math.ceil(image.width / factor)), height: Math.max(1, Math.ceil(image.height / factor)) };
  return { pixels, drawn: { ...image }, imageRendering: 'auto', sigma: Math.max(0.5, strength / factor) };
}
