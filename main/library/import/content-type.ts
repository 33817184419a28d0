import { looksLikeText } from './decode-text.js';

export type ContentKind = 'image' | 'video' | 'text';
export interface ContentType {
  kind: ContentKind;
  mime: string;
}

/** How many leading bytes the sniffers look at. */
export const SNIFF_BYTES = 4096;

const MP4_AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'mif2', 'avif', 'avis', 'miaf']);
/** Top-level atoms that open an old QuickTime file written without an 'ftyp' box. */
const BARE_QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'pnot']);

/** Identifies a supported format from its first bytes (magic numbers), never from the file name. */
export function sniffContentType(head: Buffer): ContentType | null {
  if (head.length === 0) return null;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', mime: 'image/png' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', mime: 'image/jpeg' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { kind: 'image', mime: 'image/gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { kind: 'image', mime: 'image/webp' };
  const isoVideo = sniffIsoMedia(head);
  if (isoVideo) return isoVideo;
  if (ebmlDocType(head) === 'webm') return { kind: 'video', mime: 'video/webm' };
  if (looksLikeText(head)) return { kind: 'text', mime: 'text/plain' };
  return null;
}

/** Names a recognisable but unsupported format, for a clearer rejection message. */
export function describeUnsupportedContent(head: Buffer): string | null {
  const brand = ascii(head, 4, 8) === 'ftyp' ? ascii(head, 8, 12) : null;
  if (brand !== null && MP4_AUDIO_BRANDS.has(brand)) return 'an MPEG-4 audio file';
  if (brand === 'avif' || brand === 'avis') return 'an AVIF image';
  if (brand !== null && HEIF_BRANDS.has(brand)) return 'a HEIC/HEIF image';
  if (ebmlDocType(head) === 'matroska') return 'a Matroska (MKV) video';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'AVI ') return 'an AVI video';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') return 'a WAV audio file';
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return 'a TIFF image';
  if (ascii(head, 0, 2) === 'BM' && [12, 40, 56, 108, 124].includes(head[14] ?? -1)) return 'a BMP image';
  if (ascii(head, 0, 5) === '%PDF-') return 'a PDF document';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive';
  if (startsWith(head, [0x1f, 0x8b])) return 'a gzip archive';
  if (ascii(head, 0, 4) === 'OggS') return 'an Ogg file';
  if (ascii(head, 0, 4) === 'fLaC') return 'a FLAC audio file';
  if (ascii(head, 0, 3) === 'ID3') return 'an MP3 audio file';
  if (ascii(head, 0, 4) === '8BPS') return 'a Photoshop document';
  if (startsWith(head, [0x00, 0x00, 0x01, 0x00])) return 'an icon (ICO) file';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46]) || ascii(head, 0, 2) === 'MZ') return 'a program';
  return null;
}

export function describeContentType(mime: string): string {
  switch (mime) {
    case 'image/png': return 'a PNG image';
    case 'image/jpeg': return 'a JPEG image';
    case 'image/gif': return 'a GIF image';
    case 'image/webp': return 'a WebP image';
    case 'video/mp4': return 'an MP4 video';
    case 'video/webm': return 'a WebM video';
    case 'video/quicktime': return 'a QuickTime (MOV) video';
    default: return 'text';
  }
}

/**
 * A bare atom is only a few bytes of evidence: text such as "clip wide shot" has "wide" at
 * offset 4 too. Its size field then reads as printable ASCII (≥ 0x20202020, 538 MB), while a
 * real leading atom is 1 (64-bit size follows) or well under that.
 */
function isBareQuickTime(head: Buffer, type: string): boolean {
  if (!BARE_QUICKTIME_ATOMS.has(type)) return false;
  const size = head.readUInt32BE(0);
  return size === 1 || (size >= 8 && head[0]! < 0x20);
}

function sniffIsoMedia(head: Buffer): ContentType | null {
  const type = ascii(head, 4, 8);
  if (type !== 'ftyp') return isBareQuickTime(head, type) ? { kind: 'video', mime: 'video/quicktime' } : null;
  const major = ascii(head, 8, 12);
  if (major === 'qt  ') return { kind: 'video', mime: 'video/quicktime' };
  if (MP4_AUDIO_BRANDS.has(major) || HEIF_BRANDS.has(major)) return null;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) {
    if (HEIF_BRANDS.has(ascii(head, offset, offset + 4)) && !hasVideoBrand(head, boxEnd)) return null;
  }
  return { kind: 'video', mime: 'video/mp4' };
}

function hasVideoBrand(head: Buffer, boxEnd: number): boolean {
  for (let offset = 8; offset + 4 <= boxEnd; offset += 4) {
    if (/^(isom|iso\d|mp4\d|avc\d|M4V |dash|3gp\d|3g2\w)$/.test(ascii(head, offset, offset + 4))) return true;
  }
  return false;
}

/** The DocType ('webm' or 'matroska') of an EBML file, read from its header element. */
function ebmlDocType(head: Buffer): string | null {
  if (!startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return null;
  const end = Math.min(head.length, 64);
  for (let i = 4; i + 3 < end; i++) {
    if (head[i] !== 0x42 || head[i + 1] !== 0x82) continue;
    const sizeByte = head[i + 2] ?? 0;
    if ((sizeByte & 0x80) === 0) return null;
    const size = sizeByte & 0x7f;
    return ascii(head, i + 3, i + 3 + size).replace(/\0+$/, '');
  }
  return null;
}

function startsWith(head: Buffer, bytes: readonly number[]): boolean {
  return head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte);
}

function ascii(head: Buffer, start: number, end: number): string {
  return head.length >= end ? head.toString('latin1', start, end) : '';
}
