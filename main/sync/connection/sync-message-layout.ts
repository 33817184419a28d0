// The layout of Automerge's version-1 sync message, as far as sync needs to read it without
// decoding the changes it carries: its type byte (0x42), its heads, what it needs and has, its
// changes, then optionally the capabilities its sender supports. Every list is length-prefixed
// with an unsigned LEB128 number; hashes are 32 bytes.

const SYNC_MESSAGE_V1 = 0x42;
const HASH_BYTES = 32;

interface Layout {
  heads: Uint8Array[];
  /** Where the changes end: the capabilities, if any, follow. */
  changesEnd: number;
}

/** The number at `offset` and the offset after it; null when the input ends first or it is too long. */
function readLeb128(data: Uint8Array, offset: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let at = offset; at < data.length && at < offset + 8; at++) {
    const byte = data[at]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at + 1];
    scale *= 128;
  }
  return null;
}

function skipLengthPrefixed(data: Uint8Array, offset: number, itemBytes: number): number | null {
  const read = readLeb128(data, offset);
  if (!read) return null;
  const end = read[1] + read[0] * itemBytes;
  return end <= data.length ? end : null;
}

function layoutOf(data: Uint8Array): Layout | null {
  if (data[0] !== SYNC_MESSAGE_V1) return null;
  const headCount = readLeb128(data, 1);
  if (!headCount) return null;
  const headsStart = headCount[1];
  let offset: number | null = headsStart + headCount[0] * HASH_BYTES;
  if (offset > data.length) return null;
  const heads = Array.from({ length: headCount[0] }, (_, index) => data.subarray(headsStart + index * HASH_BYTES, headsStart + (index + 1) * HASH_BYTES));
  offset = skipLengthPrefixed(data, offset, HASH_BYTES); // need
  const haves = offset === null ? null : readLeb128(data, offset);
  if (!haves) return null;
  offset = haves[1];
  for (let index = 0; index < haves[0] && offset !== null; index++) {
    offset = skipLengthPrefixed(data, offset, HASH_BYTES); // last sync
    offset = offset === null ? null : skipLengthPrefixed(data, offset, 1); // bloom filter
  }
  const changes = offset === null ? null : readLeb128(data, offset);
  if (!changes) return null;
  offset = changes[1];
  for (let index = 0; index < changes[0] && offset !== null; index++) offset = skipLengthPrefixed(data, offset, 1);
  return offset === null ? null : { heads, changesEnd: offset };
}

/** The sender's heads (hex), or null when this is not a well-formed version-1 sync message. */
export function syncMessageHeads(data: Uint8Array): string[] | null {
  return layoutOf(data)?.heads.map((hash) => Buffer.from(hash).toString('hex')) ?? null;
}

/**
 * The message without the capabilities its sender advertises. A peer that never learns that this
 * side reads version-2 messages sends changes, never its whole document. Anything else (another
 * version, malformed bytes, no capabilities) comes back as it was.
 */
export function withoutCapabilities(data: Uint8Array): Uint8Array {
  const layout = layoutOf(data);
  return layout && layout.changesEnd < data.length ? data.subarray(0, layout.changesEnd) : data;
}
