// The rate limits file of one device: read whole (a bad value is named and its default used, so
// one mistake never loses the others), written whole and atomically on every change.
import fs from 'node:fs';
import { DEFAULT_RATE_LIMIT_SETTINGS, RATE_LIMIT_NAMES, rateLimitValueProblem, SYNC_DISCONNECT_RANGE, type RateLimitName, type RateLimitSettings, type RateLimitValue } from '../../../contract/rate-limits.js';

/** The file's name in the library folder (this device's; never synced). */
export const RATE_LIMITS_FILE = 'rate-limits.json';
const MAX_FILE_BYTES = 64 * 1024;

export function readRateLimitSettings(raw: unknown): { settings: RateLimitSettings; problems: string[] } {
  const problems: string[] = [];
  const settings = structuredClone(DEFAULT_RATE_LIMIT_SETTINGS);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { settings, problems: ['the rate limits are not an object; using the defaults'] };
  const fields = raw as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (name !== 'limits' && name !== 'syncDisconnectAfterSeconds') problems.push(`${name.slice(0, 40)} is not a rate limit setting`);
  }
  const limits = fields.limits;
  if (limits !== undefined) {
    if (limits === null || typeof limits !== 'object' || Array.isArray(limits)) problems.push('limits is not an object; using the default limits');
    else {
      for (const [name, value] of Object.entries(limits)) {
        if (!(RATE_LIMIT_NAMES as readonly string[]).includes(name)) {
          problems.push(`${JSON.stringify(name.slice(0, 40))} is not a rate limit`);
          continue;
        }
        const problem = rateLimitValueProblem(name as RateLimitName, value);
        if (problem) problems.push(`${problem}; using the default`);
        else settings.limits[name as RateLimitName] = { burst: (value as RateLimitValue).burst, rate: (value as RateLimitValue).rate };
      }
    }
  }
  const seconds = fields.syncDisconnectAfterSeconds;
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < SYNC_DISCONNECT_RANGE.min || seconds > SYNC_DISCONNECT_RANGE.max) {
      problems.push(`syncDisconnectAfterSeconds must be a whole number from ${SYNC_DISCONNECT_RANGE.min} to ${SYNC_DISCONNECT_RANGE.max}; using the default`);
    } else settings.syncDisconnectAfterSeconds = seconds;
  }
  return { settings, problems };
}

/**
 * Reads the file at once (it is small, and every entry point needs its limits before it answers
 * anything); a missing file is the defaults, an unreadable one the defaults with the reason.
 */
export function loadRateLimitSettings(file: string): { settings: RateLimitSettings; problems: string[] } {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) return { settings: structuredClone(DEFAULT_RATE_LIMIT_SETTINGS), problems: [`${file} is ${size} bytes, more than rate limits ever take; using the defaults`] };
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: structuredClone(DEFAULT_RATE_LIMIT_SETTINGS), problems: [] };
    return { settings: structuredClone(DEFAULT_RATE_LIMIT_SETTINGS), problems: [`${file} could not be read (${(error as Error).message}); using the defaults`] };
  }
  try {
    return readRateLimitSettings(JSON.parse(text));
  } catch {
    return { settings: structuredClone(DEFAULT_RATE_LIMIT_SETTINGS), problems: [`${file} is not JSON; using the defaults (the file is replaced at the next change)`] };
  }
}
