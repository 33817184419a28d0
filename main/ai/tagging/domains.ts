// Web addresses in recognised text, reduced to their host names. A full URL or a www. name counts
// whatever its top-level domain; a bare name ("example.com") only with a common top-level domain
// that is not also a file extension or a word in code (".py", ".rs", ".md", ".app", ".it" are
// left out), since OCR of code and file lists is full of dotted names.

export interface FoundDomain {
  /** Lower case, without "www." or a trailing dot. */
  readonly domain: string;
  /** How often it occurs. */
  readonly count: number;
  /** Seen at least once as a URL with a scheme or as a www. name, not just a bare name. */
  readonly fromUrl: boolean;
}

const BARE_TLDS = new Set(
  'com org net io dev edu gov mil int info biz de fr uk nl be ch at eu es se no dk fi pl cz jp cn kr ru ua br ar mx ca au nz za ie pt gr tr il cloud tech online site page blog news shop store'.split(' '),
);

const URL_PATTERN = /\bhttps?:\/\/([^\s/?#<>"'()[\]{}|\\^`]+)/gi;
const HOST_PATTERN = /(?<![\w@.\-/\\])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w-]|\.[a-z0-9])/gi;

const MAX_CHARS = 100_000;

export function findDomains(fullText: string): FoundDomain[] {
  const text = fullText.slice(0, MAX_CHARS);
  const found = new Map<string, { count: number; fromUrl: boolean }>();
  const add = (raw: string, fromUrl: boolean): void => {
    const domain = cleanHost(raw);
    if (!domain) return;
    const entry = found.get(domain) ?? { count: 0, fromUrl: false };
    entry.count++;
    entry.fromUrl ||= fromUrl;
    found.set(domain, entry);
  };

  // URLs first; their text is then blanked so the host pattern does not count them twice.
  const rest = text.replace(URL_PATTERN, (_match, authority: string) => {
    add(authority, true);
    return ' ';
  });
  for (const match of rest.matchAll(HOST_PATTERN)) {
    const host = match[1] ?? '';
    const isWww = /^www\./i.test(host);
    const tld = host.slice(host.lastIndexOf('.') + 1).toLowerCase();
    if (isWww || BARE_TLDS.has(tld)) add(host, isWww);
  }

  return [...found]
    .map(([domain, { count, fromUrl }]) => ({ domain, count, fromUrl }))
    .sort((a, b) => Number(b.fromUrl) - Number(a.fromUrl) || b.count - a.count || a.domain.localeCompare(b.domain));
}

/** The host of a URL's authority (no user, port or www.), or null when it is not a named host. */
function cleanHost(authority: string): string | null {
  let host = authority.toLowerCase();
  host = host.slice(host.lastIndexOf('@') + 1);
  host = host.replace(/:\d*$/, '').replace(/\.+$/, '');
  if (host.startsWith('www.')) host = host.slice(4);
  if (host.length > 253 || !host.includes('.')) return null;
  const labels = host.split('.');
  if (labels.some((label) => !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label))) return null;
  // An address like 192.168.1.1 names no site a person would file things under.
  if (!/^[a-z]{2,24}$/.test(labels[labels.length - 1] ?? '')) return null;
  return host;
}
