import fs from 'node:fs/promises';
import { BlobSourceChangedError, BlobTooLargeError, InvalidBlobArgumentError } from './blob-errors.js';
import { readUpTo } from '../read-up-to.js';

// Chunks read per system call: a round trip through libuv's thread pool costs more than the copy.
const CHUNKS_PER_READ = 16;

export interface SourceChunk {
  bytes: Buffer;
  final: boolean;
}

/**
 * Reads a file in fixed-size chunks, telling which one is last, so a caller can hash and encrypt in
 * one pass. Refuses files over `maxBytes` and files that change size or mtime while being read:
 * what is stored must be one consistent version of the file.
 */
export async function* readSourceChunks(filePath: string, chunkSize: number, maxBytes?: number): AsyncGenerator<SourceChunk> {
  // Checked before opening too: opening a FIFO for reading would wait for a writer forever.
  if (!(await fs.stat(filePath)).isFile()) throw new InvalidBlobArgumentError(`${filePath} is not a regular file`);
  const handle = await fs.open(filePath, 'r');
  try {
    const before = await handle.stat();
    if (!before.isFile()) throw new InvalidBlobArgumentError(`${filePath} is not a regular file`);
    if (maxBytes !== undefined && before.size > maxBytes) throw new BlobTooLargeError(filePath, maxBytes);
    let total = 0;
    let block = await readUpTo(handle, chunkSize * CHUNKS_PER_READ, null);
    for (;;) {
      total += block.length;
      if (maxBytes !== undefined && total > maxBytes) throw new BlobTooLargeError(filePath, maxBytes);
      if (total > before.size) throw new BlobSourceChangedError(filePath, 'it grew while being read');
      const next = block.length < chunkSize * CHUNKS_PER_READ ? Buffer.alloc(0) : await readUpTo(handle, chunkSize * CHUNKS_PER_READ, null);
      const lastBlock = next.length === 0;
      const chunks = Math.max(1, Math.ceil(block.length / chunkSize));
      for (let index = 0; index < chunks; index += 1) {
        yield { bytes: block.subarray(index * chunkSize, (index + 1) * chunkSize), final: lastBlock && index === chunks - 1 };
      }
      if (lastBlock) break;
      block = next;
    }
    const after = await handle.stat();
    if (total !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new BlobSourceChangedError(filePath, 'its size or modification time changed while being read');
    }
  } finally {
    await handle.close();
  }
}
