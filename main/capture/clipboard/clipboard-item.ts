import type { ClipboardImage, ClipboardReader } from './clipboard-reader.js';

/** What one copy comes to, by what a person would call it. */
export type ClipboardItem =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; url: string }
  | { kind: 'image'; image: ClipboardImage }
  | { kind: 'files'; paths: string[] };

export type ClipboardItemKind = ClipboardItem['kind'];

/**
 * Reads the clipboard's content as one item, or null when it holds nothing we keep (empty, only
 * whitespace, only formats we do not read). Files win over everything (a file manager also puts
 * the names as text); an image wins over HTML alone (a browser's "Copy image"), but text wins over
 * an image beside it: office suites put a picture of the selection next to the copied text.
 */
export async function readClipboardItem(reader: ClipboardReader): Promise<ClipboardItem | null> {
  const paths = (await reader.readFilePaths()).filter((path) => path.trim() !== '');
  if (paths.length > 0) return { kind: 'files', paths };
  const text = await reader.readText();
  if (text !== null && text.trim() !== '') return textItem(text);
  const image = await reader.readImage();
  if (image && image.bytes.length > 0) return { kind: 'image', image };
  return null;
}

/** Text that is one web or mail address (and nothing else) is a link. */
export function textItem(text: string): ClipboardItem {
  const url = asLink(text.trim());
  return url ? { kind: 'link', text, url } : { kind: 'text', text };
}

function asLink(text: string): string | null {
  if (/\s/.test(text) || text.length > 8192) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.hostname ? url.href : null;
  if (url.protocol === 'mailto:') return url.pathname.includes('@') ? url.href : null;
  return null;
}

/** The item's size as the size limit counts it: its text in UTF-8, its picture's bytes, its paths. */
export function itemBytes(item: ClipboardItem): number {
  switch (item.kind) {
    case 'text':
    case 'link':
      return Buffer.byteLength(item.text, 'utf8');
    case 'image':
      return item.image.bytes.length;
    case 'files':
      return item.paths.reduce((total, path) => total + Buffer.byteLength(path, 'utf8') + 1, 0);
  }
}
