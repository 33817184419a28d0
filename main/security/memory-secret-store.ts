import type { SecretStore } from './secret-store.js';

/** Secrets kept in this process only: for unit tests and throwaway libraries. */
export class MemorySecretStore implements SecretStore {
  readonly name: string;
  readonly #secrets = new Map<string, string>();

  constructor(name = 'memory') {
    this.name = name;
  }

  /** How many secrets it holds: lets tests prove nothing was left behind. */
  get size(): number {
    return this.#secrets.size;
  }

  async get(account: string): Promise<string | null> {
    return this.#secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.#secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.#secrets.delete(account);
  }
}
