import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BlobStore, type BlobKeys } from '../../../main/library/blobs/blob-store.js';
import { tempDir } from '../../helpers/temp.js';

export const CHUNK = 64 * 1024;
export const HEADER = 96;
export const TAG = 16;

export function newKeys(): BlobKeys {
  return { contentKey: randomBytes(32), nameKey: randomBytes(32) };
}

export async function newStore(keys = newKeys()): Promise<{ store: BlobStore; root: string; work: string; keys: BlobKeys }> {
  const work = await tempDir('clipshot-blobs-');
  const root = path.join(work, 'blobs');
  return { store: new BlobStore(root, keys), root, work, keys };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function storedFile(store: BlobStore, root: string, hash: string): string {
  const name = store.storedName(hash);
  return path.join(root, name.slice(0, 2), name);
}

export async function writeSource(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

export async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Buffer));
  return Buffer.concat(parts);
}

/** XORs one byte of a file in place. */
export async function flipByte(file: string, offset: number): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0x5a;
    await handle.write(byte, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Resolves once a write in progress has a temp file, so a test can act in the middle of it. */
export async function waitForTempFile(root: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if ((await listDir(path.join(root, 'tmp'))).some((name) => name.endsWith('.part'))) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('no temp file appeared');
}
