import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMPORT_LIMITS, probeFile } from '../../../main/library/import/probe.js';
import { tempDir } from '../../helpers/temp.js';
import { inDir, writeSolidImage, rejectionOf } from './fixtures.js';

/** Fails instead of hanging when probing blocks (the FIFO case). */
function withinSeconds<T>(seconds: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('probeFile on text', () => {
  it.each([
    ['note.txt', 'text/plain'],
    ['note.md', 'text/markdown'],
    ['note.markdown', 'text/markdown'],
    ['NOTES', 'text/plain'],
  ] as const)('reads %s as %s', async (name, mime) => {
    const dir = await tempDir();
    const file = inDir(dir, name);
    await fs.writeFile(file, '# Title\n\nSome *text* – with ünïcödé ✓\n');
    expect(await probeFile(file)).toEqual({ kind: 'text', mime, text: '# Title\n\nSome *text* – with ünïcödé ✓\n', warnings: [] });
  });

  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo wörld', 'utf8')])],
    ['UTF-16 LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo wörld', 'utf16le')])],
    ['UTF-16 BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('héllo wörld', 'utf16le').swap16()])],
  ])('decodes a %s text file and drops the byte-order mark', async (_label, bytes) => {
    const dir = await tempDir();
    const file = inDir(dir, 'encoded.txt');
    await fs.writeFile(file, bytes);
    expect(await probeFile(file)).toMatchObject({ kind: 'text', text: 'héllo wörld' });
  });

  it('rejects binary data named .txt as unsupported', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'data.txt');
    await fs.writeFile(file, Buffer.from([0x01, 0x02, 0x00, 0x7f, 0xfe, 0x10, 0x00]));
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'unsupported', message: 'the file contains binary data, not text' });
  });

  it('rejects Latin-1 text (invalid UTF-8) as unsupported', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'latin1.txt');
    await fs.writeFile(file, Buffer.from('caf\xe9 cr\xe8me', 'latin1'));
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'unsupported', message: 'the file is not text in UTF-8, or UTF-16 with a byte-order mark' });
  });

  it('rejects a text file holding only white space as empty', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'blank.md');
    await fs.writeFile(file, ' \n\t\n');
    expect((await rejectionOf(probeFile(file))).code).toBe('empty');
  });

  it('rejects text with an extension it does not support, even though it is text', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'data.json');
    await fs.writeFile(file, '{"a": 1}');
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'unsupported', message: 'files ending in .json are not supported' });
  });

  it('rejects text named like an image as corrupt, since it is not the image it claims to be', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'download.png');
    await fs.writeFile(file, '<html><body>404 Not Found</body></html>');
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'corrupt', message: 'the name ends in .png but the file contains text, not a PNG image' });
  });

  it('imports an image named .txt as an image, with a warning', async () => {
    const dir = await tempDir();
    const file = await writeSolidImage(inDir(dir, 'not-text.txt'), 'png', 10, 10);
    expect(await probeFile(file)).toMatchObject({ kind: 'image', mime: 'image/png', warnings: ['content is a PNG image but the name ends in .txt'] });
  });
});

