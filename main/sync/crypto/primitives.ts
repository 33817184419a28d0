// The few primitives sync's cryptography is built from, all on Node's own OpenSSL (audited, constant
// time where it matters): X25519, ChaCha20-Poly1305, HKDF-SHA256. Callers pass and get raw bytes.
import {
  createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, timingSafeEqual,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const X25519_KEY_BYTES = 32;
export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 12;
export const AEAD_TAG_BYTES = 16;

/** A raw 32-byte X25519 key pair. */
export interface X25519KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

// Node imports raw X25519 keys only inside a DER envelope: these are the fixed ASN.1 headers of a
// PKCS#8 private key and an SPKI public key for OID 1.3.101.110 (RFC 8410), followed by the 32 bytes.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function requireLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`);
  }
}

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  requireLength(privateKey, X25519_KEY_BYTES, 'an X25519 private key');
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  requireLength(publicKey, X25519_KEY_BYTES, 'an X25519 public key');
  return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(SPKI_X25519_PREFIX.length));
}

export function generateX25519KeyPair(): X25519KeyPair {
  const { privateKey } = generateKeyPairSync('x25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { privateKey: new Uint8Array(der.subarray(PKCS8_X25519_PREFIX.length)), publicKey: rawPublicKey(createPublicKey(privateKey)) };
}

/** The key pair of a raw private key (its public half recomputed, so a stored private key is all one needs). */
export function x25519KeyPairFromPrivateKey(privateKey: Uint8Array): X25519KeyPair {
  return { privateKey: new Uint8Array(privateKey), publicKey: rawPublicKey(createPublicKey(privateKeyObject(privateKey))) };
}

/**
 * X25519(privateKey, publicKey). Throws when the peer's key is a low-order point (OpenSSL refuses an
 * all-zero shared secret), which callers treat as a forged message.
 */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return new Uint8Array(diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicKey) }));
}

/** HKDF-SHA256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes. */
export function hkdfSha256(salt: Uint8Array, inputKeyMaterial: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', inputKeyMaterial, salt, info, length));
}

/** ChaCha20-Poly1305 (RFC 8439): ciphertext followed by the 16-byte tag. */
export function chachaSeal(key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, plaintext: Uint8Array): Uint8Array {
  requireLength(key, AEAD_KEY_BYTES, 'a ChaCha20-Poly1305 key');
  requireLength(nonce, AEAD_NONCE_BYTES, 'a ChaCha20-Poly1305 nonce');
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_BYTES });
  cipher.setAAD(associatedData, { plaintextLength: plaintext.length });
  const body = cipher.update(plaintext);
  const final = cipher.final();
  const out = new Uint8Array(body.length + final.length + AEAD_TAG_BYTES);
  out.set(body, 0);
  out.set(final, body.length);
  out.set(cipher.getAuthTag(), body.length + final.length);
  return out;
}

/** Opens a ChaCha20-Poly1305 ciphertext; null when it is too short or does not authenticate. */
export function chachaOpen(key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  requireLength(key, AEAD_KEY_BYTES, 'a ChaCha20-Poly1305 key');
  requireLength(nonce, AEAD_NONCE_BYTES, 'a ChaCha20-Poly1305 nonce');
  if (sealed.length < AEAD_TAG_BYTES) return null;
  const bodyLength = sealed.length - AEAD_TAG_BYTES;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: AEAD_TAG_BYTES });
  decipher.setAAD(associatedData, { plaintextLength: bodyLength });
  decipher.setAuthTag(sealed.subarray(bodyLength));
  const body = decipher.update(sealed.subarray(0, bodyLength));
  try {
    const final = decipher.final();
    if (final.length === 0) return new Uint8Array(body);
    return new Uint8Array(Buffer.concat([body, final]));
  } catch {
    // OpenSSL says only "unable to authenticate data": the plaintext it produced is discarded unseen.
    body.fill(0);
    return null;
  }
}

/** Constant-time comparison of two byte strings (false at once when their lengths differ). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
