import fs from 'node:fs/promises';
import { z } from 'zod';
import { isErrno, writeFileAtomic } from './atomic-file.js';
import { KeyFileError } from './key-errors.js';
import { PASSPHRASE_CHECK_LENGTH, scryptCostSchema } from './passphrase-kdf.js';

export { KeyFileError } from './key-errors.js';

/*
 * keys.json: the library key wrapped by each unlock method (LUKS-like key slots).
 * Everything binary is base64. Validated whole on every read; any field this version does not
 * know is an error (strict objects), so a format change bumps `version`.
 */
export const KEY_FILE_FORMAT = 'clipshot-keys';
export const KEY_FILE_VERSION = 1;
export const MAX_SLOTS = 32;
const MAX_KEY_FILE_BYTES = 256 * 1024;

export const LIBRARY_KEY_LENGTH = 32;
export const GCM_IV_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
export const SCRYPT_SALT_LENGTH = 32;
export const KEY_CHECK_LENGTH = 32;

function base64Bytes(length: number) {
  return z.string().refine((text) => isCanonicalBase64(text, length), `must be ${length} bytes in base64`);
}

const wrappedKeySchema = z.strictObject({
  cipher: z.literal('aes-256-gcm'),
  iv: base64Bytes(GCM_IV_LENGTH),
  ciphertext: base64Bytes(LIBRARY_KEY_LENGTH),
  tag: base64Bytes(GCM_TAG_LENGTH),
});

const slotFields = {
  id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits'),
  label: z.string().min(1).max(200),
  createdAt: z.number().int().nonnegative(),
  wrappedKey: wrappedKeySchema,
};

const passphraseSlotSchema = z.strictObject({
  ...slotFields,
  method: z.literal('passphrase'),
  kdf: z.strictObject({
    name: z.literal('scrypt'),
    salt: base64Bytes(SCRYPT_SALT_LENGTH),
    cost: scryptCostSchema,
    check: base64Bytes(PASSPHRASE_CHECK_LENGTH),
  }),
});

const keychainSlotSchema = z.strictObject({
  ...slotFields,
  method: z.literal('keychain'),
  /** Which SecretStore made it ("keyring", "safe-storage"...): for people, not for lookups. */
  store: z.string().min(1).max(100),
});

const keyFileSchema = z.strictObject({
  format: z.literal(KEY_FILE_FORMAT),
  version: z.literal(KEY_FILE_VERSION),
  libraryId: z.uuid(),
  /** HMAC of the library id under the library key: proves a key is this library's, in constant time. */
  keyCheck: base64Bytes(KEY_CHECK_LENGTH),
  slots: z.array(z.discriminatedUnion('method', [passphraseSlotSchema, keychainSlotSchema]))
    .min(1, 'must hold at least one unlock method')
    .max(MAX_SLOTS)
    .refine((slots) => new Set(slots.map((slot) => slot.id)).size === slots.length, 'slot ids must be unique'),
});

export type KeyFile = z.infer<typeof keyFileSchema>;
export type KeySlot = KeyFile['slots'][number];
export type PassphraseSlot = z.infer<typeof passphraseSlotSchema>;
export type KeychainSlot = z.infer<typeof keychainSlotSchema>;
export type WrappedKey = z.infer<typeof wrappedKeySchema>;

/** The parsed file and its exact bytes, so an update can tell whether someone else changed it meanwhile. */
export interface LoadedKeyFile {
  file: KeyFile;
  bytes: Buffer;
}

export async function loadKeyFile(path: string): Promise<LoadedKeyFile> {
  const bytes = await readKeyFileBytes(path);
  return { file: parseKeyFile(bytes, path), bytes };
}

export async function readKeyFileBytes(path: string): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) throw new KeyFileError(`no key file at ${path}: this is not an encrypted ClipShot library, or its keys.json is gone`);
    throw new KeyFileError(`cannot read the key file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_KEY_FILE_BYTES) throw new KeyFileError(`the key file ${path} is damaged: it is ${size} bytes, far more than a key file holds`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export function parseKeyFile(bytes: Buffer, path: string): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new KeyFileError(`the key file ${path} is damaged: it is not valid JSON`);
  }
  // Look at format and version before the rest, so a newer file gets "update ClipShot", not a list of field errors.
  const header = z.looseObject({ format: z.string(), version: z.number() }).safeParse(json);
  if (!header.success || header.data.format !== KEY_FILE_FORMAT) {
    throw new KeyFileError(`the file ${path} is not a ClipShot key file`);
  }
  if (header.data.version !== KEY_FILE_VERSION) {
    const advice = header.data.version > KEY_FILE_VERSION ? 'it was written by a newer ClipShot; update ClipShot to open this library' : 'this version is not supported';
    throw new KeyFileError(`the key file ${path} has version ${header.data.version}, this ClipShot reads version ${KEY_FILE_VERSION}: ${advice}`);
  }
  const result = keyFileSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
    throw new KeyFileError(`the key file ${path} is damaged: ${issues.slice(0, 3).join('; ')}`);
  }
  return result.data;
}

export function serializeKeyFile(file: KeyFile): string {
  return `${JSON.stringify(keyFileSchema.parse(file), null, 2)}\n`;
}

/** Writes a new key file; never replaces an existing one (that would lose the only wrapped copies of a key). */
export async function writeNewKeyFile(path: string, file: KeyFile): Promise<void> {
  try {
    await writeFileAtomic(path, serializeKeyFile(file), { exclusive: true });
  } catch (error) {
    if (isErrno(error, 'EEXIST')) throw new KeyFileError(`a key file already exists at ${path}; refusing to overwrite it`);
    throw error;
  }
}

/**
 * Replaces the key file after checking it still holds `expected`, so that two processes changing
 * slots at once cannot silently drop each other's slot. (The window between check and rename is
 * small, not zero: callers serialise within a process.)
 */
export async function replaceKeyFile(path: string, expected: Buffer, file: KeyFile): Promise<void> {
  const serialized = serializeKeyFile(file);
  const current = await readKeyFileBytes(path);
  if (!current.equals(expected)) throw new KeyFileError(`the key file ${path} was changed by someone else meanwhile; try again`);
  await writeFileAtomic(path, serialized);
}

function isCanonicalBase64(text: string, length: number): boolean {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === length && bytes.toString('base64') === text;
}
