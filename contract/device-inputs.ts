// What a person types to pair, join or name a device, checked the same way by the API's schemas
// and by the renderer's forms (so a form says what is wrong before anything is sent).

export type CheckedInput = { ok: true; value: string } | { ok: false; reason: string };

export const DEVICE_NAME_MAX_CHARS = 64;
/** Longest peer address accepted: a full-length DNS name (253) plus a port. */
export const PEER_ADDRESS_MAX_CHARS = 260;

const CODE_PATTERN = /^(\d{4})[- ]?(\d{4})$/;

/** A pairing code: 8 digits, with at most one dash or space between the halves ("1234-5678"). Its value is the 8 digits. */
export function checkPairingCode(input: string): CheckedInput {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'type the 8-digit code the other device shows' };
  const match = CODE_PATTERN.exec(text);
  if (!match) return { ok: false, reason: 'a pairing code is 8 digits, like 1234-5678' };
  return { ok: true, value: `${match[1]}${match[2]}` };
}

/** A code as people read it: "1234-5678" (anything that is not 8 digits is shown as it is). */
export function formatPairingCode(code: string): string {
  const digits = code.replace(/[- ]/g, '');
  return /^\d{8}$/.test(digits) ? `${digits.slice(0, 4)}-${digits.slice(4)}` : code;
}

/** The code and address in a pairing link (what the QR code holds: clipshot://pair?code=CODE&peer=HOST:PORT); null for anything else. */
export function readPairingLink(text: string): { code: string; peer: string } | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  // Browsers that predate hosts in non-special URLs read "//pair" as the path.
  if (url.protocol !== 'clipshot:' || (url.hostname !== 'pair' && url.pathname !== '//pair')) return null;
  const code = url.searchParams.get('code');
  const peer = url.searchParams.get('peer');
  return code !== null && peer !== null ? { code, peer } : null;
}

/** HOST:PORT, the host a DNS name, an IPv4 address or an IPv6 address in brackets; port 1–65535. Its value is the address without surrounding spaces and with the port in plain digits. */
export function checkPeerAddress(input: string): CheckedInput {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'type the other device’s address, like 192.168.1.20:47110' };
  if (text.length > PEER_ADDRESS_MAX_CHARS) return { ok: false, reason: `an address is at most ${PEER_ADDRESS_MAX_CHARS} characters` };
  const colon = text.lastIndexOf(':');
  const bracketed = text.startsWith('[');
  if (colon < 0 || (bracketed && colon < text.indexOf(']'))) return { ok: false, reason: 'add the port after a colon: HOST:PORT' };
  const host = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return { ok: false, reason: 'the port is a number from 1 to 65535' };
  if (bracketed) {
    if (!host.endsWith(']') || !isIpv6(host.slice(1, -1))) return { ok: false, reason: `“${host}” is not an IPv6 address in brackets` };
  } else if (host.includes(':')) {
    return { ok: false, reason: 'put an IPv6 address in brackets: [ADDRESS]:PORT' };
  } else if (/^[\d.]+$/.test(host)) {
    if (!isIpv4(host)) return { ok: false, reason: `“${host}” is not an IPv4 address` };
  } else if (!isHostname(host)) {
    return { ok: false, reason: host === '' ? 'the address needs a host before the port' : `“${host}” is not a host name` };
  }
  return { ok: true, value: `${host}:${Number(port)}` };
}

/** A device's name: 1 to 64 characters once trimmed, none of them a control character or line break. */
export function checkDeviceName(input: string): CheckedInput {
  const name = input.trim();
  if (name === '') return { ok: false, reason: 'a device needs a name' };
  if ([...name].length > DEVICE_NAME_MAX_CHARS) return { ok: false, reason: `a device name is at most ${DEVICE_NAME_MAX_CHARS} characters` };
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name)) return { ok: false, reason: 'a device name cannot hold control characters or line breaks' };
  return { ok: true, value: name };
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/** RFC 1123 names: dot-separated labels of letters, digits and inner hyphens; the last not all digits. */
function isHostname(text: string): boolean {
  if (text.length > 253) return false;
  const labels = text.split('.');
  return labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}

function isIpv6(text: string): boolean {
  let address = text;
  const percent = address.indexOf('%');
  if (percent >= 0) {
    // A zone (link-local addresses: fe80::1%eth0).
    if (!/^[\w.~-]+$/.test(address.slice(percent + 1))) return false;
    address = address.slice(0, percent);
  }
  if (address.includes('.')) {
    // An IPv4 address in the last 32 bits (::ffff:192.168.1.20) counts as two groups.
    const lastColon = address.lastIndexOf(':');
    if (lastColon < 0 || !isIpv4(address.slice(lastColon + 1))) return false;
    address = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all = halves.flatMap(groups);
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}
