import { PLUGIN_API_PERMISSIONS, type PluginApiMethod, type PluginPermission } from '../../../contract/plugins.js';

/** Why a call is refused, in words for the plugin's log; null when it may go ahead. */
export function missingPermission(method: PluginApiMethod, permissions: readonly PluginPermission[]): string | null {
  const needed = PLUGIN_API_PERMISSIONS[method];
  if (needed === null) return null;
  if (needed === 'net') return permissions.some((permission) => permission.startsWith('net:')) ? null : `${method} needs a net:<host> permission, and the plugin declares none`;
  return permissions.includes(needed) ? null : `${method} needs the "${needed}" permission, which the plugin was not granted`;
}

/**
 * Whether a URL is on a declared host. `net:example.com` allows that host name on any port;
 * `net:127.0.0.1:8080` only that port. Names match exactly (no subdomains), case-insensitively.
 */
export function isDeclaredHost(url: URL, permissions: readonly PluginPermission[]): boolean {
  const hostname = bareHostname(url.hostname);
  const host = url.port ? `${hostname}:${url.port}` : hostname;
  return permissions.some((permission) => {
    if (!permission.startsWith('net:')) return false;
    const declared = permission.slice(4).toLowerCase();
    return declared === host || declared === hostname || declared === `[${hostname}]` || declared === `[${hostname}]:${url.port}`;
  });
}

/** URL keeps IPv6 literals in brackets; DNS and IP checks want them without. */
export function bareHostname(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1).toLowerCase() : hostname.toLowerCase();
}
