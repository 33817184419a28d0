// An image clip with its edits burned in: the exports, copies, `rendered` media and edited
// thumbnails all come from here. The original is cropped and turned by sharp; the edit scene
// (contract/edits/edit-scene.ts) is rasterised by librsvg in two layers laid over it
// (composite-layers.ts): the highlights multiplied onto it, then every other annotation. That is
// the picture the editor shows (one scene, drawn there in one piece), without librsvg decoding a
// multi-megabyte original from a data URI, which cost it more than the rest of the rendering.
import sharp, { type Sharp } from 'sharp';
import { readClipDetails, type ClipDetails } from '../../../contract/clip-details.js';
import type { ClipView } from '../../../contract/clips.js';
import { buildEditScene, effectsUsed, sceneToSvgMarkup, type SceneLayer, type SceneResources } from '../../../contract/edits/edit-scene.js';
import { imageGeometry } from '../../../contract/edits/image-geometry.js';
import type { RenderFormat } from '../../../contract/media.js';
import type { Library } from '../library.js';
import { compositeLayer, type BlendMode, type Pixels } from './composite-layers.js';
import { effectImage } from './effect-images.js';
import { loadSourceImage, upright, type SourceImage } from './source-image.js';

export const RENDER_MIME: Record<RenderFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export interface RenderedImage {
  bytes: Buffer;
  mime: string;
  width: number;
  height: number;
  /** Annotations left out of the rendering, with the reason. */
  skipped: string[];
}

export interface RawInfo {
  width: number;
  height: number;
  channels: 3 | 4;
}

/** A detail document with nothing in it: what a never-edited clip renders with. */
const NO_EDITS: Pick<ClipDetails, 'image'> = { image: { crop: null, rotation: 0, annotations: [] } };

/** The clip's edits as its detail document holds them now (none when it has no detail document). */
export async function currentImageEdits(library: Library, clipId: string): Promise<Pick<ClipDetails, 'image'>> {
  const read = await library.details.read(clipId, (doc) => (doc === null ? null : readClipDetails(doc, clipId)));
  return read?.ok ? read.details : NO_EDITS;
}

/** The edited picture as raw pixels (sRGB, 8 bits, alpha only if the original has it); no metadata comes along. */
export async function renderEditedPixels(library: Library, clip: ClipView, details: Pick<ClipDetails, 'image'>): Promise<{ pixels: Buffer; info: RawInfo; skipped: string[] }> {
  return renderSourcePixels(await loadSourceImage(library, clip), clip.media!.blob, details);
}

/**
 * An image with edits burned in, from its bytes: a clip's original, or a capture's region before
 * it is a clip (copied without being saved). `cacheKey` names the image for the effect cache.
 */
export async function renderSourcePixels(source: SourceImage, cacheKey: string, details: Pick<ClipDetails, 'image'>): Promise<{ pixels: Buffer; info: RawInfo; skipped: string[] }> {
  const { crop, rotation, cropProblem } = imageGeometry(source, details.image.crop, details.image.rotation);
  const skipped = new Set<string>(cropProblem ? [cropProblem] : []);
  // Cropped, then turned: two passes, since sharp orders a pipeline's operations its own way.
  const cropping = upright(source.bytes).extract({ left: crop.x, top: crop.y, width: crop.w, height: crop.h }).toColourspace('srgb');
  const cropped = await (source.hasAlpha ? cropping.ensureAlpha() : cropping.removeAlpha()).raw().toBuffer({ resolveWithObject: true });
  const { data, info } = rotation === 0 ? cropped : await sharp(cropped.data, { raw: cropped.info, limitInputPixels: false }).rotate(rotation).raw().toBuffer({ resolveWithObject: true });
  const picture: Pixels = { data, channels: info.channels === 4 ? 4 : 3 };

  const kinds = new Set(details.image.annotations.map((annotation) => annotation.kind));
  const layers: [SceneLayer, BlendMode, boolean][] = [
    ['highlights', 'multiply', kinds.has('highlighter')],
    ['annotations', 'normal', [...kinds].some((kind) => kind !== 'highlighter')],
  ];
  const resources = await sceneResources(cacheKey, source, details);
  for (const [layer, blend, present] of layers) {
    if (!present) continue;
    const scene = buildEditScene(details, source, resources, { layer });
    for (const reason of scene.skipped) skipped.add(reason);
    // `unlimited` lets libxml2 read long data URIs (the blur images); the markup is our own and escaped.
    const rendered = await sharp(Buffer.from(sceneToSvgMarkup(scene), 'utf8'), { unlimited: true, limitInputPixels: false }).raw().toBuffer();
    compositeLayer(picture, rendered, blend);
  }
  return { pixels: data, info: { width: info.width, height: info.height, channels: picture.channels }, skipped: [...skipped] };
}

export async function renderEditedImage(library: Library, clipId: string, format: RenderFormat = 'png', details?: Pick<ClipDetails, 'image'>): Promise<RenderedImage> {
  const clip = library.get(clipId);
  return encodeRendered(await renderEditedPixels(library, clip, details ?? (await currentImageEdits(library, clip.id))), format);
}

/** renderSourcePixels, encoded. */
export async function renderSourceImage(source: SourceImage, cacheKey: string, details: Pick<ClipDetails, 'image'>, format: RenderFormat = 'png'): Promise<RenderedImage> {
  return encodeRendered(await renderSourcePixels(source, cacheKey, details), format);
}

async function encodeRendered(rendered: { pixels: Buffer; info: RawInfo; skipped: string[] }, format: RenderFormat): Promise<RenderedImage> {
  const bytes = await encode(sharp(rendered.pixels, { raw: rendered.info, limitInputPixels: false }), format);
  return { bytes, mime: RENDER_MIME[format], width: rendered.info.width, height: rendered.info.height, skipped: rendered.skipped };
}

/** The effect images as data URIs (the original is drawn by sharp, never embedded). */
async function sceneResources(blob: string, source: SourceImage, details: Pick<ClipDetails, 'image'>): Promise<SceneResources> {
  const effects = new Map<string, string>();
  for (const { effect, strength } of effectsUsed(details.image.annotations)) {
    const image = await effectImage(blob, async () => source, effect, strength);
    effects.set(`${effect}:${strength}`, `data:${image.mime};base64,${image.bytes.toString('base64')}`);
  }
  return { original: '', effect: (effect, strength) => effects.get(`${effect}:${strength}`) ?? '' };
}

function encode(picture: Sharp, format: RenderFormat): Promise<Buffer> {
  switch (format) {
    case 'png':
      // Level 6 without adaptive filtering: a 4K screenshot in tens of milliseconds, a little larger.
      return picture.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
    case 'jpeg':
      return picture.flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return picture.webp({ quality: 90, effort: 3 }).toBuffer();
  }
}
