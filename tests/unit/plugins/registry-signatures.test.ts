import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarketplaceError } from '../../../main/plugins/marketplace/marketplace-errors.js';
import { generatePublisherKey, keyFingerprint, parsePrivateKey, parsePublicKey, signaturePayload, signPackage, verifyPackageSignature } from '../../../main/plugins/marketplace/signatures.js';
import { TrustedKeys } from '../../../main/plugins/marketplace/trusted-keys.js';
import { tempDir } from '../../helpers/temp.js';

const INTEGRITY = `sha512-${crypto.createHash('sha512').update('tarball bytes').digest('base64')}`;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MarketplaceError);
    return (error as MarketplaceError).code;
  }
  throw new Error('expected a MarketplaceError');
}

describe('publisher signatures', () => {
  it('signs name@version:integrity with Ed25519 and verifies it with the trusted key alone', async () => {
    const key = generatePublisherKey();
    const privateKey = parsePrivateKey(key.privateKeyPem);
    const signature = signPackage(privateKey, 'clipshot-plugin-x', '1.0.0', INTEGRITY);
    expect(signature.keyId).toBe(key.fingerprint);
    // The signature is the plain Ed25519 one over the documented payload, checkable by anyone.
    const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    expect(crypto.verify(null, Buffer.from(signaturePayload('clipshot-plugin-x', '1.0.0', INTEGRITY)), publicKey, Buffer.from(signature.sig, 'base64'))).toBe(true);

    const trusted = [{ fingerprint: key.fingerprint, publicKey: key.publicKey, name: 'Acme', addedAt: 0 }];
    expect(verifyPackageSignature(signature, trusted, 'clipshot-plugin-x', '1.0.0', INTEGRITY)).toEqual({ keyFingerprint: key.fingerprint });
    // Any other name, version or tarball breaks it.
    expect(codeOf(() => verifyPackageSignature(signature, trusted, 'clipshot-plugin-y', '1.0.0', INTEGRITY))).toBe('bad-signature');
    expect(codeOf(() => verifyPackageSignature(signature, trusted, 'clipshot-plugin-x', '1.0.1', INTEGRITY))).toBe('bad-signature');
    expect(codeOf(() => verifyPackageSignature(signature, trusted, 'clipshot-plugin-x', '1.0.0', `sha512-${'A'.repeat(86)}==`))).toBe('bad-signature');
    expect(codeOf(() => verifyPackageSignature(undefined, trusted, 'clipshot-plugin-x', '1.0.0', INTEGRITY))).toBe('unsigned');
    expect(codeOf(() => verifyPackageSignature(signature, [], 'clipshot-plugin-x', '1.0.0', INTEGRITY))).toBe('unknown-key');
  });

  it('reads public keys as PEM or base64 and private keys as PEM, refusing other kinds', () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const raw = parsePublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString());
    expect(raw).toHaveLength(32);
    expect(parsePublicKey(Buffer.from(raw).toString('base64'))).toEqual(raw);
    expect(keyFingerprint(raw)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(parsePrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()).asymmetricKeyType).toBe('ed25519');
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(codeOf(() => parsePrivateKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()))).toBe('invalid-key');
    expect(codeOf(() => parsePublicKey(rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString()))).toBe('invalid-key');
    expect(codeOf(() => parsePublicKey('c2hvcnQ='))).toBe('invalid-key');
  });

  it('keeps the trusted keys in the plugins folder: add, list, remove', async () => {
    const dir = path.join(await tempDir('clipshot-trust-'), 'plugins');
    const keys = new TrustedKeys(dir);
    expect(await keys.list()).toEqual([]);
    const first = generatePublisherKey();
    const second = generatePublisherKey();
    await keys.add(first.publicKey, 'Acme');
    await keys.add(second.publicKey, 'Other');
    await keys.add(first.publicKey, 'Acme Inc.');
    expect((await new TrustedKeys(dir).list()).map((key) => [key.name, key.fingerprint])).toEqual([
      ['Other', second.fingerprint],
      ['Acme Inc.', first.fingerprint],
    ]);
    expect((await keys.remove('Other')).fingerprint).toBe(second.fingerprint);
    await expect(keys.remove(second.fingerprint)).rejects.toThrow(`no trusted key ${second.fingerprint}`);
    expect((await keys.list()).map((key) => key.fingerprint)).toEqual([first.fingerprint]);
  });
});
