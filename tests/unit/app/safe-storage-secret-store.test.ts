import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type StringEncryption } from '../../../main/app/safe-storage-secret-store.js';
import { Library } from '../../../main/library/library.js';
import { SecretStoreError, SecretStoreUnavailableError } from '../../../main/security/secret-store.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * Electron's safeStorage without Electron: real AES-GCM under a key that plays the part of the
 * one the OS keychain keeps. A new instance is a keychain that was reset.
 */
class KeychainEncryption implements StringEncryption {
  readonly #key = randomBytes(32);
  available = true;
  backend = 'gnome_libsecret';

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): string {
    return this.backend;
  }

  encryptString(plainText: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decryptString(encrypted: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.#key, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  }
}

async function secretsFile(): Promise<string> {
  return path.join(await tempDir(), 'user-data', 'secrets.json');
}

describe('SafeStorageSecretStore', () => {
  it('keeps, returns and deletes secrets, encrypted in an owner-only file', async () => {
    const file = await secretsFile();
    const store = new SafeStorageSecretStore(new KeychainEncryption(), file, 'linux');
    expect(await store.get('library:a:1')).toBeNull();
    await store.set('library:a:1', 'the wrapping secret');
    expect(await store.get('library:a:1')).toBe('the wrapping secret');
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain('the wrapping secret');
    expect(JSON.parse(text)).toMatchObject({ format: 'clipshot-secrets', version: 1, secrets: { 'library:a:1': expect.any(String) } });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await store.delete('library:a:1')).toBe(true);
    expect(await store.delete('library:a:1')).toBe(false);
    expect(await store.get('library:a:1')).toBeNull();
  });

  it('reads what an earlier run wrote, with the same keychain', async () => {
    const file = await secretsFile();
    const keychain = new KeychainEncryption();
    await new SafeStorageSecretStore(keychain, file).set('account', 'kept');
    expect(await new SafeStorageSecretStore(keychain, file).get('account')).toBe('kept');
  });

  it('says so plainly when the keychain was reset and cannot decrypt', async () => {
    const file = await secretsFile();
    await new SafeStorageSecretStore(new KeychainEncryption(), file).set('account', 'kept');
    await expect(new SafeStorageSecretStore(new KeychainEncryption(), file).get('account')).rejects.toThrow(/could not decrypt the secret for account \(was the keychain reset\?\)/);
  });

  it('is unavailable when safeStorage cannot encrypt', async () => {
    const keychain = new KeychainEncryption();
    keychain.available = false;
    const store = new SafeStorageSecretStore(keychain, await secretsFile(), 'darwin');
    await expect(store.get('account')).rejects.toThrow(SecretStoreUnavailableError);
    await expect(store.set('account', 'x')).rejects.toThrow(SecretStoreUnavailableError);
  });

  it('treats Linux without a keyring (the hard-coded basic_text key) as no keychain, and keeps nothing', async () => {
    const keychain = new KeychainEncryption();
    keychain.backend = 'basic_text';
    const file = await secretsFile();
    const store = new SafeStorageSecretStore(keychain, file, 'linux');
    await expect(store.set('account', 'x')).rejects.toThrow(/no keyring is running/);
    await expect(fs.access(file)).rejects.toThrow();
    // The backend name only means something on Linux.
    await new SafeStorageSecretStore(keychain, file, 'darwin').set('account', 'x');
  });

  it('refuses a damaged file and leaves it as it was', async () => {
    const file = await secretsFile();
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"format": "clipshot-secrets", "ver');
    const store = new SafeStorageSecretStore(new KeychainEncryption(), file);
    await expect(store.get('account')).rejects.toThrow(SecretStoreError);
    await expect(store.set('account', 'new')).rejects.toThrow(/is damaged \(not JSON\)/);
    expect(await fs.readFile(file, 'utf8')).toBe('{"format": "clipshot-secrets", "ver');
    await fs.writeFile(file, JSON.stringify({ format: 'clipshot-secrets', version: 2, secrets: {} }));
    await expect(store.get('account')).rejects.toThrow(/damaged or from a newer ClipShot/);
  });

  it('loses no secret when many are set at once', async () => {
    const file = await secretsFile();
    const store = new SafeStorageSecretStore(new KeychainEncryption(), file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`account-${i}`, `secret-${i}`)));
    const values = await Promise.all(Array.from({ length: 20 }, (_, i) => store.get(`account-${i}`)));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `secret-${i}`));
  });

  it('refuses empty and overlong account names', async () => {
    const store = new SafeStorageSecretStore(new KeychainEncryption(), await secretsFile());
    await expect(store.get('')).rejects.toThrow(SecretStoreError);
    await expect(store.set('x'.repeat(201), 's')).rejects.toThrow(SecretStoreError);
  });

  it('unlocks a real library as its keychain slot', async () => {
    const dir = path.join(await tempDir(), 'library');
    const keychain = new KeychainEncryption();
    const file = await secretsFile();
    const created = await Library.create(dir, { secretStore: new SafeStorageSecretStore(keychain, file) });
    const libraryId = created.libraryId;
    await created.close();
    const keys = JSON.parse(await fs.readFile(path.join(dir, 'keys.json'), 'utf8')) as { slots: { method: string; store: string }[] };
    expect(keys.slots).toEqual([expect.objectContaining({ method: 'keychain', store: 'safe-storage' })]);
    const reopened = await Library.open(dir, { method: 'secret-store', store: new SafeStorageSecretStore(keychain, file) });
    expect(reopened.libraryId).toBe(libraryId);
    await reopened.close();
  });
});
