import sharp, { type Sharp } from 'sharp';
import type { ClipView } from '../../../contract/clips.js';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';

/** An image clip's original, with what rendering needs to know about it. */
export interface SourceImage {
  /** The original file's bytes, as stored. */
  bytes: Buffer;
  /** Upright size (EXIF orientation applied), as the clip records it and annotations are measured in. */
  width: number;
  height: number;
  hasAlpha: boolean;
}

/** Reads and checks an image clip's original; a clear error for any other clip. */
export async function loadSourceImage(library: Library, clip: ClipView): Promise<SourceImage> {
  if (clip.kind !== 'image' || !clip.media) throw new LibraryError(`clip ${clip.id} is not an image clip but a ${clip.kind} clip`, 'bad-format');
  const bytes = await library.blobs.readAll(clip.media.blob);
  const metadata = await upright(bytes)
    .metadata()
    .catch(() => {
      throw new LibraryError(`the original image of clip ${clip.id} cannot be decoded`, 'unsupported');
    });
  return { bytes, width: metadata.autoOrient.width, height: metadata.autoOrient.height, hasAlpha: metadata.hasAlpha };
}

/** The picture as shown: turned by its EXIF orientation, the first frame of an animation. */
export function upright(bytes: Buffer): Sharp {
  return sharp(bytes, { autoOrient: true, limitInputPixels: false });
}
