import type { ClipView } from '../../../contract/clips.js';
import { LibraryError } from '../errors.js';
import { renderEditedImage } from '../render/image-render.js';
import type { Library } from '../library.js';

/** An image as a person sees it, encoded losslessly (PNG), upright. */
export interface RenderedImage {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * The one way bulk operations get an image clip's pixels (combine, later others): the picture as
 * shown, with its edits rendered — crop, rotation, annotations and redactions — so that nothing
 * made from a clip shows what its redactions hide.
 */
export async function loadRenderedImage(library: Library, clip: ClipView): Promise<RenderedImage> {
  if (clip.kind !== 'image' || !clip.media) throw new LibraryError(`clip ${clip.id} is not an image`, 'bad-selection');
  const rendered = await renderEditedImage(library, clip.id, 'png');
  return { png: rendered.bytes, width: rendered.width, height: rendered.height };
}

/** The size an image clip shows at (after its edits' crop and rotation), without decoding it. */
export function shownSize(clip: ClipView): { width: number; height: number } | null {
  const width = clip.edited?.width ?? clip.media?.width;
  const height = clip.edited?.height ?? clip.media?.height;
  return width && height ? { width, height } : null;
}