describe('probeFile rejections', () => {
  it('rejects a zero-byte file as empty', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'nothing.png');
    await fs.writeFile(file, '');
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'empty', message: 'the file is empty' });
  });

  it('rejects files over the limit for their kind as too large', async () => {
    const dir = await tempDir();
    const image = await writeSolidImage(inDir(dir, 'image.png'), 'png', 50, 50);
    const imageSize = (await fs.stat(image)).size;
    const limits = { ...DEFAULT_IMPORT_LIMITS, maxImageBytes: imageSize - 1 };
    expect(await rejectionOf(probeFile(image, limits))).toMatchObject({ code: 'too-large', message: `the file is ${imageSize} bytes, over the ${imageSize - 1} bytes limit for images` });
    expect((await probeFile(image, { ...limits, maxImageBytes: imageSize })).kind).toBe('image');

    const text = inDir(dir, 'long.txt');
    await fs.writeFile(text, 'x'.repeat(3000));
    expect(await rejectionOf(probeFile(text, { ...DEFAULT_IMPORT_LIMITS, maxTextBytes: 2048 }))).toMatchObject({
      code: 'too-large',
      message: 'the file is 2.9 KB, over the 2 KB limit for text',
    });
  });

  it('refuses a file larger than every limit without reading it', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'huge.mp4');
    // A sparse file: 3 GB by fstat, yet no data on disk.
    await fs.writeFile(file, '');
    await fs.truncate(file, 3 * 1024 * 1024 * 1024);
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'too-large', message: 'the file is 3 GB, over the 2 GB limit for any file' });
  });

  it('rejects a missing file as unreadable, saying why', async () => {
    const dir = await tempDir();
    expect(await rejectionOf(probeFile(inDir(dir, 'gone.png')))).toMatchObject({ code: 'unreadable', message: 'the file does not exist' });
  });

  it('rejects a dangling symbolic link as unreadable', async () => {
    const dir = await tempDir();
    const link = inDir(dir, 'link.png');
    await fs.symlink(inDir(dir, 'missing.png'), link);
    expect(await rejectionOf(probeFile(link))).toMatchObject({ code: 'unreadable', message: 'the file is a symbolic link to something that does not exist' });
  });

  it('rejects a symbolic link loop and a path through a file as unreadable', async () => {
    const dir = await tempDir();
    const loop = inDir(dir, 'loop.png');
    await fs.symlink(loop, loop);
    expect((await rejectionOf(probeFile(loop))).code).toBe('unreadable');
    const file = await writeSolidImage(inDir(dir, 'real.png'), 'png', 4, 4);
    expect(await rejectionOf(probeFile(`${file}/inner.png`))).toMatchObject({ code: 'unreadable', message: 'a part of the path is not a folder' });
  });

  it('rejects a folder, even one named like a file, as not a file', async () => {
    const dir = await tempDir();
    const folder = inDir(dir, 'photo.jpg');
    await fs.mkdir(folder);
    expect(await rejectionOf(probeFile(folder))).toMatchObject({ code: 'not-a-file', message: 'the path is a folder, not a file' });
  });

  it('rejects a FIFO as not a file, without blocking on it', async () => {
    const dir = await tempDir();
    const fifo = inDir(dir, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    const rejection = await withinSeconds(5, rejectionOf(probeFile(fifo)));
    expect(rejection).toMatchObject({ code: 'not-a-file', message: 'the path is a named pipe, not a file' });
  });

  it('rejects a socket and a device as not files', async () => {
    const dir = await tempDir();
    const socketPath = inDir(dir, 'socket.txt');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await rejectionOf(probeFile(socketPath))).toMatchObject({ code: 'not-a-file', message: 'the path is a socket, not a file' });
    } finally {
      server.close();
    }
    expect(await rejectionOf(withinSeconds(5, probeFile('/dev/zero')))).toMatchObject({ code: 'not-a-file', message: 'the path is a device, not a file' });
  });

  it('names a recognisable but unsupported format', async () => {
    const dir = await tempDir();
    const pdf = inDir(dir, 'paper.pdf');
    await fs.writeFile(pdf, '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1');
    expect(await rejectionOf(probeFile(pdf))).toMatchObject({ code: 'unsupported', message: 'the file is a PDF document, which is not supported' });
    const heicNamedJpg = inDir(dir, 'phone.jpg');
    await fs.writeFile(heicNamedJpg, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64, 1)]));
    expect(await rejectionOf(probeFile(heicNamedJpg))).toMatchObject({
      code: 'unsupported',
      message: 'the file is a HEIC/HEIF image, which is not supported, although the name ends in .jpg',
    });
  });

  it('rejects unrecognisable binary data with a media extension as corrupt', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'broken.webp');
    await fs.writeFile(file, Buffer.from([0x00, 0x13, 0x37, 0x00, 0xff, 0xee, 0x00, 0x01]));
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'corrupt', message: 'the name ends in .webp but the content is not recognisable as a WebP image' });
  });

  it('rejects unrecognisable binary data with no extension as unsupported', async () => {
    const dir = await tempDir();
    const file = inDir(dir, 'blob');
    await fs.writeFile(file, Buffer.from([0x00, 0x13, 0x37, 0x00]));
    expect(await rejectionOf(probeFile(file))).toMatchObject({ code: 'unsupported', message: 'the file type is not supported' });
  });
});
