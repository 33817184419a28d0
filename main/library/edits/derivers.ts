// What each kind of clip's edits come to. Image and video renderings (thumbnails with the edits
// burned in, poster frames) come from their own modules; this file only picks by kind.
import sharp from 'sharp';
import { hasEdits, type ClipDetails } from '../../../contract/clip-details.js';
import type { ClipView } from '../../../contract/clips.js';
import type { Library } from '../library.js';
import { INLINE_TEXT_CHARS } from '../importer.js';
import type { DerivedEdits, EditDerivers } from './edit-derivations.js';
import { originalTextOf } from './detail-seed.js';
import { toThumbnail } from '../import/thumbnail.js';
import { renderEditedPixels } from '../render/image-render.js';
import { deriveVideo } from './video-deriver.js';

export const EDIT_DERIVERS: EditDerivers = {
  image: deriveImage,
  video: deriveVideo,
  text: deriveText,
};

/** The edited picture's size, and its thumbnail with every edit (every redaction above all) burned in. */
async function deriveImage(library: Library, clip: ClipView, details: ClipDetails): Promise<DerivedEdits | null> {
  if (!hasEdits(details, 'image')) return null;
  // Rendered at full size, then reduced: shrinking while rasterising would blend the pixels
  // under a box into the box's edge.
  const { pixels, info } = await renderEditedPixels(library, clip, details);
  const thumb = await toThumbnail(sharp(pixels, { raw: info, limitInputPixels: false }));
  return { summary: describeImageEdits(details), thumb, width: info.width, height: info.height };
}

async function deriveText(library: Library, clip: ClipView, details: ClipDetails): Promise<DerivedEdits | null> {
  const original = await originalTextOf(library, clip.id);
  if (!hasEdits(details, 'text', original)) return null;
  return { summary: 'text edited', text: details.text.slice(0, INLINE_TEXT_CHARS) };
}

export function describeImageEdits(details: ClipDetails): string {
  const parts: string[] = [];
  const count = details.image.annotations.length;
  if (count > 0) parts.push(`${count} annotation${count === 1 ? '' : 's'}`);
  if (details.image.crop) parts.push('cropped');
  if (details.image.rotation !== 0) parts.push(`rotated ${details.image.rotation}°`);
  return parts.join(', ');
}
