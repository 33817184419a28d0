import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceFingerprint, devicePeerId } from '../../../main/sync/device-identity.js';
import { advertisedName, connectableAddress, fingerprintHint, parseAnnouncement, stripControlCharacters, type Announcement } from '../../../main/sync/discovery/discovery-record.js';

const PEER = `device-${'3f'.repeat(16)}`;
const announcement = (overrides: Partial<Announcement> = {}): Announcement => ({
  name: PEER,
  port: 47_000,
  txt: { v: '1', peer: PEER, name: 'Laptop' },
  addresses: ['192.168.1.20', 'fd00::20'],
  referer: { address: '192.168.1.20', family: 'IPv4', port: 5353, size: 300 },
  ...overrides,
});

/** Crockford base32 of the peer id's first 80 bits, written out bit by bit (a second way to the same answer). */
function referenceFingerprint(peerId: string): string {
  const bits = [...peerId.slice(7, 27)].map((hex) => parseInt(hex, 16).toString(2).padStart(4, '0')).join('');
  const characters = bits.match(/.{5}/g)!.map((chunk) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(chunk, 2)]);
  return characters.join('').match(/.{4}/g)!.join('-');
}

describe('fingerprintHint', () => {
  it('is the first 80 bits of the peer id in Crockford base32, groups of 4', () => {
    expect(fingerprintHint(`device-${'0'.repeat(32)}`)).toBe('0000-0000-0000-0000');
    expect(fingerprintHint(`device-${'f'.repeat(32)}`)).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    // 0x0842108421 is 00001 eight times over in 5-bit groups.
    expect(fingerprintHint(`device-08421084210842108421${'0'.repeat(12)}`)).toBe('1111-1111-1111-1111');
    for (const peerId of [PEER, 'device-0123456789abcdef0123456789abcdef', 'device-d41d8cd98f00b204e9800998ecf8427e']) {
      expect(fingerprintHint(peerId)).toBe(referenceFingerprint(peerId));
    }
    // Only the first 80 bits count.
    expect(fingerprintHint(`device-${'a'.repeat(20)}${'0'.repeat(12)}`)).toBe(fingerprintHint(`device-${'a'.repeat(20)}${'f'.repeat(12)}`));
  });

  it("is the device's own fingerprint, read from its peer id", () => {
    for (let i = 0; i < 20; i++) {
      const publicKey = randomBytes(32);
      expect(fingerprintHint(devicePeerId(publicKey))).toBe(deviceFingerprint(publicKey));
    }
  });

  it('refuses what is not a peer id', () => {
    expect(() => fingerprintHint('device-xyz')).toThrow(TypeError);
  });
});

describe('names', () => {
  it('drops control characters and text-direction marks', () => {
    expect(stripControlCharacters(' Lap\u0000top\u202e\n\u0085\u2066 ')).toBe('Laptop');
    expect(stripControlCharacters('Café 💻 Ünïcødé')).toBe('Café 💻 Ünïcødé');
    // Zero-width joiners build emoji: they stay.
    expect(stripControlCharacters('👩\u200d💻')).toBe('👩\u200d💻');
  });

  it('advertises at most 64 characters that fit one TXT string, and nothing empty', () => {
    expect(advertisedName('x'.repeat(100))).toBe('x'.repeat(64));
    const emoji = advertisedName('💻'.repeat(64))!;
    expect(Buffer.byteLength(`name=${emoji}`)).toBeLessThanOrEqual(255);
    expect(Array.from(emoji).every((character) => character === '💻')).toBe(true);
    expect(advertisedName('\u0000\u0007 ')).toBe(null);
    expect(advertisedName('\tDesk\u0000top ')).toBe('Desktop');
  });
});

