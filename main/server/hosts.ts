import net from 'node:net';

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/** A host as it appears in a URL (IPv6 in brackets). */
export function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/**
 * Whether a request's Host header names this server. On loopback only loopback names are
 * accepted, so a web page on a rebound DNS name cannot reach the server through the browser.
 */
export function requestHostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const allowed = new Set([`${urlHost(boundHost)}:${port}`]);
  if (isLoopbackHost(boundHost)) for (const name of ['localhost', '127.0.0.1', '[::1]']) allowed.add(`${name}:${port}`);
  // Bound to every interface: any name works, the session token still guards every request.
  if (boundHost === '0.0.0.0' || boundHost === '::') return true;
  return allowed.has(hostHeader.toLowerCase());
}
