import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { SecretStoreUnavailableError } from '../../../main/security/secret-store.js';
import type { SecretStore } from '../../../main/security/secret-store.js';
import { generateStaticKeyPair } from '../../../main/sync/crypto/noise-xx.js';
import {
  DeviceIdentityError, deviceFingerprint, deviceIdentityAccount, devicePeerId, identityFromKeys, loadOrCreateDeviceIdentity,
} from '../../../main/sync/device-identity.js';

// The fingerprint computed a second way: the bits written out as text, read five at a time.
function fingerprintByBits(publicKey: Uint8Array): string {
  const bits = [...createHash('sha256').update(publicKey).digest().subarray(0, 10)].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  let text = '';
  for (let i = 0; i < 80; i += 5) text += '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(bits.slice(i, i + 5), 2)];
  return text.match(/.{4}/g)!.join('-');
}

describe('peer ids and fingerprints', () => {
  it('derive from SHA-256 of the public key', () => {
    const zeros = new Uint8Array(32); // SHA-256 = 66687aadf862bd776c8fc18b8e9f8e20089714856ee2…
    expect(devicePeerId(zeros)).toBe('device-66687aadf862bd776c8fc18b8e9f8e20');
    expect(deviceFingerprint(zeros)).toBe('CSM7-NBFR-CAYQ-EV4F');
    for (let i = 0; i < 50; i++) {
      const { publicKey } = generateStaticKeyPair();
      expect(deviceFingerprint(publicKey)).toBe(fingerprintByBits(publicKey));
      expect(deviceFingerprint(publicKey)).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      expect(devicePeerId(publicKey)).toMatch(/^device-[0-9a-f]{32}$/);
    }
    expect(() => devicePeerId(new Uint8Array(31))).toThrow(RangeError);
    expect(() => deviceFingerprint(new Uint8Array(33))).toThrow(RangeError);
  });

  it('bundle into an identity', () => {
    const keys = generateStaticKeyPair();
    expect(identityFromKeys(keys)).toEqual({ keys, peerId: devicePeerId(keys.publicKey), fingerprint: deviceFingerprint(keys.publicKey) });
    expect(deviceIdentityAccount('lib-1')).toBe('device:lib-1');
  });
});

describe('loadOrCreateDeviceIdentity', () => {
  it('makes a key on first use, keeps only the tagged private key, and reads the same identity back', async () => {
    const store = new MemorySecretStore();
    const account = deviceIdentityAccount('lib-1');
    const created = await loadOrCreateDeviceIdentity(store, account);
    expect(store.size).toBe(1);
    const secret = await store.get(account);
    expect(secret).toBe(`clipshot-device-x25519-v1:${Buffer.from(created.keys.privateKey).toString('base64')}`);
    expect(secret).not.toContain(Buffer.from(created.keys.publicKey).toString('base64'));

    const loaded = await loadOrCreateDeviceIdentity(store, account);
    expect(loaded).toEqual(created);
    expect(loaded.peerId).toBe(devicePeerId(created.keys.publicKey));

    const other = await loadOrCreateDeviceIdentity(store, deviceIdentityAccount('lib-2'));
    expect(other.keys.publicKey).not.toEqual(created.keys.publicKey);
  });

  it('refuses a damaged secret with a typed error and leaves it where it is', async () => {
    const valid = `clipshot-device-x25519-v1:${Buffer.alloc(32, 1).toString('base64')}`;
    for (const damaged of [
      '',
      'not a key',
      Buffer.alloc(32, 1).toString('base64'),
      valid.replace('v1', 'v2'),
      valid.slice(0, -4),
      `${valid}AAAA`,
      `${valid.slice(0, -2)}!=`,
    ]) {
      const store = new MemorySecretStore();
      await store.set('device:lib', damaged);
      const error = await loadOrCreateDeviceIdentity(store, 'device:lib').catch((caught: unknown) => caught);
      expect(error, damaged).toBeInstanceOf(DeviceIdentityError);
      expect((error as DeviceIdentityError).account).toBe('device:lib');
      expect((error as Error).message).toMatch(/damaged.*new device/);
      expect(await store.get('device:lib')).toBe(damaged);
    }
    const store = new MemorySecretStore();
    await store.set('device:lib', valid);
    await expect(loadOrCreateDeviceIdentity(store, 'device:lib')).resolves.toMatchObject({ keys: { privateKey: new Uint8Array(32).fill(1) } });
  });

  it('lets the store’s own failures through, creating nothing', async () => {
    const unavailable: SecretStore = {
      name: 'broken',
      get: async () => { throw new SecretStoreUnavailableError('no keychain'); },
      set: async () => { throw new Error('must not be called'); },
      delete: async () => false,
    };
    await expect(loadOrCreateDeviceIdentity(unavailable, 'device:lib')).rejects.toBeInstanceOf(SecretStoreUnavailableError);
  });
});
