import { ModelError } from './model-errors.js';

/**
 * Checks a mirror base URL: where people behind a proxy or in an offline organisation keep copies of
 * the catalog's files under the same paths. Plain http is allowed: every file is checked by its
 * SHA-256, whoever serves it.
 */
export function parseMirror(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ModelError('invalid-mirror', `the mirror "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelError('invalid-mirror', `the mirror must be an http or https URL, not ${url.protocol}`);
  if (url.search || url.hash || url.username || url.password) throw new ModelError('invalid-mirror', 'the mirror URL must have no query, fragment or credentials');
  return url;
}

/** The catalog URL with its origin replaced by the mirror (whose path, if any, becomes a prefix). */
export function applyMirror(url: string, mirror: URL | undefined): string {
  if (!mirror) return url;
  const original = new URL(url);
  return `${mirror.origin}${mirror.pathname.replace(/\/+$/, '')}${original.pathname}${original.search}`;
}
