import { isIP } from 'node:net';

// What a ClipShot device advertises on the LAN, and the strict reading of what others advertise.
// Everything read here comes from anyone on the network: it is only a hint of where a device might
// be (the connection authenticates it with Noise), so a record that is not exactly what ClipShot
// publishes is ignored rather than repaired, and nothing here throws on what the network sent.

/** The DNS-SD service type, without bonjour-service's leading underscore and protocol: `_clipshot-sync._tcp`. */
export const SERVICE_TYPE = 'clipshot-sync';
export const TXT_VERSION = '1';
export const PEER_ID_PATTERN = /^device-[0-9a-f]{32}$/;
export const MAX_NAME_LENGTH = 64;
/** More addresses than any real device has on one LAN; bounds what one announcement can make us hold. */
export const MAX_ADDRESSES = 8;
/** One TXT string is at most 255 bytes (a one-byte length): `name=` plus the name must fit. */
const MAX_TXT_STRING_BYTES = 255;

export interface DiscoveredDevice {
  peerId: string;
  /** The fingerprint the peer id implies, for display before connecting; the connection proves the real one. */
  fingerprintHint: string;
  /** HOST:PORT, IPv6 in brackets; the address the announcement came from first. */
  addresses: string[];
  name: string;
  /** ms since the epoch of the last announcement or answer from this device. */
  seenAt: number;
}

/** The parts of a bonjour-service `Service` that are read; typed `unknown` because they come off the network. */
export interface Announcement {
  /** The DNS-SD instance name: ClipShot publishes its peer id there, so it is unique on the LAN. */
  name: unknown;
  port: unknown;
  txt?: unknown;
  /** A/AAAA records of the announced host. */
  addresses?: unknown;
  /** Where the UDP packet came from (bonjour-service's `referer`). */
  referer?: unknown;
}

export type ParsedAnnouncement = { ok: true; device: DiscoveredDevice } | { ok: false; reason: string };

// C0/C1 controls, and the invisible marks that reorder text (a name could otherwise pose as another).
const CONTROL_CHARACTERS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The name without control characters, trimmed; '' when nothing printable is left. */
export function stripControlCharacters(name: string): string {
  return name.replace(CONTROL_CHARACTERS, '').normalize('NFC').trim();
}

/**
 * The name this device advertises: printable, at most MAX_NAME_LENGTH characters and short enough
 * for one TXT string, so that other devices accept it. Null when nothing printable is left.
 */
export function advertisedName(name: string): string | null {
  const characters = Array.from(stripControlCharacters(name)).slice(0, MAX_NAME_LENGTH);
  while (Buffer.byteLength(`name=${characters.join('')}`) > MAX_TXT_STRING_BYTES) characters.pop();
  const result = characters.join('').trim();
  return result === '' ? null : result;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The fingerprint a peer id implies. The peer id is the first 128 bits of SHA-256(public key) and the
 * fingerprint its first 80 bits in Crockford base32, groups of 4 (DESIGN: device identity), so a
 * person can compare it before connecting; only the Noise handshake proves the key behind it.
 */
export function fingerprintHint(peerId: string): string {
  if (!PEER_ID_PATTERN.test(peerId)) throw new TypeError(`not a peer id: ${peerId}`);
  let bits = BigInt(`0x${peerId.slice('device-'.length, 'device-'.length + 20)}`);
  let encoded = '';
  for (let i = 0; i < 16; i++) {
    encoded = CROCKFORD[Number(bits & 31n)]! + encoded;
    bits >>= 5n;
  }
  return encoded.match(/.{4}/g)!.join('-');
}

/** HOST:PORT for a connection, or null for an address nobody can connect to from elsewhere. */
export function connectableAddress(address: unknown, port: number): string | null {
  if (typeof address !== 'string') return null;
  const family = isIP(address);
  if (family === 4) {
    if (address === '0.0.0.0' || address === '255.255.255.255') return null;
    const first = Number(address.split('.')[0]);
    if (first >= 224) return null; // multicast and reserved
    return `${address}:${port}`;
  }
  if (family === 6) {
    const lower = address.toLowerCase();
    // A link-local address needs a zone (which interface), which an mDNS record does not carry.
    if (lower === '::' || /^fe[89ab]/.test(lower) || lower.startsWith('ff')) return null;
    return `[${lower}]:${port}`;
  }
  return null;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function ownString(record: Record<string, unknown>, key: string): string | undefined {
  const value = Object.hasOwn(record, key) ? record[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Reads one announcement strictly; `reason` says what was wrong (for tests and diagnostics). */
export function parseAnnouncement(announcement: Announcement, seenAt: number): ParsedAnnouncement {
  const { txt } = announcement;
  if (!isPlainRecord(txt)) return { ok: false, reason: 'no TXT record' };
  if (ownString(txt, 'v') !== TXT_VERSION) return { ok: false, reason: 'unknown TXT version' };
  const peerId = ownString(txt, 'peer');
  if (peerId === undefined || !PEER_ID_PATTERN.test(peerId)) return { ok: false, reason: 'malformed peer id' };
  if (announcement.name !== peerId) return { ok: false, reason: 'instance name is not the peer id' };

  const rawName = ownString(txt, 'name');
  if (rawName === undefined) return { ok: false, reason: 'no device name' };
  const name = stripControlCharacters(rawName);
  if (name === '') return { ok: false, reason: 'empty device name' };
  if (Array.from(name).length > MAX_NAME_LENGTH) return { ok: false, reason: 'device name too long' };

  const { port } = announcement;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, reason: 'invalid port' };

  // The packet's source first: it is where the device answered from, even when its A records are stale.
  const referer = isPlainRecord(announcement.referer) ? announcement.referer['address'] : undefined;
  const candidates = [referer, ...(Array.isArray(announcement.addresses) ? announcement.addresses.slice(0, MAX_ADDRESSES * 4) : [])];
  const addresses: string[] = [];
  for (const candidate of candidates) {
    const address = connectableAddress(candidate, port);
    if (address !== null && !addresses.includes(address)) addresses.push(address);
    if (addresses.length === MAX_ADDRESSES) break;
  }
  if (addresses.length === 0) return { ok: false, reason: 'no usable address' };

  return { ok: true, device: { peerId, fingerprintHint: fingerprintHint(peerId), addresses, name, seenAt } };
}
