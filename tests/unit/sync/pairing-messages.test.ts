import { describe, expect, it } from 'vitest';
import { PairingError } from '../../../main/sync/pairing/pairing-error.js';
import {
  MAX_PAIRING_MESSAGE, decodeIdentity, decodePairingMessage, encodeIdentity, encodePairingMessage,
} from '../../../main/sync/pairing/pairing-messages.js';
import type { PairingMessage } from '../../../main/sync/pairing/pairing-messages.js';

const bytes = (length: number, fill = 7) => new Uint8Array(length).fill(fill);

function protocolError(run: () => unknown): PairingError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PairingError);
    expect((error as PairingError).code).toBe('protocol');
    return error as PairingError;
  }
  throw new Error('expected a protocol error');
}

describe('pairing messages', () => {
  it('round-trips every message type', () => {
    const sealed = bytes(32 + 4 + 5 + 16);
    const messages: PairingMessage[] = [
      { type: 'hello', sid: bytes(16, 1), share: bytes(32, 2) },
      { type: 'share', share: bytes(32, 3), mac: bytes(64, 4) },
      { type: 'confirm', mac: bytes(64, 5), sealedIdentity: sealed },
      { type: 'identity', sealedIdentity: sealed },
      { type: 'abort', reason: 'wrong-code' },
      { type: 'abort', reason: 'busy' },
    ];
    for (const message of messages) expect(decodePairingMessage(encodePairingMessage(message))).toEqual(message);
    expect(encodePairingMessage(messages[0]!)).toHaveLength(50);
    expect(encodePairingMessage(messages[1]!)).toHaveLength(98);
    expect(Array.from(encodePairingMessage(messages[4]!))).toEqual([1, 5, 1]);
  });

  it('refuses what no honest device sends', () => {
    const hello = encodePairingMessage({ type: 'hello', sid: bytes(16), share: bytes(32) });
    const cases: Array<[string, unknown]> = [
      ['not binary', 'hello'],
      ['empty', new Uint8Array(0)],
      ['header only', Uint8Array.of(1)],
      ['another version', Uint8Array.from([2, ...hello.subarray(1)])],
      ['unknown type', Uint8Array.from([1, 9, ...hello.subarray(2)])],
      ['short hello', hello.subarray(0, 49)],
      ['long hello', Uint8Array.from([...hello, 0])],
      ['short share', Uint8Array.from([1, 2, ...bytes(95)])],
      ['confirm without room for an identity', Uint8Array.from([1, 3, ...bytes(64), ...bytes(20)])],
      ['identity too large', Uint8Array.from([1, 4, ...bytes(32 + 4 + 257 + 16)])],
      ['abort without reason', Uint8Array.of(1, 5)],
      ['abort with an unknown reason', Uint8Array.of(1, 5, 99)],
      ['abort with reason 0', Uint8Array.of(1, 5, 0)],
      ['oversized', new Uint8Array(MAX_PAIRING_MESSAGE + 1)],
    ];
    for (const [what, message] of cases) expect(protocolError(() => decodePairingMessage(message)).message, what).toMatch(/malformed/);
    expect(() => encodePairingMessage({ type: 'abort', reason: 'invalid-code' })).toThrow(RangeError);
    expect(() => encodePairingMessage({ type: 'hello', sid: bytes(15), share: bytes(32) })).toThrow(RangeError);
  });
});

describe('identities', () => {
  const publicKey = bytes(32, 9);

  it('round-trips a name in any script, with or without a sync port', () => {
    for (const identity of [
      { publicKey, name: 'Laptop', syncPort: 7733 },
      { publicKey, name: 'Müller’s 台式机 🖥️', syncPort: null },
      { publicKey, name: 'x'.repeat(256), syncPort: 65535 },
    ]) {
      expect(decodeIdentity(encodeIdentity(identity))).toEqual(identity);
    }
  });

  it('refuses bad identities of its own with RangeError, and bad ones from the peer as protocol errors', () => {
    for (const bad of [
      { publicKey: bytes(31), name: 'A', syncPort: null },
      { publicKey, name: '', syncPort: null },
      { publicKey, name: '   ', syncPort: null },
      { publicKey, name: 'line\nbreak', syncPort: null },
      { publicKey, name: 'x'.repeat(257), syncPort: null },
      { publicKey, name: 'A', syncPort: 0 },
      { publicKey, name: 'A', syncPort: 70000 },
      { publicKey, name: 'A', syncPort: 1.5 },
    ]) {
      expect(() => encodeIdentity(bad), JSON.stringify(bad.name)).toThrow(RangeError);
    }

    const good = encodeIdentity({ publicKey, name: 'Desk', syncPort: 1 });
    protocolError(() => decodeIdentity(good.subarray(0, good.length - 1))); // name length says 4, 3 bytes follow
    protocolError(() => decodeIdentity(Uint8Array.from([...good, 0x41])));
    const invalidUtf8 = Uint8Array.from([...good.subarray(0, 34), 0, 2, 0xc3, 0x28]);
    protocolError(() => decodeIdentity(invalidUtf8));
    const control = Uint8Array.from([...good.subarray(0, 34), 0, 1, 0x07]);
    protocolError(() => decodeIdentity(control));
    protocolError(() => decodeIdentity(good.subarray(0, 36)));
  });
});
