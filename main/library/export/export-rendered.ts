import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExportFormat } from '../../../contract/api.js';
import type { ClipKind } from '../../../contract/clips.js';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';
import { exportOriginal } from './export-original.js';
import { exportText } from './export-text.js';
import { exportVideo } from './export-video.js';
import { writeFileAtomically } from './write-atomically.js';
import { renderEditedImage } from '../render/image-render.js';
import type { RenderFormat } from '../../../contract/media.js';

export interface ExportOptions {
  /** What to write; by default, what the output file's extension names, else the kind's usual format. */
  format?: ExportFormat;
  /** 0..1, and what is being done ("encoding"). */
  onProgress?: (fraction: number, stage: string) => void;
  signal?: AbortSignal;
}

export interface ExportResult {
  path: string;
  bytes: number;
  format: ExportFormat;
}

/** Which formats each kind of clip can be exported as, the first being the usual one. */
export const EXPORT_FORMATS_OF: Record<ClipKind, readonly ExportFormat[]> = {
  image: ['png', 'jpeg', 'webp', 'original'],
  video: ['mp4', 'webm', 'gif', 'original'],
  text: ['txt', 'original'],
};

const FORMAT_OF_EXTENSION: Record<string, ExportFormat> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
  '.mp4': 'mp4',
  '.m4v': 'mp4',
  '.webm': 'webm',
  '.gif': 'gif',
  '.txt': 'txt',
  '.md': 'txt',
  '.markdown': 'txt',
};

const FORMAT_OF_MIME: Record<string, ExportFormat> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp', 'video/mp4': 'mp4', 'video/webm': 'webm' };

export const EXTENSION_OF_FORMAT: Record<Exclude<ExportFormat, 'original'>, string> = { png: '.png', jpeg: '.jpg', webp: '.webp', mp4: '.mp4', webm: '.webm', gif: '.gif', txt: '.txt' };

/**
 * Writes a clip with its edits applied (annotations and redactions burned in, the trim cut, the
 * edited text), atomically: a failed or cancelled export leaves no file at `outPath`.
 */
export async function exportRendered(library: Library, id: string, outPath: string, options: ExportOptions = {}): Promise<ExportResult> {
  const clip = library.get(id);
  const target = path.resolve(outPath);
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) throw new LibraryError(`${target} is a folder; give a file name`, 'bad-output');
  const allowed = EXPORT_FORMATS_OF[clip.kind];
  const format = options.format ?? pickFormat(clip.kind, target);
  if (!allowed.includes(format)) throw new LibraryError(`${kindArticle(clip.kind)} ${clip.kind} clip exports as ${allowed.join(', ')}, not ${format}`, 'bad-format');
  options.onProgress?.(0, 'starting');
  // Nothing to apply and already in that format: the original itself, byte for byte (no re-encoding).
  const asOriginal = format === 'original' || (clip.edited === null && (clip.kind === 'text' ? !clip.media : FORMAT_OF_MIME[clip.media?.mime ?? ''] === format));
  const bytes = asOriginal ? await exportOriginal(library, clip.id, target) : await exportEdited(library, clip.id, clip.kind, format, target, options);
  options.onProgress?.(1, 'done');
  return { path: target, bytes, format };
}

function kindArticle(kind: ClipKind): string {
  return kind === 'image' ? 'an' : 'a';
}

function pickFormat(kind: ClipKind, target: string): ExportFormat {
  const byExtension = FORMAT_OF_EXTENSION[path.extname(target).toLowerCase()];
  if (byExtension && EXPORT_FORMATS_OF[kind].includes(byExtension)) return byExtension;
  // An extension of another kind (photo.mp4 for an image) is a mistake worth saying so.
  if (byExtension) throw new LibraryError(`${kindArticle(kind)} ${kind} clip cannot be written as ${path.extname(target)}; use ${EXPORT_FORMATS_OF[kind].filter((f) => f !== 'original').map((f) => EXTENSION_OF_FORMAT[f as Exclude<ExportFormat, 'original'>]).join(', ')}`, 'bad-format');
  return EXPORT_FORMATS_OF[kind][0]!;
}

async function exportEdited(library: Library, clipId: string, kind: ClipKind, format: ExportFormat, target: string, options: ExportOptions): Promise<number> {
  switch (kind) {
    case 'text':
      return exportText(library, clipId, target);
    case 'image': {
      options.onProgress?.(0.1, 'rendering');
      const rendered = await renderEditedImage(library, clipId, format as RenderFormat);
      if (options.signal?.aborted) throw new LibraryError('the export was cancelled', 'cancelled');
      return writeFileAtomically(target, rendered.bytes);
    }
    case 'video':
      if (format !== 'mp4' && format !== 'webm' && format !== 'gif') throw new LibraryError(`a video clip exports as mp4, webm or gif, not ${format}`, 'bad-format');
      return (await exportVideo(library, clipId, format, target, options)).bytes;
  }
}
