import { randomBytes, randomInt } from 'node:crypto';
import { SHARD_COUNT } from './documents/schema.js';

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A clip id: its catalog shard (8 bits) then 122 random bits, as 26 lowercase Crockford base32
 * characters. The shard is chosen at creation and carried in the id, so an import can fill a
 * few shards per batch instead of touching every shard, and any device finds the shard from
 * the id alone.
 */
export function newClipId(shard: number = randomInt(SHARD_COUNT)): string {
  if (!Number.isInteger(shard) || shard < 0 || shard >= SHARD_COUNT) throw new RangeError(`no shard ${shard}`);
  const bytes = randomBytes(17);
  bytes[0] = shard;
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

/** The shard named by an id's first 8 bits; ids that are not base32 map to a shard too, and fail validation later. */
export function shardOfClip(clipId: string): number {
  const high = BASE32.indexOf(clipId[0] ?? '0');
  const low = BASE32.indexOf(clipId[1] ?? '0');
  return ((Math.max(high, 0) << 3) | (Math.max(low, 0) >> 2)) % SHARD_COUNT;
}
