import { ImportRejection } from './rejection.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Decodes a text file: UTF-8 (with or without BOM), or UTF-16 LE/BE when a BOM says so.
 * Anything else (NUL bytes, invalid UTF-8) is treated as binary and rejected.
 */
export function decodeText(bytes: Buffer): string {
  const encoding = byteOrderMark(bytes);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return decodeUtf16(bytes.subarray(2), encoding);
  const body = encoding === 'utf-8' ? bytes.subarray(UTF8_BOM.length) : bytes;
  if (body.includes(0)) throw new ImportRejection('unsupported', 'the file contains binary data, not text');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new ImportRejection('unsupported', 'the file is not text in UTF-8, or UTF-16 with a byte-order mark');
  }
}

/** Whether the start of a file reads as text; a multi-byte character cut off at the end of `head` is allowed. */
export function looksLikeText(head: Buffer): boolean {
  const encoding = byteOrderMark(head);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return true;
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function byteOrderMark(bytes: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' | null {
  if (bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2]) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

function decodeUtf16(body: Buffer, encoding: 'utf-16le' | 'utf-16be'): string {
  if (body.length % 2 !== 0) throw new ImportRejection('corrupt', 'the UTF-16 text ends in the middle of a character');
  // Swapped by hand because 'utf-16be' in TextDecoder needs a full-ICU build of Node.
  const littleEndian = encoding === 'utf-16le' ? body : Buffer.from(body).swap16();
  let text: string;
  try {
    text = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(littleEndian);
  } catch {
    throw new ImportRejection('corrupt', 'the UTF-16 text contains invalid characters');
  }
  if (text.includes('\u0000')) throw new ImportRejection('unsupported', 'the file contains binary data, not text');
  return text;
}
