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

export const EDIT_DERIVERS: EditDerivers = {
  image: deriveImage,
  video: async (_library, _clip, details) => (hasEdits(details, 'video') ? { summary: describeVideoEdits(details) } : null),
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

export function describeVideoEdits(details: ClipDetails): string {
  const { trimStartMs, trimEndMs, posterMs, markers } = details.video;
  const parts: string[] = [];
  if (trimStartMs !== null || trimEndMs !== null) parts.push('trimmed');
  if (markers.length > 0) parts.push(`${markers.length} marker${markers.length === 1 ? '' : 's'}`);
  if (posterMs !== null) parts.push('poster frame chosen');
  return parts.join(', ');
}
