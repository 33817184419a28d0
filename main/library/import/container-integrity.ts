import type { FileHandle } from 'node:fs/promises';

const MAX_TOP_LEVEL_BOXES = 100_000;

/**
 * Finds a cut-off video by its container structure: the size a top-level MP4/MOV box or the WebM
 * segment declares runs past the end of the file. ffmpeg itself happily reads the header of such
 * a file, so this is the cheap way to tell a truncated download from a whole one.
 * Returns the reason, or null when the structure is whole (or not one this check understands).
 */
export async function findTruncation(handle: FileHandle, fileSize: number, mime: string): Promise<string | null> {
  if (mime === 'video/mp4' || mime === 'video/quicktime') return findTruncatedBox(handle, fileSize);
  if (mime === 'video/webm') return findTruncatedSegment(handle, fileSize);
  return null;
}

async function findTruncatedBox(handle: FileHandle, fileSize: number): Promise<string | null> {
  let offset = 0;
  for (let count = 0; offset < fileSize && count < MAX_TOP_LEVEL_BOXES; count++) {
    const header = await readAt(handle, offset, 16);
    // A few zero bytes of padding after the last box are harmless; anything else is a cut-off header.
    if (header.length < 8) return header.every((byte) => byte === 0) ? null : 'the file ends inside a box header';
    const type = header.toString('latin1', 4, 8);
    let size = header.readUInt32BE(0);
    if (size === 1) {
      if (header.length < 16) return 'the file ends inside a box header';
      size = Number(header.readBigUInt64BE(8));
    } else if (size === 0) {
      return null; // The last box runs to the end of the file by definition.
    }
    if (size < 8) return `box '${printable(type)}' declares an impossible size`;
    if (offset + size > fileSize) return `the file ends inside its '${printable(type)}' box`;
    offset += size;
  }
  return null;
}

async function findTruncatedSegment(handle: FileHandle, fileSize: number): Promise<string | null> {
  const head = await readAt(handle, 0, 64);
  const ebmlHeader = readElement(head, 0);
  if (!ebmlHeader || ebmlHeader.size === null) return null;
  const segmentStart = ebmlHeader.dataStart + ebmlHeader.size;
  const segment = readElement(await readAt(handle, segmentStart, 16), 0);
  // 0x18538067 is the Segment element; an unknown size (live recordings) cannot be checked.
  if (!segment || segment.id !== 0x18538067 || segment.size === null) return null;
  if (segmentStart + segment.dataStart + segment.size > fileSize) return 'the file ends before its segment does';
  return null;
}

interface EbmlElement {
  id: number;
  dataStart: number;
  size: number | null;
}

function readElement(bytes: Buffer, offset: number): EbmlElement | null {
  const id = readVint(bytes, offset, true);
  if (!id) return null;
  const size = readVint(bytes, offset + id.length, false);
  if (!size) return null;
  return { id: id.value, dataStart: offset + id.length + size.length, size: size.unknown ? null : size.value };
}

/** An EBML variable-length integer: the count of leading zero bits gives its length. */
function readVint(bytes: Buffer, offset: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | null {
  const first = bytes[offset];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (offset + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[offset + i]!;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : '?';
}
