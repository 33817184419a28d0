// What may leave the window: links to the web and to mail, opened by the system, never in the app.
import { APP_ENTRY_URL, APP_ORIGIN, parseUrl } from './app-url.js';

const MAX_EXTERNAL_URL_LENGTH = 8192;
// Whitespace, zero-width and bidirectional-override characters: a link a person clicks has none.
const INVISIBLE = /[\s\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/u;

/**
 * True when `url` may be handed to the system: an https: link to a named host without
 * credentials, or a mailto: link. Everything else (javascript:, file:, http:, data:, custom
 * schemes, anything that does not parse) stays inside.
 */
export function isAllowedExternalUrl(url: string): boolean {
  return externalUrlToOpen(url) !== null;
}

/** The normalised URL to open, or null when it is not allowed. Open this, not the raw string. */
export function externalUrlToOpen(url: string): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_EXTERNAL_URL_LENGTH || hasHiddenCharacters(url)) return null;
  const parsed = parseUrl(url);
  if (parsed === null) return null;
  switch (parsed.protocol) {
    case 'https:':
      // Credentials in a link ("https://bank.example@evil.example") are phishing, never ours.
      if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return null;
      return parsed.href;
    case 'mailto:':
      return parsed.pathname === '' && parsed.search === '' ? null : parsed.href;
    default:
      return null;
  }
}

export type NavigationDecision = { action: 'allow' } | { action: 'deny' } | { action: 'open-external'; url: string };

/**
 * The window shows the app's page and nothing else: it may load that page again (a reload the
 * page asks for), a link to the web or to mail goes to the system, anything else is dropped.
 */
export function decideNavigation(url: string): NavigationDecision {
  if (url === APP_ENTRY_URL || url === `${APP_ORIGIN}/`) return { action: 'allow' };
  return decideWindowOpen(url);
}

/** No window is ever opened: a link to the web or to mail goes to the system instead. */
export function decideWindowOpen(url: string): NavigationDecision {
  const external = externalUrlToOpen(url);
  return external === null ? { action: 'deny' } : { action: 'open-external', url: external };
}

/** Control characters and invisible ones: URL parsing drops some silently ("java\tscript:"). */
function hasHiddenCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return INVISIBLE.test(text);
}
