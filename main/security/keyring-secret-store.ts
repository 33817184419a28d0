import { AsyncEntry } from '@napi-rs/keyring';
import { SECRET_SERVICE_NAME, SecretStoreError, SecretStoreUnavailableError } from './secret-store.js';
import type { SecretStore } from './secret-store.js';

export { SecretStoreUnavailableError } from './secret-store.js';

/*
 * Pinned to the Secret Service on Linux: by default the library falls back to the kernel keyring,
 * which forgets everything at logout or reboot, so a library locked to it would silently lose its
 * keychain unlock method. Better to fail now, plainly, and let the person use a passphrase.
 */
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

// keyring-rs's "PlatformFailure" and "NoStorageAccess" errors: the store itself is not reachable.
const UNREACHABLE = /^(Platform failure|Couldn't access platform storage)/i;

/** The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, the Secret Service on Linux. */
export class KeyringSecretStore implements SecretStore {
  readonly name = 'keyring';
  readonly #service: string;

  /** `service` exists so tests can keep away from a developer's real "ClipShot" entries. */
  constructor(options: { service?: string } = {}) {
    this.#service = options.service ?? SECRET_SERVICE_NAME;
  }

  async get(account: string): Promise<string | null> {
    return this.#call(() => this.#entry(account).getPassword());
  }

  async set(account: string, secret: string): Promise<void> {
    await this.#call(() => this.#entry(account).setPassword(secret));
  }

  async delete(account: string): Promise<boolean> {
    return this.#call(() => this.#entry(account).deletePassword());
  }

  #entry(account: string): AsyncEntry {
    return new AsyncEntry(this.#service, account, ENTRY_OPTIONS);
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw describeKeyringError(error);
    }
  }
}

function describeKeyringError(error: unknown): SecretStoreError {
  const detail = error instanceof Error ? error.message : String(error);
  if (UNREACHABLE.test(detail)) {
    const where = process.platform === 'linux'
      ? 'no Secret Service is running in this session (start gnome-keyring or KWallet, or unlock with a passphrase)'
      : 'the system keychain cannot be reached (unlock with a passphrase)';
    return new SecretStoreUnavailableError(`the OS keychain is not available: ${where}`, { cause: error });
  }
  return new SecretStoreError(`the OS keychain refused the request: ${detail}`, { cause: error });
}
