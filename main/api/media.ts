import path from 'node:path';
import type { Readable } from 'node:stream';
import type { MediaVariant } from '../../contract/api.js';
import { ApiError } from '../../contract/api.js';
import type { Library } from '../library/library.js';
import type { ByteRangeRequest } from './byte-range.js';

/** One of a clip's files, ready to be served whole or by range (video seeking). */
export interface MediaFile {
  mime: string;
  size: number;
  /** A name for "save as": the clip's source name, or its id with an extension. */
  fileName: string;
  open(range?: ByteRangeRequest): Promise<Readable>;
}

const THUMBNAIL_MIME = 'image/webp';

export async function openClipMedia(library: Library, clipId: string, variant: MediaVariant): Promise<MediaFile> {
  const clip = library.get(clipId);
  const hash = variant === 'thumbnail' ? clip.media?.thumb : clip.media?.blob;
  if (!clip.media || !hash) throw new ApiError('not-found', `clip ${clip.id} has no ${variant === 'thumbnail' ? 'thumbnail' : 'media file'}`);
  const size = await library.blobs.size(hash);
  const mime = variant === 'thumbnail' ? THUMBNAIL_MIME : clip.media.mime;
  const fileName = variant === 'thumbnail' ? `${clip.id}-thumbnail.webp` : (path.basename(clip.sourceName) || clip.id);
  return { mime, size, fileName, open: (range) => library.blobs.createReadStream(hash, range) };
}
