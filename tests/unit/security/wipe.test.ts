// Wiping overwrites before removing: a second hard link to the same bytes (what free space or a
// backup would keep) reads zeros afterwards. Links inside a wiped folder are removed, not followed.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UploadStore } from '../../../main/api/upload-store.js';
import { wipeFile, wipeFolder } from '../../../main/security/wipe.js';
import { tempDir } from '../../helpers/temp.js';

/** Writes `bytes` at `file` and a second link to them in another folder; returns the link. */
async function linkedFile(file: string, bytes: Buffer): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  const link = path.join(await tempDir(), 'second-link');
  await fs.link(file, link);
  return link;
}

describe('wipeFile', () => {
  it('overwrites every byte of a file larger than its buffer, then removes it', async () => {
    const file = path.join(await tempDir(), 'clip.png');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 0xab);
    const link = await linkedFile(file, bytes);
    await wipeFile(file);
    await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const left = await fs.readFile(link);
    expect(left.length).toBe(bytes.length);
    expect(left.every((byte) => byte === 0)).toBe(true);
  });

  it('is fine with a file that is already gone, and removes a symbolic link without touching its target', async () => {
    const dir = await tempDir();
    await wipeFile(path.join(dir, 'missing'));
    const target = path.join(dir, 'target.txt');
    await fs.writeFile(target, 'not ours to wipe');
    await fs.symlink(target, path.join(dir, 'link'));
    await wipeFile(path.join(dir, 'link'));
    await expect(fs.lstat(path.join(dir, 'link'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readFile(target, 'utf8')).toBe('not ours to wipe');
  });
});

describe('wipeFolder', () => {
  it('wipes files in nested folders and removes the tree; a link out of it leaves its target alone', async () => {
    const root = path.join(await tempDir(), 'job');
    const link = await linkedFile(path.join(root, 'a', 'b', 'frame.raw'), Buffer.from('secret frame'));
    const outside = path.join(await tempDir(), 'outside.txt');
    await fs.writeFile(outside, 'outside');
    await fs.symlink(outside, path.join(root, 'escape'));
    await wipeFolder(root);
    await expect(fs.stat(root)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readFile(link)).toEqual(Buffer.alloc('secret frame'.length));
    expect(await fs.readFile(outside, 'utf8')).toBe('outside');
    await wipeFolder(root); // gone already: nothing to do
  });
});

describe('uploads', () => {
  it('an upload discarded after import, or cleared, is overwritten first', async () => {
    const store = new UploadStore(path.join(await tempDir(), 'uploads'));
    const { uploadId } = await store.receive('shot.png', Readable.from([Buffer.from('uploaded pixels')]));
    const file = store.take(uploadId);
    const link = path.join(await tempDir(), 'link');
    await fs.link(file, link);
    await store.discard(file);
    expect(await fs.readFile(link)).toEqual(Buffer.alloc('uploaded pixels'.length));

    const second = await store.receive('note.txt', Readable.from([Buffer.from('second upload')]));
    const secondLink = path.join(await tempDir(), 'link');
    await fs.link(store.take(second.uploadId), secondLink);
    await store.clear();
    expect(await fs.readFile(secondLink)).toEqual(Buffer.alloc('second upload'.length));
  });
});
