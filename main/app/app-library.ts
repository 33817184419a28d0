// How the app opens its library without a terminal to ask in: the keychain, or a passphrase from
// the environment (development and tests, like the CLI's CLIPSHOT_PASSPHRASE).
import { Library } from '../library/library.js';
import { NoUnlockMethodError } from '../security/key-errors.js';
import { SecretStoreError, type SecretStore } from '../security/secret-store.js';

export interface AppUnlockOptions {
  passphrase?: string | undefined;
  /**
   * Tried in order. The app's own store (safeStorage) first, then the CLI's keychain, which
   * opens a library the CLI created with `clipshot keys add-keychain`.
   */
  stores: readonly SecretStore[];
}

/** The library cannot be opened without help from the person; the message says what to do. */
export class AppLibraryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppLibraryError';
  }
}

export async function openAppLibrary(dir: string, options: AppUnlockOptions): Promise<Library> {
  if (!(await Library.exists(dir))) return createAppLibrary(dir, options);
  if (options.passphrase) return Library.open(dir, { method: 'passphrase', passphrase: options.passphrase });
  const failures: string[] = [];
  for (const store of options.stores) {
    try {
      return await Library.open(dir, { method: 'secret-store', store });
    } catch (error) {
      // No secret for this library, or no keychain at all: the next store may have it.
      if (!(error instanceof NoUnlockMethodError || error instanceof SecretStoreError)) throw error;
      failures.push(error.message);
    }
  }
  throw new AppLibraryError(
    `ClipShot cannot unlock the library at ${dir} by itself (${failures.join('; ') || 'no keychain'}). ` +
      'Unlock it once from a terminal with "clipshot keys add-keychain", or start the app with CLIPSHOT_PASSPHRASE set.',
  );
}

/** A first start: the library is locked by the first keychain that works, or by the passphrase given. */
async function createAppLibrary(dir: string, options: AppUnlockOptions): Promise<Library> {
  if (options.passphrase) return Library.create(dir, { passphrase: options.passphrase });
  const failures: string[] = [];
  for (const store of options.stores) {
    try {
      await store.get('availability-check');
      return await Library.create(dir, { secretStore: store });
    } catch (error) {
      if (!(error instanceof SecretStoreError)) throw error;
      failures.push(error.message);
    }
  }
  throw new AppLibraryError(
    `ClipShot found no keychain to keep the library's key in (${failures.join('; ') || 'none'}). ` +
      'Create the library from a terminal with "clipshot serve" (it asks for a passphrase; stop it with Ctrl+C), then start the app with CLIPSHOT_PASSPHRASE set.',
  );
}
