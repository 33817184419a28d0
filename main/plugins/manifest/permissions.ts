import { FIXED_PLUGIN_PERMISSIONS, type PluginPermission } from '../../../contract/plugins.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * A host a plugin may reach: a lower-case DNS name ("api.example.com", "localhost") or an IPv4
 * address. No scheme, port, path or wildcard: the host compares it with a URL's hostname as is.
 */
export function isValidNetHost(host: string): boolean {
  if (IPV4.test(host)) return true;
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  // A name made only of digits and dots would be an IPv4 address, and the one above was not.
  if (labels.every((label) => /^\d+$/.test(label))) return false;
  return labels.every((label) => LABEL.test(label));
}

/** Why a permission string is not one ClipShot knows, in plain words; null when it is valid. */
export function permissionProblem(value: string): string | null {
  if ((FIXED_PLUGIN_PERMISSIONS as readonly string[]).includes(value)) return null;
  if (value.startsWith('net:')) {
    const host = value.slice('net:'.length);
    if (isValidNetHost(host)) return null;
    return `"net:" needs a valid host name after it (lower-case, no scheme, port or path), e.g. "net:api.example.com"; got ${JSON.stringify(value)}`;
  }
  return `unknown permission ${JSON.stringify(value)}; expected one of ${FIXED_PLUGIN_PERMISSIONS.join(', ')} or net:<host>`;
}

export function isPluginPermission(value: string): value is PluginPermission {
  return permissionProblem(value) === null;
}

/** Permissions in `requested` that `granted` does not hold: what a person must agree to. */
export function addedPermissions(granted: readonly PluginPermission[], requested: readonly PluginPermission[]): PluginPermission[] {
  const known = new Set(granted);
  return requested.filter((permission) => !known.has(permission));
}

/** How a permission reads to a person deciding whether to allow it. */
export function describePermission(permission: PluginPermission): string {
  switch (permission) {
    case 'clips:read':
      return 'read your clips (titles, notes, tags, text)';
    case 'clips:write':
      return 'create and change clips';
    case 'blobs:read':
      return 'read the images and videos of your clips';
    case 'ui:panel':
      return 'show a panel in the app';
    case 'clipboard':
      return 'write to the clipboard';
    default:
      return `connect to ${permission.slice('net:'.length)}`;
  }
}
