// A person's identity: an Ed25519 key pair whose private half lives in the SecretStore beside the
// device key. It certifies the person's devices (a signature binding a device's sync key to the
// person), and names the person in the access lists of shared collections.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { SecretStore } from '../../security/secret-store.js';
import { keyFingerprint } from '../device-identity.js';

const SECRET_TAG = 'clipshot-person-ed25519-v1:';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** What a certificate signs is prefixed with this, so no other signature of the key can pass for one. */
const CERTIFICATE_CONTEXT = 'clipshot device certificate v1';

export interface PersonIdentity {
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  /** `person-` and the first 128 bits of SHA-256(public key) in hex: how access lists and actors name the person. */
  personId: string;
  fingerprint: string;
  /** Signs a device's sync key as this person's. */
  certify(devicePublicKey: Uint8Array, at?: number): DeviceCertificate;
  /** The private key as stored (a device of the same person adopts it: see SyncService). */
  readonly secret: string;
}

/** A signed statement "this device key is this person's", presented after the authenticated handshake. */
export interface DeviceCertificate {
  /** The person's Ed25519 public key, base64. */
  person: string;
  /** The device's X25519 sync key, base64. */
  device: string;
  at: number;
  /** Ed25519 signature over CERTIFICATE_CONTEXT, person, device and at; base64. */
  signature: string;
}

export const deviceCertificateSchema = z.object({
  person: z.string().length(44),
  device: z.string().length(44),
  at: z.number().int().min(0),
  signature: z.string().length(88),
});

export class PersonIdentityError extends Error {
  constructor(account: string, problem: string) {
    super(`the person key stored as "${account}" is damaged (${problem})`);
    this.name = 'PersonIdentityError';
  }
}

function sha256(bytes: Uint8Array | string): Buffer {
  return createHash('sha256').update(bytes).digest();
}

export function personIdOf(publicKey: Uint8Array): string {
  return `person-${sha256(publicKey).subarray(0, 16).toString('hex')}`;
}

export function personFingerprint(publicKey: Uint8Array): string {
  return keyFingerprint(publicKey);
}

/**
 * The Automerge actor a device uses for every change it makes to a shared collection's documents:
 * the person's id then the device's (hex). Whoever checks a change reads its author's person from
 * the first half, and a device of another person may only send changes whose actor is its own.
 */
export function collectionActorOf(personId: string, devicePublicKey: Uint8Array): string {
  return `${personId.slice('person-'.length)}${sha256(devicePublicKey).subarray(0, 16).toString('hex')}`;
}

/** The person id an actor (collectionActorOf) names; null for any other actor. */
export function personOfActor(actor: string): string | null {
  return /^[0-9a-f]{64}$/.test(actor) ? `person-${actor.slice(0, 32)}` : null;
}

function certificateMessage(person: string, device: string, at: number): Buffer {
  return Buffer.from(`${CERTIFICATE_CONTEXT}\n${person}\n${device}\n${at}`, 'utf8');
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * The person a certificate names, if it is a valid signature by that person over this device key;
 * null otherwise (a wrong key, a forged or damaged signature, a certificate for another device).
 */
export function verifyDeviceCertificate(certificate: unknown, devicePublicKey: Uint8Array): { personId: string; publicKey: Uint8Array } | null {
  const parsed = deviceCertificateSchema.safeParse(certificate);
  if (!parsed.success) return null;
  const { person, device, at, signature } = parsed.data;
  if (device !== Buffer.from(devicePublicKey).toString('base64')) return null;
  const personKey = Buffer.from(person, 'base64');
  if (personKey.length !== 32) return null;
  try {
    if (!verify(null, certificateMessage(person, device, at), publicKeyObject(personKey), Buffer.from(signature, 'base64'))) return null;
  } catch {
    return null;
  }
  return { personId: personIdOf(personKey), publicKey: new Uint8Array(personKey) };
}

function identityFromSeed(seed: Buffer): PersonIdentity {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length));
  const person = Buffer.from(publicKey).toString('base64');
  const secret = `${SECRET_TAG}${seed.toString('base64')}`;
  return {
    publicKey,
    personId: personIdOf(publicKey),
    fingerprint: personFingerprint(publicKey),
    secret,
    certify(devicePublicKey, at = Date.now()) {
      const device = Buffer.from(devicePublicKey).toString('base64');
      const signature = sign(null, certificateMessage(person, device, at), privateKey).toString('base64');
      return { person, device, at, signature };
    },
  };
}

/** Reads a stored person secret; a damaged one is a PersonIdentityError. */
export function parsePersonSecret(account: string, secret: string): PersonIdentity {
  if (!secret.startsWith(SECRET_TAG)) throw new PersonIdentityError(account, 'not a ClipShot person key');
  const encoded = secret.slice(SECRET_TAG.length);
  const seed = Buffer.from(encoded, 'base64');
  if (seed.length !== 32 || seed.toString('base64') !== encoded) throw new PersonIdentityError(account, 'the key is not 32 bytes of base64');
  return identityFromSeed(seed);
}

export function personIdentityAccount(libraryId: string): string {
  return `person:${libraryId}`;
}

/** This library's person on this device: read from the store, or made and stored on first use. */
export async function loadOrCreatePersonIdentity(store: SecretStore, account: string): Promise<PersonIdentity> {
  const stored = await store.get(account);
  if (stored !== null) return parsePersonSecret(account, stored);
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const identity = identityFromSeed(Buffer.from(der.subarray(PKCS8_ED25519_PREFIX.length)));
  await store.set(account, identity.secret);
  return identity;
}
