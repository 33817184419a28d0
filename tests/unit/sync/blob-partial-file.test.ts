import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PartialDamagedError, PartialFolder, type PartialFile } from '../../../main/sync/blobs/partial-file.js';
import { tempDir } from '../../helpers/temp.js';

const PIECE = 4096;
const HEADER = 96;
const RECORD = PIECE + 16;

async function setup(pieces: number, extra = 100) {
  const dir = path.join(await tempDir('clipshot-partial-'), 'partial');
  const key = randomBytes(32);
  const bytes = randomBytes(pieces * PIECE + extra);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const folder = new PartialFolder(dir, key);
  const file = () => path.join(dir, folder.fileName(hash));
  return { dir, key, bytes, hash, folder, file };
}

async function appendPieces(partial: PartialFile, bytes: Buffer, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) await partial.append(bytes.subarray(index * PIECE, (index + 1) * PIECE));
}

async function plaintextOf(partial: PartialFile): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of partial.plaintext()) parts.push(part);
  return Buffer.concat(parts);
}

describe('partial downloads on disk', () => {
  it('keeps pieces encrypted, resumes where they end, and gives back the plaintext once complete', async () => {
    const { bytes, hash, folder } = await setup(3);
    const first = await folder.create(hash, bytes.length, PIECE);
    await appendPieces(first, bytes, 2);
    await first.close();

    const resumed = (await folder.resume(hash))!;
    expect(resumed.received).toBe(2 * PIECE);
    expect(resumed.size).toBe(bytes.length);
    await resumed.append(bytes.subarray(2 * PIECE, 3 * PIECE));
    await resumed.append(bytes.subarray(3 * PIECE));
    expect(resumed.complete).toBe(true);
    expect((await plaintextOf(resumed)).equals(bytes)).toBe(true);
    await resumed.close();
    expect((await folder.resume(hash))!.complete).toBe(true);
  });

  it('refuses a piece of the wrong length', async () => {
    const { bytes, hash, folder } = await setup(2);
    const partial = await folder.create(hash, bytes.length, PIECE);
    await expect(partial.append(bytes.subarray(0, PIECE - 1))).rejects.toThrow(/piece 0 has 4095 bytes/);
    await partial.close();
  });

  it('names files by a keyed HMAC of the hash and writes no plaintext', async () => {
    const { dir, key, bytes, hash, folder, file } = await setup(2);
    expect(folder.fileName(hash)).not.toContain(hash);
    expect(new PartialFolder(dir, randomBytes(32)).fileName(hash)).not.toBe(folder.fileName(hash));
    expect(new PartialFolder(dir, key).fileName(hash)).toBe(folder.fileName(hash));
    const partial = await folder.create(hash, bytes.length, PIECE);
    await appendPieces(partial, bytes, 2);
    await partial.close();
    const onDisk = await fs.readFile(file());
    expect(onDisk.length).toBe(HEADER + 2 * RECORD);
    expect(onDisk.includes(bytes.subarray(0, 16))).toBe(false);
    expect(onDisk.includes(bytes.subarray(PIECE, PIECE + 16))).toBe(false);
    expect(await folder.listNames()).toEqual(new Set([folder.fileName(hash)]));
  });

  it('drops a torn last record on resume', async () => {
    const { bytes, hash, folder, file } = await setup(4);
    const partial = await folder.create(hash, bytes.length, PIECE);
    await appendPieces(partial, bytes, 3);
    await partial.close();
    await fs.truncate(file(), HEADER + 3 * RECORD - 10);

    const resumed = (await folder.resume(hash))!;
    expect(resumed.received).toBe(2 * PIECE);
    expect((await fs.stat(file())).size).toBe(HEADER + 2 * RECORD);
    await resumed.close();
  });

  it('drops a last record that does not authenticate, and reports a damaged earlier one when read', async () => {
    const { bytes, hash, folder, file } = await setup(4);
    const partial = await folder.create(hash, bytes.length, PIECE);
    await appendPieces(partial, bytes, 4);
    await partial.append(bytes.subarray(4 * PIECE));
    await partial.close();
    const flip = async (offset: number) => {
      const handle = await fs.open(file(), 'r+');
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, offset);
      await handle.write(Buffer.from([byte[0]! ^ 1]), 0, 1, offset);
      await handle.close();
    };
    await flip(HEADER + 4 * RECORD + 5);
    await flip(HEADER + RECORD + 5);

    const resumed = (await folder.resume(hash))!;
    expect(resumed.received).toBe(4 * PIECE);
    const error = await plaintextOf(resumed).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PartialDamagedError);
    expect((error as PartialDamagedError).goodBytes).toBe(PIECE);
    await resumed.truncate(PIECE);
    expect(resumed.received).toBe(PIECE);
    expect((await fs.stat(file())).size).toBe(HEADER + RECORD);
    await resumed.close();
  });

  it('starts over (deleting the file) when it belongs to another hash, another key, or is not a partial file', async () => {
    const { dir, bytes, hash, folder, file } = await setup(2);
    const partial = await folder.create(hash, bytes.length, PIECE);
    await appendPieces(partial, bytes, 1);
    await partial.close();

    expect(await new PartialFolder(dir, randomBytes(32)).resume(hash)).toBeNull();
    expect(await folder.resume(hash)).not.toBeNull();
    const other = createHash('sha256').update('other').digest('hex');
    await fs.copyFile(file(), path.join(dir, folder.fileName(other)));
    expect(await folder.resume(other)).toBeNull();
    await expect(fs.stat(path.join(dir, folder.fileName(other)))).rejects.toMatchObject({ code: 'ENOENT' });

    await fs.writeFile(file(), 'not a partial file');
    expect(await folder.resume(hash)).toBeNull();
    expect(await folder.listNames()).toEqual(new Set());
    expect(await folder.resume(hash)).toBeNull();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new PartialFolder('/tmp/x', Buffer.alloc(16))).toThrow(/32-byte/);
  });
});
