/**
 * A place that keeps small secrets for this user outside the library folder (the OS keychain in
 * production, memory in unit tests). Interchangeable implementations, like automerge-repo's adapters.
 */
export interface SecretStore {
  /** Shown to the person and recorded in key slots, e.g. "keyring" or "memory". */
  readonly name: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when a secret was deleted, false when there was none. */
  delete(account: string): Promise<boolean>;
}

/** The service name ClipShot's secrets are filed under in the OS keychain. */
export const SECRET_SERVICE_NAME = 'ClipShot';

/** The keychain account of a library's keychain slot: one secret per slot, so slots are removable one by one. */
export function keychainAccount(libraryId: string, slotId: string): string {
  return `library:${libraryId}:${slotId}`;
}

/** The store answered with a failure other than "not available". */
export class SecretStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The store cannot be reached at all (e.g. no Secret Service on this Linux session): callers fall back to a passphrase. */
export class SecretStoreUnavailableError extends SecretStoreError {}
