import sharp from 'sharp';
import type { ClipView } from '../../../contract/clips.js';
import { DEFAULT_IMPORT_LIMITS } from '../import/probe.js';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';

/** An image as a person sees it, encoded losslessly (PNG), upright. */
export interface RenderedImage {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * The one way bulk operations get an image clip's pixels (combine, later others): the picture as
 * shown, edits included. Today it decodes the original, turned upright by its EXIF orientation;
 * once edits render (crop, rotation, annotations, redactions), this is the place to use that
 * rendering, so that nothing made from a clip shows what its redactions hide.
 */
export async function loadRenderedImage(library: Library, clip: ClipView): Promise<RenderedImage> {
  if (clip.kind !== 'image' || !clip.media) throw new LibraryError(`clip ${clip.id} is not an image`, 'bad-selection');
  const bytes = await library.blobs.readAll(clip.media.blob);
  const { data, info } = await sharp(bytes, { limitInputPixels: DEFAULT_IMPORT_LIMITS.maxImagePixels, autoOrient: true })
    .png({ compressionLevel: 1 })
    .toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

/** The size an image clip shows at (after its edits' crop and rotation), without decoding it. */
export function shownSize(clip: ClipView): { width: number; height: number } | null {
  const width = clip.edited?.width ?? clip.media?.width;
  const height = clip.edited?.height ?? clip.media?.height;
  return width && height ? { width, height } : null;
}
