import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExifDateTime, parseIsoDateTime, plausibleCaptureTime } from '../../../main/library/import/capture-time.js';

describe('capture time parsing', () => {
  const originalZone = process.env['TZ'];
  // A zone away from UTC, so "local time" and "UTC" give different answers.
  beforeEach(() => {
    process.env['TZ'] = 'America/New_York';
  });
  afterEach(() => {
    if (originalZone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = originalZone;
  });

  it('reads an EXIF date without offset as local wall-clock time', () => {
    expect(new Date(2021, 4, 6, 7, 8, 9).getTime()).not.toBe(Date.UTC(2021, 4, 6, 7, 8, 9));
    expect(parseExifDateTime('2021:05:06 07:08:09')).toBe(new Date(2021, 4, 6, 7, 8, 9).getTime());
  });

  it('applies an EXIF offset when there is one', () => {
    expect(parseExifDateTime('2021:05:06 07:08:09', '+02:00')).toBe(Date.UTC(2021, 4, 6, 5, 8, 9));
    expect(parseExifDateTime('2021:05:06 07:08:09', '-03:30')).toBe(Date.UTC(2021, 4, 6, 10, 38, 9));
  });

  it('refuses malformed and impossible EXIF dates', () => {
    for (const value of ['', '2021:02:30 10:00:00', '2021:13:01 10:00:00', '2021:01:01 25:00:00', 'yesterday', 20210101]) {
      expect(parseExifDateTime(value)).toBeNull();
    }
  });

  it('reads the ISO times ffmpeg prints', () => {
    expect(parseIsoDateTime('2020-03-04T05:06:07.000000Z')).toBe(Date.UTC(2020, 2, 4, 5, 6, 7));
    expect(parseIsoDateTime('2020-03-04T06:06:07+0100')).toBe(Date.UTC(2020, 2, 4, 5, 6, 7));
    expect(parseIsoDateTime('2020-03-04T05:06:07.250Z')).toBe(Date.UTC(2020, 2, 4, 5, 6, 7, 250));
    expect(parseIsoDateTime('1970-01-01T00:00:00.000000Z')).toBeNull();
    expect(parseIsoDateTime('not a date')).toBeNull();
  });

  it('keeps times from 1990 up to a day ahead, and drops the rest', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(plausibleCaptureTime(Date.UTC(1990, 0, 1), now)).toBe(Date.UTC(1990, 0, 1));
    expect(plausibleCaptureTime(Date.UTC(1989, 11, 31), now)).toBeNull();
    expect(plausibleCaptureTime(now + 23 * 3600_000, now)).toBe(now + 23 * 3600_000);
    expect(plausibleCaptureTime(now + 25 * 3600_000, now)).toBeNull();
    expect(plausibleCaptureTime(Number.NaN, now)).toBeNull();
  });
});
