const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/** Drops times that are clearly wrong: unset camera clocks (before 1990) or more than a day in the future. */
export function plausibleCaptureTime(ms: number | null, now = Date.now()): number | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  return ms >= EARLIEST_PLAUSIBLE && ms <= now + DAY_MS ? ms : null;
}

/**
 * An EXIF date ('2021:05:06 07:08:09'), with an EXIF offset ('+02:00') when there is one.
 * Without an offset EXIF means the camera's wall clock, so it is read as local time.
 */
export function parseExifDateTime(value: unknown, offset?: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (!validFields(year, month, day, hour, minute, second)) return null;
  const offsetMinutes = parseOffset(offset);
  const ms =
    offsetMinutes === null
      ? new Date(year, month - 1, day, hour, minute, second).getTime()
      : Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return plausibleCaptureTime(ms);
}

/** An ISO 8601 time as ffmpeg prints it ('2020-03-04T05:06:07.000000Z', '2020-03-04T06:06:07+0100'). */
export function parseIsoDateTime(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!validFields(year, month, day, hour, minute, second)) return null;
  const millis = Math.round(Number(`0.${match[7] ?? '0'}`) * 1000);
  const zone = match[8];
  const offsetMinutes = zone === undefined ? null : zone === 'Z' ? 0 : parseOffset(zone);
  const ms =
    offsetMinutes === null
      ? new Date(year, month - 1, day, hour, minute, second, millis).getTime()
      : Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return plausibleCaptureTime(ms);
}

function parseOffset(offset: unknown): number | null {
  if (typeof offset !== 'string') return null;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(offset.trim());
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (minutes > 14 * 60) return null;
  return match[1] === '-' ? -minutes : minutes;
}

function validFields(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
