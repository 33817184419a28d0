import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BlobSourceChangedError, BlobTooLargeError } from '../../../main/library/blobs/blob-errors.js';
import { readSourceChunks } from '../../../main/library/blobs/source-chunks.js';
import { tempDir } from '../../helpers/temp.js';
import { CHUNK, writeSource } from './blob-test-helpers.js';

async function sourceFile(size: number): Promise<{ file: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  return { file: await writeSource(await tempDir('clipshot-source-'), 'source.bin', bytes), bytes };
}

describe('readSourceChunks', () => {
  it.each([0, 1, CHUNK, CHUNK + 1, 3 * CHUNK, 16 * CHUNK, 16 * CHUNK + 1, 40 * CHUNK - 5])('yields full chunks and flags only the last of %i bytes', async (size) => {
    const { file, bytes } = await sourceFile(size);
    const chunks = [];
    for await (const chunk of readSourceChunks(file, CHUNK)) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.final)).toEqual(chunks.map((_, index) => index === chunks.length - 1));
    expect(chunks.slice(0, -1).every((chunk) => chunk.bytes.length === CHUNK)).toBe(true);
    expect(chunks.length).toBe(Math.max(1, Math.ceil(size / CHUNK)));
    expect(Buffer.concat(chunks.map((chunk) => chunk.bytes)).equals(bytes)).toBe(true);
  });

  it('refuses a file that grows while being read', async () => {
    const { file } = await sourceFile(32 * CHUNK);
    const chunks = readSourceChunks(file, CHUNK);
    expect((await chunks.next()).done).toBe(false);
    await fs.appendFile(file, 'appended meanwhile');
    await expect((async () => {
      for await (const chunk of chunks) void chunk;
    })()).rejects.toThrow(/grew while being read/);

    const small = await sourceFile(4 * CHUNK);
    const smallChunks = readSourceChunks(small.file, CHUNK);
    await smallChunks.next();
    await fs.appendFile(small.file, 'appended after the whole file was read');
    await expect((async () => {
      for await (const chunk of smallChunks) void chunk;
    })()).rejects.toThrow(BlobSourceChangedError);
  });

  it('refuses a file rewritten in place after its last chunk was read', async () => {
    const { file } = await sourceFile(2 * CHUNK);
    const chunks = readSourceChunks(file, CHUNK);
    await chunks.next();
    expect((await chunks.next()).value).toMatchObject({ final: true });
    const handle = await fs.open(file, 'r+');
    await handle.write(Buffer.from('changed'), 0, 7, 10);
    await handle.close();
    await fs.utimes(file, new Date(), new Date(Date.now() + 5000));
    await expect(chunks.next()).rejects.toThrow(/its size or modification time changed while being read/);
  });

  it('stops at maxBytes, also when the file grows past it after the size check', async () => {
    // Two full 1 MiB reads, so the growth shows up as bytes read rather than in the final size check.
    const { file } = await sourceFile(32 * CHUNK);
    await expect(readSourceChunks(file, CHUNK, 32 * CHUNK - 1).next()).rejects.toThrow(BlobTooLargeError);
    const chunks = readSourceChunks(file, CHUNK, 32 * CHUNK);
    await chunks.next();
    await fs.appendFile(file, randomBytes(CHUNK));
    await expect((async () => {
      for await (const chunk of chunks) void chunk;
    })()).rejects.toThrow(BlobTooLargeError);
  });
});
