import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'clipshot_session';

/** A fresh random session token: 32 bytes, URL-safe. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensMatch(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The session token a request carries: the cookie set when the page was opened, or a bearer header (tools, tests). */
export function tokenOfRequest(headers: { cookie?: string | undefined; authorization?: string | undefined }): string | null {
  const bearer = /^Bearer ([A-Za-z0-9_-]+)$/.exec(headers.authorization ?? '');
  if (bearer?.[1]) return bearer[1];
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return null;
}
