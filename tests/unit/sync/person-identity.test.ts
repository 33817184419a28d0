import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { generateStaticKeyPair } from '../../../main/sync/crypto/noise-xx.js';
import {
  collectionActorOf, loadOrCreatePersonIdentity, parsePersonSecret, personOfActor, PersonIdentityError, verifyDeviceCertificate,
} from '../../../main/sync/people/person-identity.js';

describe('a person key certifies its devices', () => {
  it('is made once and kept in the store', async () => {
    const store = new MemorySecretStore();
    const first = await loadOrCreatePersonIdentity(store, 'person:lib');
    const again = await loadOrCreatePersonIdentity(store, 'person:lib');
    expect(again.personId).toBe(first.personId);
    expect(first.personId).toMatch(/^person-[0-9a-f]{32}$/);
    expect(first.fingerprint).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  });

  it('gives a certificate that names the person for that device only, and no forged or altered one passes', async () => {
    const alice = await loadOrCreatePersonIdentity(new MemorySecretStore(), 'a');
    const mallory = await loadOrCreatePersonIdentity(new MemorySecretStore(), 'm');
    const device = generateStaticKeyPair().publicKey;
    const other = generateStaticKeyPair().publicKey;
    const certificate = alice.certify(device, 1_000);
    expect(verifyDeviceCertificate(certificate, device)?.personId).toBe(alice.personId);
    // Presented by another device, it names nobody.
    expect(verifyDeviceCertificate(certificate, other)).toBeNull();
    // Mallory's signature under Alice's key, an altered time, garbage: all refused.
    expect(verifyDeviceCertificate({ ...mallory.certify(device, 1_000), person: certificate.person }, device)).toBeNull();
    expect(verifyDeviceCertificate({ ...certificate, at: 1_001 }, device)).toBeNull();
    expect(verifyDeviceCertificate({ ...certificate, signature: 'A'.repeat(86) + '==' }, device)).toBeNull();
    expect(verifyDeviceCertificate('nonsense', device)).toBeNull();
    expect(verifyDeviceCertificate(undefined, device)).toBeNull();
  });

  it('binds a collection actor to the person and device, and reads the person back from it', async () => {
    const alice = await loadOrCreatePersonIdentity(new MemorySecretStore(), 'a');
    const device = generateStaticKeyPair().publicKey;
    const actor = collectionActorOf(alice.personId, device);
    expect(actor).toMatch(/^[0-9a-f]{64}$/);
    expect(personOfActor(actor)).toBe(alice.personId);
    expect(collectionActorOf(alice.personId, generateStaticKeyPair().publicKey)).not.toBe(actor);
    // A random automerge actor (16 bytes) names no person.
    expect(personOfActor('0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it('refuses a damaged stored secret with a clear error', () => {
    expect(() => parsePersonSecret('person:lib', 'clipshot-device-x25519-v1:AAAA')).toThrow(PersonIdentityError);
    expect(() => parsePersonSecret('person:lib', 'clipshot-person-ed25519-v1:short')).toThrow(/32 bytes/);
  });
});
