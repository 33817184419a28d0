// The pairing protocol's wire format: small binary messages, each one transport message, read strictly
// (exact lengths, known version and type, bounded size). Anything else is a PairingError 'protocol'.
//
//   byte 0: version (1)    byte 1: type    then the type's fields:
//   1 hello     joiner → inviter   sid (16) | Ya (32)
//   2 share     inviter → joiner   Yb (32) | macI (64)
//   3 confirm   joiner → inviter   macJ (64) | the joiner's identity, sealed
//   4 identity  inviter → joiner   the inviter's identity, sealed
//   5 abort     either way         reason (1): why the sender gives up, so the other side can say so
//
// A sealed identity is ChaCha20-Poly1305 over: public key (32) | sync port (u16 BE, 0 = none) |
// name length (u16 BE) | name (UTF-8).
import { CPACE_SHARE_BYTES } from '../crypto/cpace.js';
import { AEAD_TAG_BYTES } from '../crypto/primitives.js';
import { PairingError } from './pairing-error.js';
import type { PairingErrorCode } from './pairing-error.js';

export const PAIRING_PROTOCOL_VERSION = 1;
export const PAIRING_SID_BYTES = 16;
export const PAIRING_MAC_BYTES = 64;
export const PAIRING_PUBLIC_KEY_BYTES = 32;
export const MAX_DEVICE_NAME_BYTES = 256;
const IDENTITY_FIXED_BYTES = PAIRING_PUBLIC_KEY_BYTES + 2 + 2;
const MAX_SEALED_IDENTITY = IDENTITY_FIXED_BYTES + MAX_DEVICE_NAME_BYTES + AEAD_TAG_BYTES;
const MIN_SEALED_IDENTITY = IDENTITY_FIXED_BYTES + 1 + AEAD_TAG_BYTES;
const HEADER_BYTES = 2;
/** No valid message is larger: anything bigger is refused before it is looked at. */
export const MAX_PAIRING_MESSAGE = HEADER_BYTES + PAIRING_MAC_BYTES + MAX_SEALED_IDENTITY;

/** What a device tells the other about itself once the code is proven. */
export interface PairingIdentity {
  publicKey: Uint8Array;
  name: string;
  syncPort: number | null;
}

export type PairingMessage =
  | { type: 'hello'; sid: Uint8Array; share: Uint8Array }
  | { type: 'share'; share: Uint8Array; mac: Uint8Array }
  | { type: 'confirm'; mac: Uint8Array; sealedIdentity: Uint8Array }
  | { type: 'identity'; sealedIdentity: Uint8Array }
  | { type: 'abort'; reason: PairingErrorCode };

const TYPE_BYTES = { hello: 1, share: 2, confirm: 3, identity: 4, abort: 5 } as const;
// The reasons one side may give the other ('invalid-code' is the local typist's business, never sent).
const ABORT_REASONS: readonly PairingErrorCode[] = ['wrong-code', 'expired', 'exhausted', 'cancelled', 'protocol', 'timeout', 'busy', 'rate-limited'];

function protocolError(message: string): PairingError {
  return new PairingError('protocol', `malformed pairing message: ${message}`);
}

function message(type: keyof typeof TYPE_BYTES, ...fields: Uint8Array[]): Uint8Array {
  let length = HEADER_BYTES;
  for (const field of fields) length += field.length;
  const out = new Uint8Array(length);
  out[0] = PAIRING_PROTOCOL_VERSION;
  out[1] = TYPE_BYTES[type];
  let offset = HEADER_BYTES;
  for (const field of fields) {
    out.set(field, offset);
    offset += field.length;
  }
  return out;
}

function requireLength(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (bytes.length !== length) throw new RangeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  return bytes;
}

export function encodePairingMessage(value: PairingMessage): Uint8Array {
  switch (value.type) {
    case 'hello':
      return message('hello', requireLength(value.sid, PAIRING_SID_BYTES, 'a sid'), requireLength(value.share, CPACE_SHARE_BYTES, 'a share'));
    case 'share':
      return message('share', requireLength(value.share, CPACE_SHARE_BYTES, 'a share'), requireLength(value.mac, PAIRING_MAC_BYTES, 'a mac'));
    case 'confirm':
      return message('confirm', requireLength(value.mac, PAIRING_MAC_BYTES, 'a mac'), value.sealedIdentity);
    case 'identity':
      return message('identity', value.sealedIdentity);
    case 'abort': {
      const reason = ABORT_REASONS.indexOf(value.reason);
      if (reason < 0) throw new RangeError(`"${value.reason}" is not a reason one device gives another`);
      return message('abort', Uint8Array.of(reason + 1));
    }
  }
}

function sealedIdentityIn(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length < MIN_SEALED_IDENTITY || bytes.length > MAX_SEALED_IDENTITY) {
    throw protocolError(`${what} of ${bytes.length} bytes (a sealed identity is ${MIN_SEALED_IDENTITY}–${MAX_SEALED_IDENTITY})`);
  }
  return bytes.slice();
}

