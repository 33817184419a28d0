// An image clip with its edits burned in: the exports, copies, `rendered` media and edited
// thumbnails all come from here. The original is cropped and turned by sharp; the edit scene
// (contract/edits/edit-scene.ts) is rasterised by librsvg in two layers laid over it: the
// highlights multiplied onto it, then every other annotation. That is the picture the editor
// shows (one scene, drawn there in one piece), without librsvg decoding a multi-megabyte original
// from a data URI, which costs it more than the rest of the rendering together.
import sharp, { type OutputInfo, type OverlayOptions, type Sharp } from 'sharp';
import { readClipDetails, type ClipDetails } from '../../../contract/clip-details.js';
import type { ClipView } from '../../../contract/clips.js';
import { buildEditScene, effectsUsed, sceneToSvgMarkup, type SceneLayer, type SceneResources } from '../../../contract/edits/edit-scene.js';
import { imageGeometry } from '../../../contract/edits/image-geometry.js';
import type { RenderFormat } from '../../../contract/media.js';
import type { Library } from '../library.js';
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

/** A detail document with nothing in it: what a never-edited clip renders with. */
const NO_EDITS: Pick<ClipDetails, 'image'> = { image: { crop: null, rotation: 0, annotations: [] } };

/** The clip's edits as its detail document holds them now (none when it has no detail document). */
export async function currentImageEdits(library: Library, clipId: string): Promise<Pick<ClipDetails, 'image'>> {
  const read = await library.details.read(clipId, (doc) => (doc === null ? null : readClipDetails(doc, clipId)));
  return read?.ok ? read.details : NO_EDITS;
}

/** The edited picture as raw pixels, ready to be encoded or reduced; no metadata comes along. */
export async function renderEditedPixels(library: Library, clip: ClipView, details: Pick<ClipDetails, 'image'>): Promise<{ pixels: Buffer; info: OutputInfo; skipped: string[] }> {
  const source = await loadSourceImage(library, clip);
  const { crop, rotation, cropProblem } = imageGeometry(source, details.image.crop, details.image.rotation);
  const skipped = new Set<string>(cropProblem ? [cropProblem] : []);
  const resources = await sceneResources(clip.media!.blob, source, details);
  const layers: OverlayOptions[] = [];
  const kinds = new Set(details.image.annotations.map((annotation) => annotation.kind));
  const wanted: [SceneLayer, boolean][] = [
    ['highlights', kinds.has('highlighter')],
    ['annotations', [...kinds].some((kind) => kind !== 'highlighter')],
  ];
  for (const [layer, present] of wanted) {
    if (!present) continue;
    const scene = buildEditScene(details, source, resources, { layer });
    for (const reason of scene.skipped) skipped.add(reason);
    // `unlimited` lets libxml2 read long data URIs (the blur images); the markup is our own and escaped.
    const { data, info } = await sharp(Buffer.from(sceneToSvgMarkup(scene), 'utf8'), { unlimited: true, limitInputPixels: false }).raw().toBuffer({ resolveWithObject: true });
    layers.push({ input: data, raw: { width: info.width, height: info.height, channels: info.channels }, blend: layer === 'highlights' ? 'multiply' : 'over' });
  }
  // Cropped, then turned, then covered: one pass each, since sharp orders a pipeline's operations its own way.
  const cropped = await upright(source.bytes).extract({ left: crop.x, top: crop.y, width: crop.w, height: crop.h }).raw().toBuffer({ resolveWithObject: true });
  let picture: Sharp = sharp(cropped.data, { raw: cropped.info, limitInputPixels: false }).rotate(rotation);
  if (layers.length > 0) {
    const turned = await picture.raw().toBuffer({ resolveWithObject: true });
    picture = sharp(turned.data, { raw: turned.info, limitInputPixels: false }).composite(layers);
  }
  if (!source.hasAlpha) picture = picture.removeAlpha();
  const { data, info } = await picture.raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, info, skipped: [...skipped] };
}

export async function renderEditedImage(library: Library, clipId: string, format: RenderFormat = 'png', details?: Pick<ClipDetails, 'image'>): Promise<RenderedImage> {
  const clip = library.get(clipId);
  const rendered = await renderEditedPixels(library, clip, details ?? (await currentImageEdits(library, clip.id)));
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
