// The images blur and pixelate redactions show through their regions (contract/edits/effect-layout.ts):
// made from the original, opaque (a transparent original must not show through a redaction), and
// kept in a small cache, since the editor asks for the same ones again and again while drawing.
import sharp from 'sharp';
import { effectLayout, redactionStrength, type RedactionEffect } from '../../../contract/edits/effect-layout.js';
import { ByteLru } from './byte-lru.js';
import { upright, type SourceImage } from './source-image.js';

const cache = new ByteLru(48 * 1024 * 1024);
const OPAQUE_BACKGROUND = '#ffffff';

export interface EffectImage {
  bytes: Buffer;
  /** A blur is smooth, so JPEG keeps it small (and quick for librsvg to read); pixel blocks stay PNG. */
  mime: 'image/png' | 'image/jpeg';
}

/** The effect image of an image clip's original; `blob` keys the cache. */
export async function effectImage(blob: string, source: () => Promise<SourceImage>, effect: RedactionEffect, rawStrength: number): Promise<EffectImage> {
  const strength = redactionStrength(rawStrength);
  const mime = effect === 'blur' ? 'image/jpeg' : 'image/png';
  const key = `${blob}:${effect}:${strength}`;
  const cached = cache.get(key);
  if (cached) return { bytes: cached, mime };
  const bytes = await makeEffectImage(await source(), effect, strength);
  cache.set(key, bytes);
  return { bytes, mime };
}

export async function makeEffectImage(source: SourceImage, effect: RedactionEffect, strength: number): Promise<Buffer> {
  const layout = effectLayout(effect, strength, source);
  const opaque = () => upright(source.bytes).flatten({ background: OPAQUE_BACKGROUND });
  if (effect === 'blur') {
    return opaque().resize(layout.pixels.width, layout.pixels.height, { fit: 'fill' }).blur(layout.sigma).jpeg({ quality: 85 }).toBuffer();
  }
  // Pixelate: widen the image to whole blocks (repeating its edge), then average each block into
  // one pixel. Two steps: sharp resizes before it extends within one pipeline.
  const widened = await opaque()
    .extend({ right: layout.drawn.width - source.width, bottom: layout.drawn.height - source.height, extendWith: 'copy' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(widened.data, { raw: widened.info, limitInputPixels: false }).resize(layout.pixels.width, layout.pixels.height, { fit: 'fill', kernel: 'linear' }).removeAlpha().png().toBuffer();
}
