// The app's own origin. Everything the window loads comes from it through one protocol handler,
// so the window never needs file:// (which would open the whole disk to the page) or a server.
import { mediaPath, type MediaRequest, type MediaUrlOptions, type MediaVariant } from '../../contract/media.js';

export const APP_SCHEME = 'clipshot';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Registered before app ready: a standard, secure scheme behaves like https (origin, fetch, CSP 'self'); `stream` lets video seek. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } as const;

/** Where an <img>/<video> finds a clip's file; the page builds the same URL on its own origin. */
export function appMediaUrl(clipId: string, media: MediaVariant | MediaRequest, options: MediaUrlOptions = {}): string {
  return `${APP_ORIGIN}${mediaPath(clipId, media, options)}`;
}

/** True for URLs on the app's own origin (scheme and host compared case-insensitively, as URLs are). */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  // Node's URL keeps the case of a non-special scheme's host; Chromium lowercases a standard scheme's.
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host.toLowerCase() === APP_HOST;
}

export function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
