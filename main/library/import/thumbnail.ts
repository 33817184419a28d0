import type { Sharp } from 'sharp';

export const THUMBNAIL_MAX_SIDE = 320;

/** The stored thumbnail: WebP, longest side at most 320 px, never enlarged. */
export function toThumbnail(image: Sharp): Promise<Buffer> {
  return image
    .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80, effort: 2 })
    .toBuffer();
}
