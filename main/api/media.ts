import { parseDetailHeads, waitForDetailHeads } from '../library/documents/wait-for-details.js';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ApiError } from '../../contract/api.js';
import type { ClipView } from '../../contract/clips.js';
import type { MediaRequest } from '../../contract/media.js';
import { renderedText } from '../library/export/export-text.js';
import type { Library } from '../library/library.js';
import { videoFrameStrip } from '../library/video/frame-strip.js';
import { effectImage } from '../library/render/effect-images.js';
import { renderEditedImage } from '../library/render/image-render.js';
import { loadSourceImage } from '../library/render/source-image.js';
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

export async function openClipMedia(library: Library, clipId: string, request: MediaRequest): Promise<MediaFile> {
  const clip = library.get(clipId);
  switch (request.variant) {
    case 'original':
      return blobMedia(library, clip, clip.media?.blob, clip.media?.mime ?? '', path.basename(clip.sourceName) || clip.id, 'media file');
    case 'thumbnail':
      // An edited clip's thumbnail has its edits (redactions above all) burned in.
      return blobMedia(library, clip, clip.edited?.thumb ?? clip.media?.thumb, THUMBNAIL_MIME, `${clip.id}-thumbnail.webp`, 'thumbnail');
    case 'rendered':
      if (clip.kind === 'text') return bufferMedia(Buffer.from(await renderedText(library, clip.id), 'utf8'), 'text/plain; charset=utf-8', `${baseName(clip)}.txt`);
      if (clip.kind === 'image') {
        if (request.heads) await waitForDetailHeads(library, clip.id, parseDetailHeads(request.heads.split('.')));
        const format = request.format ?? 'png';
        const rendered = await renderEditedImage(library, clip.id, format);
        return bufferMedia(rendered.bytes, rendered.mime, `${baseName(clip)}-edited.${format === 'jpeg' ? 'jpg' : format}`);
      }
      throw new ApiError('unsupported', `rendering a ${clip.kind} clip is not available in this build`);
    case 'frames': {
      const strip = await videoFrameStrip(library, clip, request.count, request.height);
      return bufferMedia(strip.bytes, strip.mime, `${clip.id}-frames.${strip.mime === 'image/webp' ? 'webp' : 'jpg'}`);
    }
    case 'effect': {
      if (clip.kind !== 'image' || !clip.media) throw new ApiError('invalid-request', `blur and pixelate images are made from image clips; clip ${clip.id} is a ${clip.kind} clip`);
      const effect = await effectImage(clip.media.blob, () => loadSourceImage(library, clip), request.effect, request.strength);
      return bufferMedia(effect.bytes, effect.mime, `${clip.id}-${request.effect}.${effect.mime === 'image/jpeg' ? 'jpg' : 'png'}`);
    }
  }
}

async function blobMedia(library: Library, clip: ClipView, hash: string | undefined, mime: string, fileName: string, what: string): Promise<MediaFile> {
  if (!hash) throw new ApiError('not-found', `clip ${clip.id} has no ${what}`);
  const size = await library.blobs.size(hash);
  return { mime, size, fileName, open: (range) => library.blobs.createReadStream(hash, range) };
}

/** A file made in memory (a rendering), served like any other. */
export function bufferMedia(bytes: Buffer, mime: string, fileName: string): MediaFile {
  return {
    mime,
    size: bytes.length,
    fileName,
    open: async (range) => Readable.from(range ? [bytes.subarray(range.start, range.end + 1)] : [bytes]),
  };
}

/** A finished file on disk (an export), served like any other. */
export function fileMedia(filePath: string, mime: string, fileName: string, size: number): MediaFile {
  return { mime, size, fileName, open: async (range) => createReadStream(filePath, range ? { start: range.start, end: range.end } : {}) };
}

/** A file name for a clip's rendering: its source name without the extension, or its id. */
export function baseName(clip: ClipView): string {
  const source = path.basename(clip.sourceName, path.extname(clip.sourceName));
  return source.replace(/[^\p{L}\p{N}._ -]+/gu, '_').slice(0, 120) || clip.id;
}
