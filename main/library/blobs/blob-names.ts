import { createHmac } from 'node:crypto';
import path from 'node:path';
import { InvalidBlobArgumentError } from './blob-errors.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHARD_DIR = /^[0-9a-f]{2}$/;

export function isBlobHash(value: string): boolean {
  return SHA256_HEX.test(value);
}

export function assertBlobHash(hash: string): void {
  if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
    throw new InvalidBlobArgumentError(`not a blob hash (64 lowercase hex characters): ${JSON.stringify(String(hash).slice(0, 80))}`);
  }
}

/** Keyed, so that someone holding the disk cannot look up a known file's public hash. */
export function storedNameOf(nameKey: Buffer, hash: string): string {
  assertBlobHash(hash);
  return createHmac('sha256', nameKey).update(Buffer.from(hash, 'hex')).digest('hex');
}

export function assertStoredName(name: string): void {
  if (typeof name !== 'string' || !SHA256_HEX.test(name)) {
    throw new InvalidBlobArgumentError(`not a stored blob name (64 lowercase hex characters): ${JSON.stringify(String(name).slice(0, 80))}`);
  }
}

export function isStoredName(name: string): boolean {
  return SHA256_HEX.test(name);
}

export function isShardDirectory(name: string): boolean {
  return SHARD_DIR.test(name);
}

/** Sharded by the first two hex characters so no folder grows past a few thousand entries per million blobs. */
export function storedPath(rootDir: string, name: string): string {
  return path.join(rootDir, name.slice(0, 2), name);
}
