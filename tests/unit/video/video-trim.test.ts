import { describe, expect, it } from 'vitest';
import { readClipDetails } from '../../../contract/clip-details.js';
import { formatMediaTime, posterTime, resolveTrim } from '../../../contract/edits/video-trim.js';

describe('resolveTrim', () => {
  it('keeps the whole video when nothing is set, and a side not set keeps its own end', () => {
    expect(resolveTrim({ trimStartMs: null, trimEndMs: null }, 6000)).toEqual({ ok: true, trim: { startMs: 0, endMs: 6000, trimmed: false, adjusted: [] } });
    expect(resolveTrim({ trimStartMs: 1500, trimEndMs: null }, 6000)).toEqual({ ok: true, trim: { startMs: 1500, endMs: 6000, trimmed: true, adjusted: [] } });
    expect(resolveTrim({ trimStartMs: null, trimEndMs: 2500 }, 6000)).toEqual({ ok: true, trim: { startMs: 0, endMs: 2500, trimmed: true, adjusted: [] } });
  });

  it('pulls an end past the video’s end back to it, and says so', () => {
    expect(resolveTrim({ trimStartMs: 1000, trimEndMs: 9000 }, 6000)).toEqual({
      ok: true,
      trim: { startMs: 1000, endMs: 6000, trimmed: true, adjusted: ["the trim's end (0:09.00) was past the video's end, so it ends at 0:06.00"] },
    });
  });

  it('refuses a trim that keeps nothing, with the reason', () => {
    expect(resolveTrim({ trimStartMs: 4000, trimEndMs: 1000 }, 6000)).toEqual({ ok: false, reason: 'the trim ends (0:01.00) before it starts (0:04.00)' });
    expect(resolveTrim({ trimStartMs: 7000, trimEndMs: null }, 6000)).toEqual({ ok: false, reason: 'the trim starts at 0:07.00, after the video ends (0:06.00)' });
    expect(resolveTrim({ trimStartMs: 1000, trimEndMs: 1050 }, 6000)).toEqual({ ok: false, reason: 'the trim keeps only 50 ms; keep at least 100 ms' });
    expect(resolveTrim({ trimStartMs: 1000, trimEndMs: null }, 0)).toEqual({ ok: false, reason: "the video's length is unknown, so it cannot be trimmed" });
  });

  it('refuses times that are not times, whoever wrote them', () => {
    expect(resolveTrim({ trimStartMs: Number.NaN, trimEndMs: null }, 6000)).toEqual({ ok: false, reason: "the trim's start is not a time (NaN)" });
    expect(resolveTrim({ trimStartMs: null, trimEndMs: -5 }, 6000)).toEqual({ ok: false, reason: "the trim's end is not a time (-5)" });
  });

  it('ignores malformed values a peer wrote in the document, so the rest still applies', () => {
    const doc = {
      schema: 1,
      type: 'clipshot/clip-detail',
      clipId: 'c',
      video: { trimStartMs: Number.NaN, trimEndMs: 'soon', posterMs: -1, markers: { a: { atMs: Infinity, label: 'x' }, b: { atMs: 1200, label: 'ok' } } },
    };
    const read = readClipDetails(doc, 'c');
    expect(read.ok).toBe(true);
    const details = read.ok ? read.details : null;
    expect(details?.video).toEqual({ trimStartMs: null, trimEndMs: null, posterMs: null, markers: [{ id: 'b', atMs: 1200, label: 'ok' }] });
    expect(resolveTrim(details!.video, 6000)).toMatchObject({ ok: true, trim: { startMs: 0, endMs: 6000, trimmed: false } });
  });
});

describe('posterTime', () => {
  it('is the poster frame, else the trim’s start, else the first frame; always within the video', () => {
    const trim = { startMs: 1500, endMs: 4000, trimmed: true, adjusted: [] };
    expect(posterTime(3000, trim, 6000)).toBe(3000);
    expect(posterTime(null, trim, 6000)).toBe(1500);
    expect(posterTime(null, null, 6000)).toBe(0);
    expect(posterTime(9000, trim, 6000)).toBe(5999);
  });
});

describe('formatMediaTime', () => {
  it('writes minutes and seconds to the hundredth, and hours when there are some', () => {
    expect(formatMediaTime(0)).toBe('0:00.00');
    expect(formatMediaTime(3254)).toBe('0:03.25');
    expect(formatMediaTime(12 * 60_000)).toBe('12:00.00');
    expect(formatMediaTime(3_723_400)).toBe('1:02:03.40');
    expect(formatMediaTime(Number.NaN)).toBe('0:00.00');
  });
});
