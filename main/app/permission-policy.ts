// Web permissions (camera, notifications, geolocation, ...) are denied unless listed here.
import { isAppUrl } from './app-url.js';

/**
 * The few a clip library uses, and only for its own page: copying a clip's text
 * (navigator.clipboard.writeText) and playing a video full screen.
 */
const ALLOWED_FOR_APP = new Set(['clipboard-sanitized-write', 'fullscreen']);

/** `origin` is the requesting frame's URL or origin as Electron reports it. */
export function isPermissionAllowed(permission: string, origin: string): boolean {
  // The screen (and the microphone, when asked) only for the hidden recorder page a recording opens.
  if (permission === 'media') return isAppUrl(origin) && new URL(origin).pathname === '/recorder.html';
  return ALLOWED_FOR_APP.has(permission) && isAppUrl(origin);
}
