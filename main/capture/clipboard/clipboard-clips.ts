import sharp from 'sharp';
import { importImageBytes, importText, type ImportEvent } from '../../library/importer.js';
import type { Library } from '../../library/library.js';
import type { ClipboardImage } from './clipboard-reader.js';
import type { ClipboardItem } from './clipboard-item.js';

export interface SavedClipboardItem {
  clipId: string;
  /** The library already held this content: that clip was bumped instead of a new one made. */
  folded: boolean;
}

/** The change message of a bump; not a person's edit, so undo and history pass over it. */
const BUMP_OPERATION = 'copied';
const TITLE_CHARS = 80;
const SOURCE_PREFIX = 'Clipboard';

/**
 * Makes a clipboard item a clip through the core's own import (so it is checked, deduplicated and
 * synced like every clip): text and links become text clips, pictures image clips. A list of
 * copied files becomes a text clip listing their paths, not an import of the files: copying files
 * in a file manager is moving them about, a folder can hold gigabytes, and what was on the
 * clipboard is the list; the files themselves are one `import` away.
 * Content the library already holds is bumped (its import time set to now, so it heads the
 * history) rather than stored twice.
 */
export async function saveClipboardItem(library: Library, item: ClipboardItem, details: { sourceApp: string | null; now?: number }): Promise<SavedClipboardItem> {
  const event = await importItem(library, item, details.sourceApp);
  if (event.type === 'imported') return { clipId: event.id, folded: false };
  if (event.type === 'duplicate') {
    await bumpClip(library, event.existingId, details.now ?? Date.now());
    return { clipId: event.existingId, folded: true };
  }
  throw new Error(`the ${item.kind} on the clipboard was not saved: ${event.reason}`);
}

/** Marks a clip as copied again now: it moves to the head of the clipboard history. */
export async function bumpClip(library: Library, clipId: string, now: number): Promise<void> {
  await library.changeClip(clipId, BUMP_OPERATION, (entry) => {
    entry.importedAt = now;
  });
}

async function importItem(library: Library, item: ClipboardItem, sourceApp: string | null): Promise<ImportEvent> {
  switch (item.kind) {
    case 'text':
      return importText(library, item.text, { sourceName: clipboardSourceName(sourceApp, '.txt') });
    case 'link':
      return importText(library, item.text.trim(), { title: item.url.slice(0, TITLE_CHARS), sourceName: clipboardSourceName(sourceApp, '.txt') });
    case 'files':
      return importText(library, item.paths.join('\n'), { title: filesTitle(item.paths), sourceName: clipboardSourceName(sourceApp, '.txt') });
    case 'image': {
      const encoded = await encodeClipboardImage(item.image);
      const title = sourceApp ? `Copied image from ${sourceApp}` : 'Copied image';
      return importImageBytes(library, encoded.bytes, { title, sourceName: clipboardSourceName(sourceApp, `.${encoded.extension}`), mime: encoded.mime });
    }
  }
}

/**
 * The picture as a file's bytes. Raw pixels are encoded as PNG by sharp, on libuv's thread pool,
 * so even a 50 MB bitmap never holds the event loop; encoded pictures are kept byte for byte.
 */
export async function encodeClipboardImage(image: ClipboardImage): Promise<{ bytes: Buffer; mime: string; extension: string }> {
  if (image.encoding !== 'rgba') {
    return { bytes: Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength), mime: `image/${image.encoding}`, extension: image.encoding === 'jpeg' ? 'jpg' : image.encoding };
  }
  if (image.bytes.length !== image.width * image.height * 4) {
    throw new Error(`the copied bitmap should hold ${image.width}×${image.height}×4 bytes but holds ${image.bytes.length}`);
  }
  const bytes = await sharp(image.bytes, { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
  return { bytes, mime: 'image/png', extension: 'png' };
}

/**
 * The clip's source name says where it came from: "Clipboard (Firefox).png". The extension stays
 * last, so exports and downloads still name the file by its format.
 */
export function clipboardSourceName(sourceApp: string | null, extension: string): string {
  const app = sourceApp?.replace(/[()\r\n]/g, '').trim().slice(0, 200);
  return app ? `${SOURCE_PREFIX} (${app})${extension}` : `${SOURCE_PREFIX}${extension}`;
}

/** The app a clip was copied from, read back from its source name; null when it was not recorded from the clipboard or the app was not known. */
export function sourceAppOf(sourceName: string): string | null {
  return /^Clipboard \((.+)\)\.[a-z0-9]+$/.exec(sourceName)?.[1] ?? null;
}

export function isClipboardSourceName(sourceName: string): boolean {
  return /^Clipboard(?: \(.+\))?\.[a-z0-9]+$/.test(sourceName);
}

function filesTitle(paths: string[]): string {
  const names = paths.map((path) => path.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? path);
  const listed = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
  const title = `${paths.length} ${paths.length === 1 ? 'file' : 'files'}: ${listed}`;
  return title.length > TITLE_CHARS ? `${title.slice(0, TITLE_CHARS - 1)}…` : title;
}
