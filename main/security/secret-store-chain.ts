import { SecretStoreError, type SecretStore } from './secret-store.js';

/**
 * Several keychains read as one, for an app that has more than one (its own safeStorage, and the
 * keyring `clipshot keys add-keychain` writes to): a secret is looked for in each in turn, so a
 * keychain slot opens whichever of them holds it. New secrets go to the first. Null without any.
 */
export function secretStoreChain(stores: readonly SecretStore[]): SecretStore | null {
  const unique = [...new Set(stores)];
  const [first] = unique;
  if (first === undefined || unique.length === 1) return first ?? null;
  return {
    name: first.name,
    get: async (account) => {
      let failure: unknown = null;
      for (const store of unique) {
        try {
          const secret = await store.get(account);
          if (secret !== null) return secret;
        } catch (error) {
          // One keychain out of reach (no Secret Service, say) leaves the others to ask.
          if (!(error instanceof SecretStoreError)) throw error;
          failure ??= error;
        }
      }
      if (failure !== null) throw failure;
      return null;
    },
    set: (account, secret) => first.set(account, secret),
    delete: async (account) => {
      let deleted = false;
      for (const store of unique) deleted = (await store.delete(account).catch(() => false)) || deleted;
      return deleted;
    },
  };
}
