import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import nodePath from 'node:path';
import { KeyFileError, KeySlotError, LibraryKeyMismatchError, NoUnlockMethodError, WrongPassphraseError } from './key-errors.js';
import { KEY_FILE_FORMAT, KEY_FILE_VERSION, LIBRARY_KEY_LENGTH, MAX_SLOTS, SCRYPT_SALT_LENGTH, loadKeyFile, replaceKeyFile, writeNewKeyFile } from './key-file.js';
import type { KeyFile, KeySlot, KeychainSlot, LoadedKeyFile, PassphraseSlot } from './key-file.js';
import { isLibraryKey, libraryKeyCheck, unwrapLibraryKey, wrapLibraryKey } from './key-wrapping.js';
import { PRODUCTION_SCRYPT_COST, assertPassphraseNotEmpty, checkScryptCost, derivePassphraseKeys, passphraseMatches } from './passphrase-kdf.js';
import type { ScryptCost } from './passphrase-kdf.js';
import { keychainAccount } from './secret-store.js';
import type { SecretStore } from './secret-store.js';

export { KeyFileError, KeySlotError, LibraryKeyMismatchError, NoUnlockMethodError, WrongPassphraseError, EmptyPassphraseError } from './key-errors.js';
export { PRODUCTION_SCRYPT_COST } from './passphrase-kdf.js';
export type { ScryptCost } from './passphrase-kdf.js';

export interface KeySlotInfo {
  id: string;
  method: 'passphrase' | 'keychain';
  createdAt: number;
  label: string;
}

const PASSPHRASE_LABEL = 'Passphrase';

/**
 * Creates the key file of a new library: a random library key, wrapped by a passphrase and/or a
 * secret in `secretStore`. `scryptCost` lower than the production default is for unit tests only.
 */
export async function createKeyFile(path: string, options: { passphrase?: string; secretStore?: SecretStore; scryptCost?: ScryptCost }): Promise<{ libraryId: string; libraryKey: Buffer }> {
  if (options.passphrase === undefined && options.secretStore === undefined) {
    throw new NoUnlockMethodError('a new library needs at least one unlock method: a passphrase or the OS keychain');
  }
  if (options.passphrase !== undefined) assertPassphraseNotEmpty(options.passphrase);
  // Checked first only to fail before the slow scrypt run; the exclusive write below is what guarantees it.
  if (await fs.access(path).then(() => true, () => false)) throw new KeyFileError(`a key file already exists at ${path}; refusing to overwrite it`);

  const libraryId = randomUUID();
  const libraryKey = randomBytes(LIBRARY_KEY_LENGTH);
  const slots: KeySlot[] = [];
  if (options.passphrase !== undefined) slots.push(await makePassphraseSlot(libraryId, libraryKey, options.passphrase, options.scryptCost ?? PRODUCTION_SCRYPT_COST));
  let keychainSlot: KeychainSlot | undefined;
  if (options.secretStore !== undefined) {
    keychainSlot = await makeKeychainSlot(libraryId, libraryKey, options.secretStore);
    slots.push(keychainSlot);
  }
  const file: KeyFile = { format: KEY_FILE_FORMAT, version: KEY_FILE_VERSION, libraryId, keyCheck: libraryKeyCheck(libraryKey, libraryId).toString('base64'), slots };
  try {
    await writeNewKeyFile(path, file);
  } catch (error) {
    if (keychainSlot !== undefined && options.secretStore !== undefined) await forgetSecret(options.secretStore, libraryId, keychainSlot.id);
    throw error;
  }
  return { libraryId, libraryKey };
}

export async function unlockWithPassphrase(path: string, passphrase: string): Promise<Buffer> {
  assertPassphraseNotEmpty(passphrase);
  const { file } = await loadKeyFile(path);
  const found = await findPassphraseSlot(file, passphrase, path);
  if (found === null) throw new WrongPassphraseError();
  return found.libraryKey;
}

