import { describe, expect, it } from 'vitest';
import { decodeText, ImportRejection } from '../../../main/library/import/probe.js';

function rejectionOf(run: () => unknown): ImportRejection {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRejection);
    return error as ImportRejection;
  }
  throw new Error('expected a rejection');
}

describe('decodeText', () => {
  const sample = 'Grüße, 世界 — 🎉\r\nline two';

  it('decodes UTF-8 with and without a BOM', () => {
    expect(decodeText(Buffer.from(sample, 'utf8'))).toBe(sample);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample, 'utf8')]))).toBe(sample);
  });

  it('decodes UTF-16 LE and BE by their BOM, including surrogate pairs', () => {
    const le = Buffer.from(sample, 'utf16le');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe(sample);
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]))).toBe(sample);
  });

  it('rejects NUL bytes and invalid UTF-8 as unsupported binary data', () => {
    expect(rejectionOf(() => decodeText(Buffer.from('abc\0def')))).toMatchObject({ code: 'unsupported', message: 'the file contains binary data, not text' });
    expect(rejectionOf(() => decodeText(Buffer.from([0x61, 0xff, 0x62])))).toMatchObject({ code: 'unsupported' });
    expect(rejectionOf(() => decodeText(Buffer.from([0x61, 0xe2, 0x82])))).toMatchObject({ code: 'unsupported' });
  });

  it('rejects UTF-16 that is cut in half a character or hides binary data', () => {
    expect(rejectionOf(() => decodeText(Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x62])))).toMatchObject({ code: 'corrupt' });
    expect(rejectionOf(() => decodeText(Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x00, 0x00])))).toMatchObject({ code: 'unsupported' });
  });
});
