import { readMeta } from '../../library/database.js';
import type { Library } from '../../library/library.js';
import type { SecretStore } from '../secret-store.js';
import { loadDeviceIdentity } from '../../sync/device-key-store.js';
import { deviceHeadSigner, type DeviceHeadSigner } from './head-signers.js';

/**
 * This device's head-signing key for the library, if it has a sync key already and its store is
 * reachable here; null otherwise (never makes a new device key just to check the log).
 */
export async function existingDeviceHeadSigner(library: Library, keychain: SecretStore | null): Promise<DeviceHeadSigner | null> {
  if (readMeta(library.db, 'device_key_store') === null) return null;
  try {
    const { identity } = await loadDeviceIdentity(library, keychain);
    return deviceHeadSigner(identity.keys.privateKey);
  } catch {
    return null;
  }
}
