import type { SourceChunk } from './source-chunks.js';

/**
 * Regroups byte pieces of any size into chunks of exactly `chunkSize` bytes but the last (which is
 * shorter, or empty when there are no bytes at all), telling which is last: what TempBlobWriter takes.
 * A full chunk is held back until the next byte or the end shows whether it is the final one.
 */
export async function* rechunk(pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, chunkSize: number): AsyncGenerator<SourceChunk> {
  let held: Buffer | null = null;
  let parts: Buffer[] = [];
  let length = 0;
  for await (const piece of pieces) {
    for (let at = 0; at < piece.length; ) {
      const take = Math.min(chunkSize - length, piece.length - at);
      parts.push(Buffer.from(piece.buffer, piece.byteOffset + at, take));
      length += take;
      at += take;
      if (length < chunkSize) continue;
      if (held !== null) yield { bytes: held, final: false };
      held = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
      parts = [];
      length = 0;
    }
  }
  if (length > 0) {
    if (held !== null) yield { bytes: held, final: false };
    yield { bytes: Buffer.concat(parts, length), final: true };
  } else {
    yield { bytes: held ?? Buffer.alloc(0), final: true };
  }
}
