import { KeyringSecretStore } from '../security/keyring-secret-store.js';
import { readKeySlots } from '../security/key-slots.js';
import { promptPassphrase } from '../security/passphrase-prompt.js';
import type { SecretStore } from '../security/secret-store.js';
import { Library, type CreateLibraryOptions, type LibraryUnlock } from '../library/library.js';
import { libraryPaths } from '../library/library-paths.js';
import { CLI_ACTOR } from './cli-actor.js';

export const PASSPHRASE_ENV = 'CLIPSHOT_PASSPHRASE';
export const NEW_PASSPHRASE_ENV = 'CLIPSHOT_NEW_PASSPHRASE';
export { CLI_ACTOR };

/** Opens the library the way a person expects: $CLIPSHOT_PASSPHRASE, else the keychain, else a prompt. */
export async function openLibraryForCli(dir: string): Promise<Library> {
  const fromEnvironment = process.env[PASSPHRASE_ENV];
  if (fromEnvironment) return Library.open(dir, { method: 'passphrase', passphrase: fromEnvironment }, CLI_ACTOR);
  const { slots } = await readKeySlots(libraryPaths(dir).keyFile);
  if (slots.some((slot) => slot.method === 'keychain')) {
    try {
      return await Library.open(dir, { method: 'secret-store', store: new KeyringSecretStore() }, CLI_ACTOR);
    } catch (error) {
      if (!slots.some((slot) => slot.method === 'passphrase')) throw error;
    }
  }
  const passphrase = await promptPassphrase('Library passphrase: ');
  return Library.open(dir, { method: 'passphrase', passphrase } satisfies LibraryUnlock, CLI_ACTOR);
}

/** A new library gets the passphrase from the environment, else the OS keychain, else one typed twice. */
export async function createLibraryForCli(dir: string, notice: (text: string) => void): Promise<Library> {
  const fromEnvironment = process.env[PASSPHRASE_ENV];
  if (fromEnvironment) return Library.create(dir, { passphrase: fromEnvironment });
  const keychain = await availableKeychain();
  if (keychain) {
    notice(`created a library at ${dir}, unlocked by the OS keychain; add a passphrase as a fallback with: clipshot keys add-passphrase\n`);
    return Library.create(dir, { secretStore: keychain } satisfies CreateLibraryOptions);
  }
  const passphrase = await promptPassphrase('New library passphrase: ', { confirm: true });
  return Library.create(dir, { passphrase });
}

export async function availableKeychain(): Promise<SecretStore | null> {
  const store = new KeyringSecretStore();
  try {
    await store.get('availability-check');
    return store;
  } catch {
    return null;
  }
}

export async function passphraseFromEnvironmentOrPrompt(variable: string, question: string, confirm = false): Promise<string> {
  const value = process.env[variable];
  if (value) return value;
  return promptPassphrase(question, { confirm });
}
