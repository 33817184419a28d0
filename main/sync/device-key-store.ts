import { readMeta, writeMeta } from '../library/database.js';
import type { Library } from '../library/library.js';
import type { SecretStore } from '../security/secret-store.js';
import { deviceIdentityAccount, loadOrCreateDeviceIdentity, type DeviceIdentity } from './device-identity.js';

const STORE_META_KEY = 'device_key_store';

/**
 * A SecretStore inside the library's own encrypted database: where the device key lives on a
 * machine with no OS keychain (a headless home server). The library key guards it, as it guards
 * every clip.
 */
export class LibraryVaultSecretStore implements SecretStore {
  readonly name = 'library';

  constructor(private readonly library: Library) {
    library.db.exec('CREATE TABLE IF NOT EXISTS vault (account TEXT PRIMARY KEY, secret TEXT NOT NULL) STRICT, WITHOUT ROWID');
  }

  async get(account: string): Promise<string | null> {
    const row = this.library.db.prepare('SELECT secret FROM vault WHERE account = ?').get(account) as { secret: string } | undefined;
    return row?.secret ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    await this.library.write(async () => {
      this.library.db.prepare('INSERT INTO vault (account, secret) VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET secret = excluded.secret').run(account, secret);
    });
  }

  async delete(account: string): Promise<boolean> {
    return this.library.write(async () => this.library.db.prepare('DELETE FROM vault WHERE account = ?').run(account).changes > 0);
  }
}

export class DeviceKeyUnavailableError extends Error {
  readonly code = 'device-key-unavailable';
}

/**
 * This device's identity for this library. The key is made once, in the OS keychain when one is
 * reachable, else in the library's vault; which one is recorded, so a keychain that is missing
 * later (a session without the Secret Service) is an error rather than a new identity that the
 * other devices would not know.
 */
export async function loadDeviceIdentity(library: Library, keychain: SecretStore | null): Promise<{ identity: DeviceIdentity; storeName: string }> {
  const recorded = readMeta(library.db, STORE_META_KEY);
  const vault = new LibraryVaultSecretStore(library);
  let store: SecretStore;
  if (recorded === null) store = keychain ?? vault;
  else if (recorded === vault.name) store = vault;
  else if (keychain && keychain.name === recorded) store = keychain;
  else throw new DeviceKeyUnavailableError(`this device's sync key is in the ${recorded} store, which cannot be reached now; sync is off until it can`);
  const identity = await loadOrCreateDeviceIdentity(store, deviceIdentityAccount(library.libraryId));
  if (recorded === null) await library.write(async () => writeMeta(library.db, STORE_META_KEY, store.name));
  return { identity, storeName: store.name };
}

/**
 * The store this device's key is in (device_key_store), for the other secrets kept beside it (the
 * person key); null before the device key was made.
 */
export function deviceKeyStore(library: Library, keychain: SecretStore | null): SecretStore | null {
  const recorded = readMeta(library.db, STORE_META_KEY);
  if (recorded === 'library') return new LibraryVaultSecretStore(library);
  if (keychain && keychain.name === recorded) return keychain;
  return null;
}
