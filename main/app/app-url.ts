// The app's own origin. Everything the window loads comes from it through one protocol handler,
// so the window never needs file:// (which would open the whole disk to the page) or a server.
import type { MediaVariant } from '../../contract/api.js';

export const APP_SCHEME = 'clipshot';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Registered before app ready: a standard, secure scheme behaves like https (origin, fetch, CSP 'self'); `stream` lets video seek. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } as const;

export const MEDIA_VARIANTS: readonly MediaVariant[] = ['original', 'thumbnail'];
export const CLIP_ID_PATTERN = /^[0-9a-z]{26}$/;

/** Where an <img>/<video> finds a clip's file; the preload builds the same URL (test: preload bridge). */
export function appMediaUrl(clipId: string, variant: MediaVariant, download = false): string {
  return `${APP_ORIGIN}/media/${clipId}/${variant}${download ? '?download=1' : ''}`;
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
