import sharp from 'sharp';
import type { ClipView } from '../../../contract/clips.js';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';

/** An image clip's original, decoded as far as rendering needs. */
export interface SourceImage {
  /** The original file's bytes (as stored: EXIF orientation not yet applied). */
  bytes: Buffer;
  /** A PNG of the picture as shown (upright), for embedding in an SVG: the original itself when it already is one. */
  png: Buffer;
  /** Upright size, as the clip records it and annotations are measured in. */
  width: number;
  height: number;
  hasAlpha: boolean;
}

/** Reads and checks an image clip's original; a clear error for any other clip. */
export async function loadSourceImage(library: Library, clip: ClipView): Promise<SourceImage> {
  if (clip.kind !== 'image' || !clip.media) throw new LibraryError(`clip ${clip.id} is a ${clip.kind} clip, not an image`, 'bad-format');
  const bytes = await library.blobs.readAll(clip.media.blob);
  const metadata = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw new LibraryError(`the original image of clip ${clip.id} cannot be decoded`, 'unsupported');
    });
  const upright = !metadata.orientation || metadata.orientation === 1;
  // librsvg ignores EXIF orientation and would show later pages of an animation: anything but a
  // plain PNG becomes one (its first frame, turned upright). Fast to write, decoded once.
  const png = metadata.format === 'png' && upright && (metadata.pages ?? 1) === 1 ? bytes : await sharp(bytes, { autoOrient: true, limitInputPixels: false }).png({ compressionLevel: 1 }).toBuffer();
  return { bytes, png, width: metadata.autoOrient.width, height: metadata.autoOrient.height, hasAlpha: metadata.hasAlpha };
}
