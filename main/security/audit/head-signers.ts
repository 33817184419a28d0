import { createHmac, createPrivateKey, createPublicKey, hkdfSync, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * The head is signed twice when it can be. The library-key MAC is always there (every context that
 * can write the log holds the library key); the device signature is Ed25519 with a key derived from
 * the device's X25519 sync key, added wherever that key is loaded (the app and `serve` with sync,
 * `clipshot audit`). A context without the device key (the CLI on a machine whose keychain is
 * unreachable) signs with the library key alone and the head says so.
 */
export interface DeviceHeadSigner {
  /** The Ed25519 public key, raw 32 bytes in hex. */
  readonly publicKey: string;
  sign(message: Buffer): string;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 key of its own (one key, one algorithm), derived from the device's X25519 private key. */
export function deviceHeadSigner(x25519PrivateKey: Uint8Array): DeviceHeadSigner {
  const seed = Buffer.from(hkdfSync('sha256', x25519PrivateKey, Buffer.from('clipshot audit head', 'utf8'), 'clipshot/v1/audit-ed25519', 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  seed.fill(0);
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    publicKey: spki.subarray(SPKI_ED25519_PREFIX.length).toString('hex'),
    sign: (message) => sign(null, message, privateKey).toString('hex'),
  };
}

export function verifyDeviceSignature(publicKeyHex: string, message: Buffer, signatureHex: string): boolean {
  const raw = Buffer.from(publicKeyHex, 'hex');
  if (raw.length !== 32) return false;
  const key: KeyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
  try {
    return verify(null, message, key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}

export function libraryHeadMac(auditKey: Buffer, message: Buffer): string {
  return createHmac('sha256', auditKey).update(message).digest('hex');
}

export function libraryMacMatches(auditKey: Buffer, message: Buffer, macHex: string): boolean {
  const expected = Buffer.from(libraryHeadMac(auditKey, message), 'hex');
  const given = Buffer.from(macHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