describe('connectableAddress', () => {
  it('writes HOST:PORT, IPv6 in brackets', () => {
    expect(connectableAddress('10.0.0.5', 4000)).toBe('10.0.0.5:4000');
    expect(connectableAddress('FD00::5', 4000)).toBe('[fd00::5]:4000');
  });

  it('leaves out what nobody elsewhere can connect to, and what is not an address', () => {
    for (const address of ['0.0.0.0', '224.0.0.251', '255.255.255.255', '::', 'fe80::1', 'ff02::fb', 'example.local', '10.0.0.5:80', '', 42, null, undefined, {}]) {
      expect(connectableAddress(address, 4000)).toBe(null);
    }
  });
});

describe('parseAnnouncement', () => {
  it('reads a well-formed announcement, the packet source first', () => {
    const parsed = parseAnnouncement(announcement({ addresses: ['10.1.1.1', 'fd00::20', 'fe80::1'] }), 1234);
    expect(parsed).toEqual({
      ok: true,
      device: { peerId: PEER, fingerprintHint: fingerprintHint(PEER), addresses: ['192.168.1.20:47000', '10.1.1.1:47000', '[fd00::20]:47000'], name: 'Laptop', seenAt: 1234 },
    });
  });

  it('ignores keys it does not know and drops control characters from the name', () => {
    const parsed = parseAnnouncement(announcement({ txt: { v: '1', peer: PEER, name: 'Home\u0000 server\u202e', future: 'x' } }), 1);
    expect(parsed).toMatchObject({ ok: true, device: { name: 'Home server' } });
  });

  it('keeps at most 8 addresses, without duplicates', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const parsed = parseAnnouncement(announcement({ addresses: ['192.168.1.20', ...many] }), 1);
    expect(parsed.ok && parsed.device.addresses).toEqual(['192.168.1.20:47000', ...many.slice(0, 7).map((address) => `${address}:47000`)]);
  });

  const malformed: Array<[string, Partial<Announcement>, string]> = [
    ['no TXT', { txt: undefined }, 'no TXT record'],
    ['binary TXT', { txt: Buffer.from('v=1') }, 'no TXT record'],
    ['TXT as a list', { txt: ['v=1'] }, 'no TXT record'],
    ['another version', { txt: { v: '2', peer: PEER, name: 'A' } }, 'unknown TXT version'],
    ['a version that is not a string', { txt: { v: 1, peer: PEER, name: 'A' } }, 'unknown TXT version'],
    ['no peer', { txt: { v: '1', name: 'A' } }, 'malformed peer id'],
    ['a short peer id', { name: 'device-abc', txt: { v: '1', peer: 'device-abc', name: 'A' } }, 'malformed peer id'],
    ['an upper-case peer id', { name: PEER.toUpperCase(), txt: { v: '1', peer: PEER.toUpperCase(), name: 'A' } }, 'malformed peer id'],
    ['a peer id with more after it', { txt: { v: '1', peer: `${PEER}0`, name: 'A' } }, 'malformed peer id'],
    ['an instance named otherwise', { name: 'Laptop' }, 'instance name is not the peer id'],
    ['no name', { txt: { v: '1', peer: PEER } }, 'no device name'],
    ['a name of control characters', { txt: { v: '1', peer: PEER, name: '\u0001\u0002' } }, 'empty device name'],
    ['a name of 65 characters', { txt: { v: '1', peer: PEER, name: 'n'.repeat(65) } }, 'device name too long'],
    ['port 0', { port: 0 }, 'invalid port'],
    ['port 65536', { port: 65_536 }, 'invalid port'],
    ['a port as text', { port: '47000' }, 'invalid port'],
    ['no usable address', { addresses: ['fe80::1', 'nonsense'], referer: undefined }, 'no usable address'],
    ['addresses that are not a list', { addresses: 'x', referer: { address: 42 } }, 'no usable address'],
  ];
  it.each(malformed)('ignores %s', (_, overrides, reason) => {
    expect(parseAnnouncement(announcement(overrides), 1)).toEqual({ ok: false, reason });
  });

  it('does not read inherited properties as TXT keys', () => {
    const txt = Object.assign(Object.create({ v: '1', peer: PEER, name: 'A' }) as object, {});
    expect(parseAnnouncement(announcement({ txt }), 1)).toEqual({ ok: false, reason: 'unknown TXT version' });
  });
});
