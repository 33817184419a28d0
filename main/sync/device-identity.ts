// A device's long-term identity for sync: an X25519 key pair whose private half lives in the
// SecretStore (the OS keychain), one per library on this device. Its public key names the device
// everywhere: the peer id automerge-repo sees and the fingerprint a person compares on two screens.
import { createHash } from 'node:crypto';
import type { SecretStore } from '../security/secret-store.js';
import { generateStaticKeyPair, staticKeyPairFromPrivateKey } from './crypto/noise-xx.js';
import type { StaticKeyPair } from './crypto/noise-xx.js';

export interface DeviceIdentity {
  keys: StaticKeyPair;
  peerId: string;
  fingerprint: string;
}

// The stored secret: a tag naming what it is and its format, then the raw private key in base64.
// The tag lets a later version change the format and lets a stray secret never pass for a key.
const SECRET_TAG = 'clipshot-device-x25519-v1:';
const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The device's stored secret is unreadable. Never replaced automatically: a new key is a new device to every peer. */
export class DeviceIdentityError extends Error {
  readonly account: string;

  constructor(account: string, problem: string) {
    super(`the device key stored as "${account}" is damaged (${problem}); remove it from the keychain to make this a new device, which every peer must pair with again`);
    this.name = new.target.name;
    this.account = account;
  }
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function requirePublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new RangeError('a device public key is 32 bytes');
}

/** automerge-repo's peer id for a device: `device-` and the first 128 bits of SHA-256(public key) in hex. */
export function devicePeerId(publicKey: Uint8Array): string {
  requirePublicKey(publicKey);
  return `device-${sha256(publicKey).subarray(0, 16).toString('hex')}`;
}

/**
 * What a person compares: the first 80 bits of SHA-256(public key) in Crockford base32 (no I, L, O, U
 * to misread), 16 characters in groups of 4, e.g. K7QH-2M4X-9PLC-WW3E.
 */
export function deviceFingerprint(publicKey: Uint8Array): string {
  requirePublicKey(publicKey);
  return keyFingerprint(publicKey);
}

/** A public key's fingerprint as a person compares it (see deviceFingerprint); people's keys too. */
export function keyFingerprint(publicKey: Uint8Array): string {
  let bits = BigInt(`0x${sha256(publicKey).subarray(0, 10).toString('hex')}`);
  let text = '';
  for (let i = 0; i < 16; i++) {
    text = CROCKFORD_BASE32[Number(bits & 31n)]! + text;
    bits >>= 5n;
  }
  return text.match(/.{4}/g)!.join('-');
}

export function identityFromKeys(keys: StaticKeyPair): DeviceIdentity {
  return { keys, peerId: devicePeerId(keys.publicKey), fingerprint: deviceFingerprint(keys.publicKey) };
}

/** The keychain account of a library's device key on this device. */
export function deviceIdentityAccount(libraryId: string): string {
  return `device:${libraryId}`;
}

function parseSecret(account: string, secret: string): StaticKeyPair {
  if (!secret.startsWith(SECRET_TAG)) throw new DeviceIdentityError(account, 'not a ClipShot device key');
  const encoded = secret.slice(SECRET_TAG.length);
  const privateKey = Buffer.from(encoded, 'base64');
  // Buffer.from skips what is not base64; re-encoding tells a clean 32-byte key from anything else.
  if (privateKey.length !== 32 || privateKey.toString('base64') !== encoded) throw new DeviceIdentityError(account, 'the key is not 32 bytes of base64');
  return staticKeyPairFromPrivateKey(new Uint8Array(privateKey));
}

/**
 * This device's identity for a library: read from the store, or made and stored on first use.
 * A damaged secret is a DeviceIdentityError and stays where it is; the store's own failures
 * (SecretStoreUnavailableError...) pass through.
 */
export async function loadOrCreateDeviceIdentity(store: SecretStore, account: string): Promise<DeviceIdentity> {
  const stored = await store.get(account);
  if (stored !== null) return identityFromKeys(parseSecret(account, stored));
  const keys = generateStaticKeyPair();
  await store.set(account, `${SECRET_TAG}${Buffer.from(keys.privateKey).toString('base64')}`);
  return identityFromKeys(keys);
}