export async function unlockWithSecretStore(path: string, store: SecretStore): Promise<Buffer> {
  const { file } = await loadKeyFile(path);
  const slots = file.slots.filter((slot): slot is KeychainSlot => slot.method === 'keychain');
  if (slots.length === 0) throw new NoUnlockMethodError('this library has no keychain unlock method; unlock it with its passphrase');
  let secretsFound = 0;
  for (const slot of slots) {
    const secret = await store.get(keychainAccount(file.libraryId, slot.id));
    if (secret === null) continue;
    secretsFound++;
    const wrappingKey = Buffer.from(secret, 'base64');
    const libraryKey = wrappingKey.length === LIBRARY_KEY_LENGTH ? unwrapLibraryKey(slot.wrappedKey, wrappingKey, bindingOf(file, slot)) : null;
    wrappingKey.fill(0);
    if (libraryKey !== null) return checkedLibraryKey(file, slot, libraryKey, path);
  }
  if (secretsFound === 0) throw new NoUnlockMethodError(`the OS keychain (${store.name}) holds no secret for this library; unlock it with its passphrase`);
  throw new NoUnlockMethodError(`the secret in the OS keychain (${store.name}) does not open this library's key file; unlock it with its passphrase`);
}

export async function readKeySlots(path: string): Promise<{ libraryId: string; slots: KeySlotInfo[] }> {
  const { file } = await loadKeyFile(path);
  return { libraryId: file.libraryId, slots: file.slots.map(slotInfo) };
}

export async function addPassphraseSlot(path: string, libraryKey: Buffer, passphrase: string, cost: ScryptCost = PRODUCTION_SCRYPT_COST): Promise<KeySlotInfo> {
  assertPassphraseNotEmpty(passphrase);
  return updateKeyFile(path, async ({ file, bytes }) => {
    requireLibraryKey(file, libraryKey);
    requireRoom(file);
    const slot = await makePassphraseSlot(file.libraryId, libraryKey, passphrase, cost);
    await replaceKeyFile(path, bytes, { ...file, slots: [...file.slots, slot] });
    return slotInfo(slot);
  });
}

export async function addKeychainSlot(path: string, libraryKey: Buffer, store: SecretStore): Promise<KeySlotInfo> {
  return updateKeyFile(path, async ({ file, bytes }) => {
    requireLibraryKey(file, libraryKey);
    requireRoom(file);
    const slot = await makeKeychainSlot(file.libraryId, libraryKey, store);
    try {
      await replaceKeyFile(path, bytes, { ...file, slots: [...file.slots, slot] });
    } catch (error) {
      await forgetSecret(store, file.libraryId, slot.id);
      throw error;
    }
    return slotInfo(slot);
  });
}

/** Re-wraps the library key under a new passphrase in the slot the old one opens; the library key itself stays. */
export async function changePassphrase(path: string, oldPassphrase: string, newPassphrase: string, cost: ScryptCost = PRODUCTION_SCRYPT_COST): Promise<void> {
  assertPassphraseNotEmpty(oldPassphrase);
  assertPassphraseNotEmpty(newPassphrase);
  checkScryptCost(cost);
  await updateKeyFile(path, async ({ file, bytes }) => {
    const found = await findPassphraseSlot(file, oldPassphrase, path);
    if (found === null) throw new WrongPassphraseError();
    try {
      const replacement = await makePassphraseSlot(file.libraryId, found.libraryKey, newPassphrase, cost, found.slot);
      await replaceKeyFile(path, bytes, { ...file, slots: file.slots.map((slot) => (slot.id === found.slot.id ? replacement : slot)) });
    } finally {
      found.libraryKey.fill(0);
    }
  });
}

/**
 * Key rotation's new key file (not written): the same library and slots, each slot wrapping
 * `newKey` instead. A passphrase slot can only be re-wrapped by its own passphrase and a keychain
 * slot only with its secret from `store`, so a slot neither opens is refused by id, before
 * anything changes: remove it first, or give what opens it.
 */
