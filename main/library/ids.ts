import { createHash, randomBytes } from 'node:crypto';
import { SHARD_COUNT } from './documents/schema.js';

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** 128 random bits as 26 lowercase Crockford base32 characters: short enough to type a prefix of. */
export function newClipId(): string {
  const bytes = randomBytes(17);
  let id = '';
  for (let i = 0; i < 26; i++) {
    const bitOffset = i * 5;
    const byte = bitOffset >> 3;
    const shift = bitOffset & 7;
    const twoBytes = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0);
    id += BASE32[(twoBytes >> (11 - shift)) & 31];
  }
  return id;
}

export function shardOfClip(clipId: string): number {
  return createHash('sha256').update(clipId).digest()[0]! % SHARD_COUNT;
}
