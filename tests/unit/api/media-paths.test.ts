import { describe, expect, it } from 'vitest';
import { exportPath, mediaPath, parseExportPath, parseMediaPath } from '../../../contract/media.js';

const ID = '0123456789abcdefghjkmnpqrs';

function parse(url: string) {
  const parsed = new URL(url, 'http://host.invalid');
  return parseMediaPath(parsed.pathname, parsed.searchParams);
}

describe('media URLs', () => {
  it('round-trips every variant with its parameters, ignoring the cache-busting version', () => {
    const requests = [
      { variant: 'original' },
      { variant: 'thumbnail' },
      { variant: 'rendered', format: 'jpeg' },
      { variant: 'rendered' },
      { variant: 'effect', effect: 'blur', strength: 8 },
      { variant: 'frames', count: 12, height: 64 },
    ] as const;
    for (const request of requests) {
      expect(parse(mediaPath(ID, request, { version: 'abc123' }))).toEqual({ ok: true, clipId: ID, request, download: false });
    }
    expect(parse(mediaPath(ID, 'original', { download: true }))).toEqual({ ok: true, clipId: ID, request: { variant: 'original' }, download: true });
  });

  it('refuses what is not a media request, saying why', () => {
    expect(parse(`/media/${ID}/everything`)).toMatchObject({ ok: false, reason: expect.stringMatching(/no such media/) });
    expect(parse(`/media/${ID}/effect?effect=blur&strength=0`)).toMatchObject({ ok: false });
    expect(parse(`/media/${ID}/effect?effect=blur&strength=1e9`)).toMatchObject({ ok: false });
    expect(parse(`/media/${ID}/frames?count=12`)).toMatchObject({ ok: false });
    expect(parse(`/media/${ID}/original?path=/etc/passwd`)).toMatchObject({ ok: false });
    expect(parse('/media/../../etc/original')).toBeNull();
    expect(parse('/media/NOT_AN_ID/original')).toMatchObject({ ok: false, reason: 'not a clip id' });
    expect(() => mediaPath('../x', 'original')).toThrow(/not a clip id/);
    expect(() => mediaPath(ID, { variant: 'effect', effect: 'blur', strength: -1 })).toThrow(/media request/);
  });

  it('names exports by their 128-bit job id only', () => {
    const job = 'ab'.repeat(16);
    expect(parseExportPath(exportPath(job))).toBe(job);
    expect(parseExportPath('/exports/../../secret')).toBeNull();
    expect(() => exportPath('nope')).toThrow(/not an export id/);
  });
});
