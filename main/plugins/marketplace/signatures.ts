import crypto, { type KeyObject } from 'node:crypto';
import { MarketplaceError } from './marketplace-errors.js';

/**
 * A publisher's Ed25519 signature over `${packageName}@${version}:${integrity}` (integrity: the
 * tarball's `sha512-<base64>`), carried in the registry's version document as `clipshotSignature`
 * rather than in `dist.signatures`, where the public npm registry puts its own signatures.
 */
export interface PluginSignature {
  /** The signing key's fingerprint (see keyFingerprint). */
  keyId: string;
  /** Base64 of the 64-byte signature. */
  sig: string;
}

/** A publisher key the person trusts. */
export interface TrustedKey {
  fingerprint: string;
  /** Base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  name: string;
  addedAt: number;
}

export function signaturePayload(packageName: string, version: string, integrity: string): string {
  return `${packageName}@${version}:${integrity}`;
}

/** "SHA256:" and the unpadded base64 of the SHA-256 of the raw public key, as OpenSSH shows keys. */
export function keyFingerprint(rawPublicKey: Uint8Array): string {
  return `SHA256:${crypto.createHash('sha256').update(rawPublicKey).digest('base64').replace(/=+$/, '')}`;
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new MarketplaceError('invalid-key', 'not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** A private key from PEM text (PKCS#8, as `openssl genpkey -algorithm ed25519` or `clipshot plugin keygen` write it). */
export function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (error) {
    throw new MarketplaceError('invalid-key', `the signing key is not a PEM private key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new MarketplaceError('invalid-key', `the signing key is ${key.asymmetricKeyType ?? 'not asymmetric'}; expected an Ed25519 key`);
  return key;
}

/** A public key from PEM text (SPKI) or the base64 of its 32 raw bytes: what a publisher hands out. */
export function parsePublicKey(text: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = crypto.createPublicKey(trimmed);
    } catch (error) {
      throw new MarketplaceError('invalid-key', `not a PEM public key (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new MarketplaceError('invalid-key', `the key is ${key.asymmetricKeyType ?? 'not asymmetric'}; expected an Ed25519 key`);
    return rawPublicKey(key);
  }
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (raw.length !== 32) throw new MarketplaceError('invalid-key', 'expected an Ed25519 public key: a PEM file or the base64 of its 32 bytes');
  return raw;
}

/** A new publisher key pair: the private key as PEM (keep it secret), the public one as base64 (hand it out). */
export function generatePublisherKey(): { privateKeyPem: string; publicKey: string; fingerprint: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: Buffer.from(raw).toString('base64'), fingerprint: keyFingerprint(raw) };
}

export function signPackage(privateKey: KeyObject, packageName: string, version: string, integrity: string): PluginSignature {
  const publicKey = crypto.createPublicKey(privateKey);
  const sig = crypto.sign(null, Buffer.from(signaturePayload(packageName, version, integrity), 'utf8'), privateKey);
  return { keyId: keyFingerprint(rawPublicKey(publicKey)), sig: sig.toString('base64') };
}

/**
 * The trusted key that signed `packageName@version:integrity`; throws 'unsigned', 'unknown-key'
 * or 'bad-signature' otherwise.
 */
export function verifyPackageSignature(signature: unknown, trusted: readonly TrustedKey[], packageName: string, version: string, integrity: string): { keyFingerprint: string } {
  const label = `${packageName}@${version}`;
  if (!isSignature(signature)) throw new MarketplaceError('unsigned', `${label} is not signed by its publisher`);
  const key = trusted.find((candidate) => candidate.fingerprint === signature.keyId);
  if (key === undefined) throw new MarketplaceError('unknown-key', `${label} is signed by the key ${signature.keyId}, which you do not trust (see: clipshot plugin trust add)`);
  const valid = crypto.verify(null, Buffer.from(signaturePayload(packageName, version, integrity), 'utf8'), publicKeyObject(Buffer.from(key.publicKey, 'base64')), Buffer.from(signature.sig, 'base64'));
  if (!valid) throw new MarketplaceError('bad-signature', `${label}'s signature does not match it: it was not signed by ${key.name} (${key.fingerprint}) as published, or it was changed since`);
  return { keyFingerprint: key.fingerprint };
}

function isSignature(value: unknown): value is PluginSignature {
  const record = value as Record<string, unknown> | null;
  return typeof record === 'object' && record !== null && typeof record.keyId === 'string' && typeof record.sig === 'string';
}