export function decodePairingMessage(bytes: unknown): PairingMessage {
  if (!(bytes instanceof Uint8Array)) throw protocolError('not binary');
  if (bytes.length > MAX_PAIRING_MESSAGE) throw protocolError(`${bytes.length} bytes, more than any pairing message (${MAX_PAIRING_MESSAGE})`);
  if (bytes.length < HEADER_BYTES) throw protocolError(`${bytes.length} bytes, too short for a header`);
  if (bytes[0] !== PAIRING_PROTOCOL_VERSION) throw protocolError(`version ${bytes[0]}, this device speaks version ${PAIRING_PROTOCOL_VERSION}`);
  const body = bytes.subarray(HEADER_BYTES);
  const exact = (length: number, what: string) => {
    if (body.length !== length) throw protocolError(`a ${what} message has ${length} bytes after its header, this one ${body.length}`);
  };
  switch (bytes[1]) {
    case TYPE_BYTES.hello:
      exact(PAIRING_SID_BYTES + CPACE_SHARE_BYTES, 'hello');
      return { type: 'hello', sid: body.slice(0, PAIRING_SID_BYTES), share: body.slice(PAIRING_SID_BYTES) };
    case TYPE_BYTES.share:
      exact(CPACE_SHARE_BYTES + PAIRING_MAC_BYTES, 'share');
      return { type: 'share', share: body.slice(0, CPACE_SHARE_BYTES), mac: body.slice(CPACE_SHARE_BYTES) };
    case TYPE_BYTES.confirm:
      if (body.length < PAIRING_MAC_BYTES) throw protocolError(`a confirm message of ${body.length} bytes after its header`);
      return { type: 'confirm', mac: body.slice(0, PAIRING_MAC_BYTES), sealedIdentity: sealedIdentityIn(body.subarray(PAIRING_MAC_BYTES), 'a confirm message’s identity') };
    case TYPE_BYTES.identity:
      return { type: 'identity', sealedIdentity: sealedIdentityIn(body, 'an identity message') };
    case TYPE_BYTES.abort: {
      exact(1, 'abort');
      const reason = ABORT_REASONS[body[0]! - 1];
      if (!reason) throw protocolError(`unknown abort reason ${body[0]}`);
      return { type: 'abort', reason };
    }
    default:
      throw protocolError(`unknown type ${bytes[1]}`);
  }
}

// Control characters in a name could forge lines in a terminal or a log; nothing legitimate needs them.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;

/** Why a name is unusable as a device name, or null when it is fine. */
function deviceNameProblem(name: string): string | null {
  if (typeof name !== 'string' || name.trim() === '') return 'a device name must not be empty';
  if (new TextEncoder().encode(name).length > MAX_DEVICE_NAME_BYTES) return `a device name is at most ${MAX_DEVICE_NAME_BYTES} bytes of UTF-8`;
  if (CONTROL_CHARACTERS.test(name)) return 'a device name must not contain control characters';
  return null;
}

/** Checks this device's own identity before anything is sent: a mistake here is the caller's, not the peer's. */
export function assertValidIdentity(identity: PairingIdentity): void {
  if (!(identity.publicKey instanceof Uint8Array) || identity.publicKey.length !== PAIRING_PUBLIC_KEY_BYTES) {
    throw new RangeError(`a device's public key is ${PAIRING_PUBLIC_KEY_BYTES} bytes`);
  }
  const problem = deviceNameProblem(identity.name);
  if (problem) throw new RangeError(problem);
  if (identity.syncPort !== null && !(Number.isInteger(identity.syncPort) && identity.syncPort >= 1 && identity.syncPort <= 65535)) {
    throw new RangeError(`a sync port is 1–65535 or null, got ${identity.syncPort}`);
  }
}

export function encodeIdentity(identity: PairingIdentity): Uint8Array {
  assertValidIdentity(identity);
  const name = new TextEncoder().encode(identity.name);
  const out = new Uint8Array(IDENTITY_FIXED_BYTES + name.length);
  const view = new DataView(out.buffer);
  out.set(identity.publicKey, 0);
  view.setUint16(PAIRING_PUBLIC_KEY_BYTES, identity.syncPort ?? 0);
  view.setUint16(PAIRING_PUBLIC_KEY_BYTES + 2, name.length);
  out.set(name, IDENTITY_FIXED_BYTES);
  return out;
}

export function decodeIdentity(bytes: Uint8Array): PairingIdentity {
  if (bytes.length < IDENTITY_FIXED_BYTES + 1) throw protocolError(`an identity of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const port = view.getUint16(PAIRING_PUBLIC_KEY_BYTES);
  const nameLength = view.getUint16(PAIRING_PUBLIC_KEY_BYTES + 2);
  if (bytes.length !== IDENTITY_FIXED_BYTES + nameLength) throw protocolError(`an identity whose name length (${nameLength}) does not fit its size`);
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(IDENTITY_FIXED_BYTES));
  } catch {
    throw protocolError('a device name that is not UTF-8');
  }
  const problem = deviceNameProblem(name);
  if (problem) throw protocolError(problem);
  return { publicKey: bytes.slice(0, PAIRING_PUBLIC_KEY_BYTES), name, syncPort: port === 0 ? null : port };
}
