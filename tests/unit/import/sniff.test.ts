import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sniffContentType } from '../../../main/library/import/probe.js';
import { tempDir } from '../../helpers/temp.js';
import { inDir, writeAudioOnlyMp4, writeMov, writeMp4, writeSolidImage, writeWebm } from './fixtures.js';

async function head(file: string): Promise<Buffer> {
  return (await fs.readFile(file)).subarray(0, 4096);
}

function ftyp(major: string, ...compatible: string[]): Buffer {
  const box = Buffer.from(`\0\0\0\0ftyp${major}\0\0\0\0${compatible.join('')}`, 'latin1');
  box.writeUInt32BE(box.length, 0);
  return Buffer.concat([box, Buffer.alloc(32)]);
}

describe('sniffContentType', () => {
  it('identifies real images by their magic bytes, whatever the file is called', async () => {
    const dir = await tempDir();
    expect(sniffContentType(await head(await writeSolidImage(inDir(dir, 'a.jpg'), 'png', 8, 8)))).toEqual({ kind: 'image', mime: 'image/png' });
    expect(sniffContentType(await head(await writeSolidImage(inDir(dir, 'b.png'), 'jpeg', 8, 8)))).toEqual({ kind: 'image', mime: 'image/jpeg' });
    expect(sniffContentType(await head(await writeSolidImage(inDir(dir, 'c'), 'webp', 8, 8)))).toEqual({ kind: 'image', mime: 'image/webp' });
    expect(sniffContentType(await head(await writeSolidImage(inDir(dir, 'd.txt'), 'gif', 8, 8)))).toEqual({ kind: 'image', mime: 'image/gif' });
  });

  it('identifies real videos by their container headers', async () => {
    const dir = await tempDir();
    expect(sniffContentType(await head(await writeMp4(inDir(dir, 'a.mov'), { seconds: 0.2 })))).toEqual({ kind: 'video', mime: 'video/mp4' });
    expect(sniffContentType(await head(await writeMov(inDir(dir, 'b.mp4'), { seconds: 0.2 })))).toEqual({ kind: 'video', mime: 'video/quicktime' });
    expect(sniffContentType(await head(await writeWebm(inDir(dir, 'c.mp4'), 'libvpx', { seconds: 0.2 })))).toEqual({ kind: 'video', mime: 'video/webm' });
    // Audio in an ISO container still sniffs as MP4: only reading its streams can tell.
    expect(sniffContentType(await head(await writeAudioOnlyMp4(inDir(dir, 'd.mp4'))))).toEqual({ kind: 'video', mime: 'video/mp4' });
  });

  it('tells ISO brands apart: HEIC, AVIF and M4A are not videos', () => {
    expect(sniffContentType(ftyp('heic', 'mif1', 'heic'))).toBeNull();
    expect(sniffContentType(ftyp('mif1', 'avif', 'miaf'))).toBeNull();
    expect(sniffContentType(ftyp('M4A ', 'M4A ', 'mp42', 'isom'))).toBeNull();
    expect(sniffContentType(ftyp('mp42', 'isom', 'mp42'))).toEqual({ kind: 'video', mime: 'video/mp4' });
    expect(sniffContentType(ftyp('qt  ', 'qt  '))).toEqual({ kind: 'video', mime: 'video/quicktime' });
  });

  it('reads text that happens to have a QuickTime atom name at offset 4 as text', () => {
    for (const text of ['clip wide shot of the bay', 'the moov atom is missing', 'old mdat notes', 'abc pnot']) {
      expect(sniffContentType(Buffer.from(text))).toEqual({ kind: 'text', mime: 'text/plain' });
    }
    const bareMoov = Buffer.alloc(16);
    bareMoov.writeUInt32BE(16, 0);
    bareMoov.write('moov', 4, 'latin1');
    expect(sniffContentType(bareMoov)).toEqual({ kind: 'video', mime: 'video/quicktime' });
  });

  it('tells WebM from other Matroska files by the EBML DocType', () => {
    const ebml = (docType: string) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | (docType.length + 3), 0x42, 0x82, 0x80 | docType.length]), Buffer.from(docType)]);
    expect(sniffContentType(ebml('webm'))).toEqual({ kind: 'video', mime: 'video/webm' });
    expect(sniffContentType(ebml('matroska'))).toBeNull();
  });

  it('recognises UTF-8 and UTF-16 (with BOM) text, and refuses binary data', () => {
    expect(sniffContentType(Buffer.from('plain words\n'))).toEqual({ kind: 'text', mime: 'text/plain' });
    expect(sniffContentType(Buffer.from([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]))).toEqual({ kind: 'text', mime: 'text/plain' });
    expect(sniffContentType(Buffer.from([0x68, 0x00, 0x69, 0x00]))).toBeNull();
    expect(sniffContentType(Buffer.from([0xc3, 0x28, 0x41]))).toBeNull();
    expect(sniffContentType(Buffer.alloc(0))).toBeNull();
  });

  it('accepts text whose sample ends in the middle of a multi-byte character', () => {
    const sample = Buffer.from('naïve café ✓', 'utf8');
    expect(sniffContentType(sample.subarray(0, sample.length - 1))).toEqual({ kind: 'text', mime: 'text/plain' });
  });
});
