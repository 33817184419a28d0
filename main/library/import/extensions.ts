import path from 'node:path';

/** What each supported file-name extension promises about the content. */
const EXTENSION_MIMES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpe': 'image/jpeg',
  '.jfif': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.qt': 'video/quicktime',
  '.txt': 'text/plain',
  '.text': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
};

/** Lower-cased extension with its dot, or '' when the name has none (a leading dot does not count). */
export function extensionOf(filePath: string): string {
  return path.extname(filePath).toLowerCase();
}

/** The MIME type the extension promises, or null for an unknown extension or none. */
export function mimeForExtension(extension: string): string | null {
  return EXTENSION_MIMES[extension] ?? null;
}

/** The usual extension (with its dot) of a supported MIME type, or '' for another. */
export function extensionForMime(mime: string): string {
  return Object.keys(EXTENSION_MIMES).find((extension) => EXTENSION_MIMES[extension] === mime) ?? '';
}

export function isSupportedExtension(extension: string): boolean {
  return mimeForExtension(extension) !== null;
}

export function isTextExtension(extension: string): boolean {
  return mimeForExtension(extension)?.startsWith('text/') ?? false;
}

/** Video extensions of the same ISO container family, where MP4 content in a .mov (or back) is normal. */
export function isSameContainerFamily(a: string, b: string): boolean {
  const iso = new Set(['video/mp4', 'video/quicktime']);
  return a === b || (iso.has(a) && iso.has(b));
}