export async function rewrapSlotsForRotation(path: string, oldKey: Buffer, newKey: Buffer, secrets: { passphrase?: string | null; store?: SecretStore | null }): Promise<KeyFile> {
  const { file } = await loadKeyFile(path);
  requireLibraryKey(file, oldKey);
  const slots: KeySlot[] = [];
  const unopened: string[] = [];
  for (const slot of file.slots) {
    if (slot.method === 'passphrase') {
      const opens = secrets.passphrase ? passphraseMatches(await derivePassphraseKeysZeroed(secrets.passphrase, slot), Buffer.from(slot.kdf.check, 'base64')) : false;
      if (!opens || !secrets.passphrase) unopened.push(`${slot.id} (a passphrase other than the one given)`);
      else slots.push(await makePassphraseSlot(file.libraryId, newKey, secrets.passphrase, slot.kdf.cost, slot));
      continue;
    }
    const secret = secrets.store ? await secrets.store.get(keychainAccount(file.libraryId, slot.id)) : null;
    const wrappingKey = secret === null ? null : Buffer.from(secret, 'base64');
    if (wrappingKey === null || wrappingKey.length !== LIBRARY_KEY_LENGTH || unwrapLibraryKey(slot.wrappedKey, wrappingKey, bindingOf(file, slot)) === null) {
      unopened.push(`${slot.id} (an OS keychain secret not reachable here)`);
    } else slots.push({ ...slot, wrappedKey: wrapLibraryKey(newKey, wrappingKey, bindingOf(file, slot)) });
    wrappingKey?.fill(0);
  }
  if (unopened.length > 0) throw new KeySlotError(`cannot re-wrap every unlock method for the new key: ${unopened.join(', ')}; remove those (clipshot keys remove SLOT) or rotate where they open`);
  return { ...file, keyCheck: libraryKeyCheck(newKey, file.libraryId).toString('base64'), slots };
}

/** The passphrase keys of a slot; the wrapping key is zeroed at once (only the check is compared). */
async function derivePassphraseKeysZeroed(passphrase: string, slot: PassphraseSlot) {
  const keys = await derivePassphraseKeys(passphrase, Buffer.from(slot.kdf.salt, 'base64'), slot.kdf.cost);
  keys.wrappingKey.fill(0);
  return keys;
}

/**
 * Removes one unlock method. Holding the library key is the proof of being allowed to; the last
 * method cannot go. A keychain slot's secret is deleted from `store` after the file no longer
 * needs it; without a store (keychain unreachable) only the slot goes and the secret stays behind.
 */
export async function removeSlot(path: string, slotId: string, libraryKey: Buffer, store?: SecretStore): Promise<void> {
  const removed = await updateKeyFile(path, async ({ file, bytes }) => {
    requireLibraryKey(file, libraryKey);
    const slot = file.slots.find((candidate) => candidate.id === slotId);
    if (slot === undefined) throw new KeySlotError(`this library has no unlock method with id ${slotId}`);
    if (file.slots.length === 1) throw new KeySlotError('cannot remove the only unlock method: add another one first, or the library could never be opened again');
    await replaceKeyFile(path, bytes, { ...file, slots: file.slots.filter((candidate) => candidate.id !== slotId) });
    return { libraryId: file.libraryId, slot };
  });
  if (removed.slot.method === 'keychain' && store !== undefined) await store.delete(keychainAccount(removed.libraryId, removed.slot.id));
}

async function makePassphraseSlot(libraryId: string, libraryKey: Buffer, passphrase: string, cost: ScryptCost, replacing?: PassphraseSlot): Promise<PassphraseSlot> {
  const checkedCost = checkScryptCost(cost);
  const id = replacing?.id ?? newSlotId();
  const salt = randomBytes(SCRYPT_SALT_LENGTH);
  const keys = await derivePassphraseKeys(passphrase, salt, checkedCost);
  try {
    return {
      id,
      method: 'passphrase',
      label: replacing?.label ?? PASSPHRASE_LABEL,
      createdAt: replacing?.createdAt ?? Date.now(),
      kdf: { name: 'scrypt', salt: salt.toString('base64'), cost: { N: checkedCost.N, r: checkedCost.r, p: checkedCost.p }, check: keys.check.toString('base64') },
      wrappedKey: wrapLibraryKey(libraryKey, keys.wrappingKey, { libraryId, slotId: id, method: 'passphrase' }),
    };
  } finally {
    keys.wrappingKey.fill(0);
  }
}

