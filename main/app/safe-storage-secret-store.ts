// The app's SecretStore: Electron's safeStorage encrypts each secret with a key the OS keychain
// holds (Keychain, DPAPI, the Secret Service or KWallet); the ciphertexts live in one file in the
// app's data folder, away from the library. Electron comes in as `encryption` (main.ts passes
// safeStorage), so this runs in plain Node under test.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isErrno, writeFileAtomic } from '../security/atomic-file.js';
import { SecretStoreError, SecretStoreUnavailableError, type SecretStore } from '../security/secret-store.js';

/** The part of Electron's safeStorage used here. */
export interface StringEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux: which keyring protects the key ('basic_text' means none does). */
  getSelectedStorageBackend(): string;
}

const FILE_FORMAT = 'clipshot-secrets';
const FILE_VERSION = 1;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ACCOUNT_LENGTH = 200;

const secretsFileSchema = z.strictObject({
  format: z.literal(FILE_FORMAT),
  version: z.literal(FILE_VERSION),
  secrets: z.record(z.string().min(1).max(MAX_ACCOUNT_LENGTH), z.base64()),
});
type SecretsFile = z.infer<typeof secretsFileSchema>;

export class SafeStorageSecretStore implements SecretStore {
  readonly name = 'safe-storage';
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly encryption: StringEncryption,
    /** e.g. <userData>/secrets.json */
    private readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  async get(account: string): Promise<string | null> {
    checkAccount(account);
    this.#requireEncryption();
    const encrypted = (await this.#read()).secrets[account];
    if (encrypted === undefined) return null;
    try {
      return this.encryption.decryptString(Buffer.from(encrypted, 'base64'));
    } catch (error) {
      throw new SecretStoreError(`the OS keychain could not decrypt the secret for ${account} (was the keychain reset?): ${describe(error)}`, { cause: error });
    }
  }

  async set(account: string, secret: string): Promise<void> {
    checkAccount(account);
    this.#requireEncryption();
    let encrypted: string;
    try {
      encrypted = this.encryption.encryptString(secret).toString('base64');
    } catch (error) {
      throw new SecretStoreError(`the OS keychain refused to encrypt: ${describe(error)}`, { cause: error });
    }
    await this.#update((file) => {
      file.secrets[account] = encrypted;
      return true;
    });
  }

  async delete(account: string): Promise<boolean> {
    checkAccount(account);
    return this.#update((file) => {
      if (!Object.hasOwn(file.secrets, account)) return false;
      delete file.secrets[account];
      return true;
    });
  }

  /**
   * Without a keyring, Chromium on Linux falls back to a key hard-coded in its source
   * ('basic_text'): that would be a secret in plain sight, so it counts as no keychain at all.
   */
  #requireEncryption(): void {
    if (!this.encryption.isEncryptionAvailable()) throw new SecretStoreUnavailableError('the OS keychain is not available to ClipShot (unlock the library with a passphrase)');
    if (this.platform === 'linux' && this.encryption.getSelectedStorageBackend() === 'basic_text') {
      throw new SecretStoreUnavailableError('no keyring is running in this session (start gnome-keyring or KWallet, or unlock the library with a passphrase)');
    }
  }

  async #read(): Promise<SecretsFile> {
    let text: string;
    try {
      const handle = await fs.open(this.file, 'r');
      try {
        const { size } = await handle.stat();
        if (size > MAX_FILE_BYTES) throw new SecretStoreError(`${this.file} is ${size} bytes, more than a secrets file ever holds; it is not ClipShot's`);
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { format: FILE_FORMAT, version: FILE_VERSION, secrets: {} };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SecretStoreError(`${this.file} is damaged (not JSON); move it away to start over, then unlock with the passphrase`);
    }
    const parsed = secretsFileSchema.safeParse(json);
    if (!parsed.success) throw new SecretStoreError(`${this.file} is damaged or from a newer ClipShot: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  /** Read-modify-write, one at a time, so two changes never start from the same old file. */
  #update(change: (file: SecretsFile) => boolean): Promise<boolean> {
    const run = this.#writes.catch(() => undefined).then(async () => {
      const file = await this.#read();
      if (!change(file)) return false;
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      return true;
    });
    this.#writes = run;
    return run;
  }
}

function checkAccount(account: string): void {
  if (typeof account !== 'string' || account.length === 0 || account.length > MAX_ACCOUNT_LENGTH) throw new SecretStoreError('a secret needs an account name of 1 to 200 characters');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
