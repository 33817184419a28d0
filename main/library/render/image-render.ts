// An image clip with its edits burned in: the edit scene (contract/edits/edit-scene.ts) as SVG,
// rasterised by librsvg through sharp, with the original and the redaction images embedded as
// data URIs. The one rendering behind exports, copies, the `rendered` media and edited thumbnails.
import sharp, { type Sharp } from 'sharp';
import { readClipDetails, type ClipDetails } from '../../../contract/clip-details.js';
import type { ClipView } from '../../../contract/clips.js';
import { buildEditScene, effectsUsed, sceneToSvgMarkup } from '../../../contract/edits/edit-scene.js';
import type { RenderFormat } from '../../../contract/media.js';
import type { Library } from '../library.js';
import { effectImage } from './effect-images.js';
import { loadSourceImage } from './source-image.js';

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

/** The edited picture as a sharp pipeline, ready to be encoded or resized; metadata is never copied. */
export async function renderEditedPicture(library: Library, clip: ClipView, details: Pick<ClipDetails, 'image'>): Promise<{ picture: Sharp; width: number; height: number; skipped: string[] }> {
  const source = await loadSourceImage(library, clip);
  const effects = new Map<string, string>();
  for (const { effect, strength } of effectsUsed(details.image.annotations)) {
    const png = await effectImage(clip.media!.blob, async () => source, effect, strength);
    effects.set(`${effect}:${strength}`, dataUri(png));
  }
  const scene = buildEditScene(details, source, {
    original: dataUri(source.png),
    effect: (effect, strength) => effects.get(`${effect}:${strength}`) ?? '',
  });
  const svg = Buffer.from(sceneToSvgMarkup(scene), 'utf8');
  // `unlimited` lets libxml2 read the embedded image's long data URI; the markup is our own and escaped.
  let picture = sharp(svg, { unlimited: true, limitInputPixels: false });
  if (!source.hasAlpha) picture = picture.removeAlpha();
  return { picture, width: scene.width, height: scene.height, skipped: scene.skipped };
}

export async function renderEditedImage(library: Library, clipId: string, format: RenderFormat = 'png', details?: Pick<ClipDetails, 'image'>): Promise<RenderedImage> {
  const clip = library.get(clipId);
  const rendered = await renderEditedPicture(library, clip, details ?? (await currentImageEdits(library, clip.id)));
  const bytes = await encode(rendered.picture, format);
  return { bytes, mime: RENDER_MIME[format], width: rendered.width, height: rendered.height, skipped: rendered.skipped };
}

function encode(picture: Sharp, format: RenderFormat): Promise<Buffer> {
  switch (format) {
    case 'png':
      // Level 6 without adaptive filtering: a 4K screenshot in tens of milliseconds, a little larger.
      return picture.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
    case 'jpeg':
      return picture.flatten({ background: '#ffffff' }).jpeg({ quality: 90, mozjpeg: false }).toBuffer();
    case 'webp':
      return picture.webp({ quality: 90, effort: 3 }).toBuffer();
  }
}

function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