/** Puts a fresh random secret in the keychain under this slot's account; the slot holds the key wrapped by it. */
async function makeKeychainSlot(libraryId: string, libraryKey: Buffer, store: SecretStore): Promise<KeychainSlot> {
  const id = newSlotId();
  const secret = randomBytes(LIBRARY_KEY_LENGTH);
  try {
    await store.set(keychainAccount(libraryId, id), secret.toString('base64'));
    return {
      id,
      method: 'keychain',
      label: `OS keychain (${store.name})`,
      createdAt: Date.now(),
      store: store.name,
      wrappedKey: wrapLibraryKey(libraryKey, secret, { libraryId, slotId: id, method: 'keychain' }),
    };
  } finally {
    secret.fill(0);
  }
}

/**
 * The passphrase slot this passphrase opens, or null when it opens none. A slot whose check value
 * matches but whose key does not decrypt is damaged, which is a different thing from a wrong passphrase.
 */
async function findPassphraseSlot(file: KeyFile, passphrase: string, path: string): Promise<{ slot: PassphraseSlot; libraryKey: Buffer } | null> {
  const slots = file.slots.filter((slot): slot is PassphraseSlot => slot.method === 'passphrase');
  if (slots.length === 0) throw new NoUnlockMethodError('this library has no passphrase; unlock it through the OS keychain');
  for (const slot of slots) {
    const keys = await derivePassphraseKeys(passphrase, Buffer.from(slot.kdf.salt, 'base64'), slot.kdf.cost);
    try {
      if (!passphraseMatches(keys, Buffer.from(slot.kdf.check, 'base64'))) continue;
      const libraryKey = unwrapLibraryKey(slot.wrappedKey, keys.wrappingKey, bindingOf(file, slot));
      if (libraryKey === null) throw new KeyFileError(`the key file ${path} is damaged: the passphrase is right but its slot ${slot.id} does not decrypt`);
      return { slot, libraryKey: checkedLibraryKey(file, slot, libraryKey, path) };
    } finally {
      keys.wrappingKey.fill(0);
    }
  }
  return null;
}

function checkedLibraryKey(file: KeyFile, slot: KeySlot, libraryKey: Buffer, path: string): Buffer {
  if (isLibraryKey(libraryKey, file.libraryId, file.keyCheck)) return libraryKey;
  libraryKey.fill(0);
  throw new KeyFileError(`the key file ${path} is damaged: slot ${slot.id} holds a key that is not this library's`);
}

function requireLibraryKey(file: KeyFile, libraryKey: Buffer): void {
  if (!isLibraryKey(libraryKey, file.libraryId, file.keyCheck)) throw new LibraryKeyMismatchError();
}

function requireRoom(file: KeyFile): void {
  if (file.slots.length >= MAX_SLOTS) throw new KeySlotError(`this library already has ${MAX_SLOTS} unlock methods; remove one first`);
}

async function forgetSecret(store: SecretStore, libraryId: string, slotId: string): Promise<void> {
  // Best effort while another error is already on its way to the caller.
  await store.delete(keychainAccount(libraryId, slotId)).catch(() => false);
}

function bindingOf(file: KeyFile, slot: KeySlot) {
  return { libraryId: file.libraryId, slotId: slot.id, method: slot.method };
}

function slotInfo(slot: KeySlot): KeySlotInfo {
  return { id: slot.id, method: slot.method, createdAt: slot.createdAt, label: slot.label };
}

function newSlotId(): string {
  return randomBytes(8).toString('hex');
}

/*
 * Slot changes are read-modify-write; one queue per key file keeps two changes in this process
 * from both starting from the same old file (the second would drop the first's slot).
 */
const queues = new Map<string, Promise<unknown>>();

async function updateKeyFile<T>(path: string, change: (loaded: LoadedKeyFile) => Promise<T>): Promise<T> {
  const key = nodePath.resolve(path);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => change(await loadKeyFile(path)));
  queues.set(key, run);
  try {
    return await run;
  } finally {
    if (queues.get(key) === run) queues.delete(key);
  }
}
