import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EmptyPassphraseError, KeyFileError, KeySlotError, LibraryKeyMismatchError, NoUnlockMethodError, WrongPassphraseError,
  addKeychainSlot, addPassphraseSlot, changePassphrase, createKeyFile, readKeySlots, removeSlot, unlockWithPassphrase, unlockWithSecretStore,
} from '../../../main/security/key-slots.js';
import type { ScryptCost } from '../../../main/security/key-slots.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { tempDir } from '../../helpers/temp.js';

// Unit tests only: production uses N = 2^17 (see production-scrypt-cost.test.ts).
const cheap: ScryptCost = { N: 1024, r: 8, p: 1 };

async function keyPathIn(): Promise<string> {
  return path.join(await tempDir(), 'keys.json');
}

async function readJson(keyPath: string): Promise<{ libraryId: string; slots: Array<Record<string, unknown> & { id: string }> } & Record<string, unknown>> {
  return JSON.parse(await fs.readFile(keyPath, 'utf8')) as never;
}

async function writeJson(keyPath: string, value: unknown): Promise<void> {
  await fs.writeFile(keyPath, JSON.stringify(value, null, 2));
}

describe('createKeyFile and unlocking with a passphrase', () => {
  it('wraps a random 32-byte key that only the passphrase opens, and never writes the key or the passphrase', async () => {
    const keyPath = await keyPathIn();
    const { libraryId, libraryKey } = await createKeyFile(keyPath, { passphrase: 'correct horse', scryptCost: cheap });

    expect(libraryKey).toHaveLength(32);
    expect(libraryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await unlockWithPassphrase(keyPath, 'correct horse')).toEqual(libraryKey);
    const text = await fs.readFile(keyPath, 'utf8');
    for (const secret of [libraryKey.toString('base64'), libraryKey.toString('hex'), 'correct horse']) expect(text).not.toContain(secret);
    expect((await fs.stat(keyPath)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(path.dirname(keyPath))).toEqual(['keys.json']);

    const { libraryId: listedId, slots } = await readKeySlots(keyPath);
    expect(listedId).toBe(libraryId);
    expect(slots).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{16}$/), method: 'passphrase', label: 'Passphrase', createdAt: expect.any(Number) }]);
  });

  it('gives every library its own key', async () => {
    const first = await createKeyFile(await keyPathIn(), { passphrase: 'same', scryptCost: cheap });
    const second = await createKeyFile(await keyPathIn(), { passphrase: 'same', scryptCost: cheap });
    expect(first.libraryKey.equals(second.libraryKey)).toBe(false);
    expect(first.libraryId).not.toBe(second.libraryId);
  });

  it('says "wrong passphrase" for a wrong passphrase, and rejects an empty one everywhere', async () => {
    const keyPath = await keyPathIn();
    const { libraryKey } = await createKeyFile(keyPath, { passphrase: 'right', scryptCost: cheap });

    await expect(unlockWithPassphrase(keyPath, 'wrong')).rejects.toThrow(new WrongPassphraseError());
    await expect(unlockWithPassphrase(keyPath, 'wrong')).rejects.toThrow(/^wrong passphrase$/);
    await expect(unlockWithPassphrase(keyPath, '')).rejects.toBeInstanceOf(EmptyPassphraseError);
    await expect(createKeyFile(await keyPathIn(), { passphrase: '', scryptCost: cheap })).rejects.toThrow('the passphrase must not be empty');
    await expect(addPassphraseSlot(keyPath, libraryKey, '', cheap)).rejects.toBeInstanceOf(EmptyPassphraseError);
    await expect(changePassphrase(keyPath, 'right', '', cheap)).rejects.toBeInstanceOf(EmptyPassphraseError);
  });

  it('treats a passphrase typed in decomposed Unicode (as macOS may send it) as the same passphrase', async () => {
    const keyPath = await keyPathIn();
    const { libraryKey } = await createKeyFile(keyPath, { passphrase: 'caf\u00e9', scryptCost: cheap });
    expect(await unlockWithPassphrase(keyPath, 'cafe\u0301')).toEqual(libraryKey);
  });

  it('refuses scrypt costs that are not a power of two, too weak, or too expensive', async () => {
    const keyPath = await keyPathIn();
    await expect(createKeyFile(keyPath, { passphrase: 'p', scryptCost: { N: 1000, r: 8, p: 1 } })).rejects.toThrow(/must be a power of two/);
    await expect(createKeyFile(keyPath, { passphrase: 'p', scryptCost: { N: 2 ** 8, r: 8, p: 1 } })).rejects.toBeInstanceOf(RangeError);
    await expect(createKeyFile(keyPath, { passphrase: 'p', scryptCost: { N: 2 ** 20, r: 8, p: 1 } })).rejects.toThrow(/needs more than 512 MiB/);
    await expect(fs.access(keyPath)).rejects.toThrow(/ENOENT/);
  });

  it('requires an unlock method and never overwrites an existing key file', async () => {
    const keyPath = await keyPathIn();
    await expect(createKeyFile(keyPath, {})).rejects.toBeInstanceOf(NoUnlockMethodError);
    await createKeyFile(keyPath, { passphrase: 'first', scryptCost: cheap });
    const before = await fs.readFile(keyPath);

    await expect(createKeyFile(keyPath, { passphrase: 'second', scryptCost: cheap })).rejects.toThrow(`a key file already exists at ${keyPath}; refusing to overwrite it`);
    expect((await fs.readFile(keyPath)).equals(before)).toBe(true);
  });

  it('lets exactly one of two simultaneous creations win, and leaves no keychain secret for the loser', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const outcomes = await Promise.allSettled([
      createKeyFile(keyPath, { secretStore: store }),
      createKeyFile(keyPath, { secretStore: store }),
    ]);
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const losers = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers.map((loser) => loser.reason)).toEqual([expect.any(KeyFileError)]);
    expect(await unlockWithSecretStore(keyPath, store)).toEqual(winners[0]!.value.libraryKey);
    const { libraryId, slots } = await readKeySlots(keyPath);
    expect(await store.get(`library:${libraryId}:${slots[0]!.id}`)).not.toBeNull();
    expect(store.size).toBe(1);
    expect(await fs.readdir(path.dirname(keyPath))).toEqual(['keys.json']);
  });
});

describe('keychain slots (with the in-memory SecretStore)', () => {
  it('keeps a random 32-byte secret under "library:<libraryId>:<slotId>" and unlocks with it', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryId, libraryKey } = await createKeyFile(keyPath, { secretStore: store });
    const [slot] = (await readKeySlots(keyPath)).slots;

    expect(slot).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), method: 'keychain', label: 'OS keychain (memory)', createdAt: expect.any(Number) });
    const secret = await store.get(`library:${libraryId}:${slot!.id}`);
    expect(Buffer.from(secret ?? '', 'base64')).toHaveLength(32);
    expect(await fs.readFile(keyPath, 'utf8')).not.toContain(secret);
    expect(await unlockWithSecretStore(keyPath, store)).toEqual(libraryKey);
  });

  it('reports NoUnlockMethodError when the keychain has no secret, a wrong one, or the library has no such method', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryId } = await createKeyFile(keyPath, { secretStore: store });
    const [slot] = (await readKeySlots(keyPath)).slots;

    await expect(unlockWithSecretStore(keyPath, new MemorySecretStore())).rejects.toThrow('the OS keychain (memory) holds no secret for this library; unlock it with its passphrase');
    await store.set(`library:${libraryId}:${slot!.id}`, Buffer.alloc(32, 7).toString('base64'));
    await expect(unlockWithSecretStore(keyPath, store)).rejects.toThrow("the secret in the OS keychain (memory) does not open this library's key file; unlock it with its passphrase");
    await expect(unlockWithPassphrase(keyPath, 'anything')).rejects.toThrow(new NoUnlockMethodError('this library has no passphrase; unlock it through the OS keychain'));

    const passphraseOnly = await keyPathIn();
    await createKeyFile(passphraseOnly, { passphrase: 'p', scryptCost: cheap });
    await expect(unlockWithSecretStore(passphraseOnly, store)).rejects.toBeInstanceOf(NoUnlockMethodError);
  });

  it('opens the same key through either method when created with both', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryKey } = await createKeyFile(keyPath, { passphrase: 'both', secretStore: store, scryptCost: cheap });
    expect((await readKeySlots(keyPath)).slots.map((slot) => slot.method)).toEqual(['passphrase', 'keychain']);
    expect(await unlockWithPassphrase(keyPath, 'both')).toEqual(libraryKey);
    expect(await unlockWithSecretStore(keyPath, store)).toEqual(libraryKey);
  });
});

describe('adding, changing and removing slots', () => {
  it('adds a second passphrase and a keychain slot, each opening the same key', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryKey } = await createKeyFile(keyPath, { passphrase: 'one', scryptCost: cheap });

    const added = await addPassphraseSlot(keyPath, libraryKey, 'two', cheap);
    const keychain = await addKeychainSlot(keyPath, libraryKey, store);

    expect(added.method).toBe('passphrase');
    expect(keychain.method).toBe('keychain');
    expect((await readKeySlots(keyPath)).slots.map((slot) => slot.id).slice(1)).toEqual([added.id, keychain.id]);
    expect(await unlockWithPassphrase(keyPath, 'one')).toEqual(libraryKey);
    expect(await unlockWithPassphrase(keyPath, 'two')).toEqual(libraryKey);
    expect(await unlockWithSecretStore(keyPath, store)).toEqual(libraryKey);
  });

  it('refuses to add a slot for a key that is not this library\'s, leaving file and keychain untouched', async () => {
    const keyPath = await keyPathIn();
    await createKeyFile(keyPath, { passphrase: 'one', scryptCost: cheap });
    const before = await fs.readFile(keyPath);
    const store = new MemorySecretStore();
    const otherKey = (await createKeyFile(await keyPathIn(), { passphrase: 'x', scryptCost: cheap })).libraryKey;

    await expect(addPassphraseSlot(keyPath, otherKey, 'two', cheap)).rejects.toThrow(new LibraryKeyMismatchError());
    await expect(addKeychainSlot(keyPath, otherKey, store)).rejects.toBeInstanceOf(LibraryKeyMismatchError);
    await expect(addPassphraseSlot(keyPath, Buffer.alloc(16), 'two', cheap)).rejects.toBeInstanceOf(LibraryKeyMismatchError);
    expect((await fs.readFile(keyPath)).equals(before)).toBe(true);
    expect(store.size).toBe(0);
  });

  it('keeps both slots when two are added at the same time', async () => {
    const keyPath = await keyPathIn();
    const { libraryKey } = await createKeyFile(keyPath, { passphrase: 'one', scryptCost: cheap });
    await Promise.all([addPassphraseSlot(keyPath, libraryKey, 'two', cheap), addPassphraseSlot(keyPath, libraryKey, 'three', cheap)]);
    expect((await readKeySlots(keyPath)).slots).toHaveLength(3);
    expect(await unlockWithPassphrase(keyPath, 'two')).toEqual(libraryKey);
    expect(await unlockWithPassphrase(keyPath, 'three')).toEqual(libraryKey);
  });

  it('changes a passphrase by re-wrapping the same key in the same slot, leaving the other slots alone', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryKey } = await createKeyFile(keyPath, { passphrase: 'old', secretStore: store, scryptCost: cheap });
    await addPassphraseSlot(keyPath, libraryKey, 'other', cheap);
    const before = await readJson(keyPath);

    await changePassphrase(keyPath, 'old', 'new', { N: 2048, r: 8, p: 1 });

    const after = await readJson(keyPath);
    expect(after.slots.map((slot) => slot.id)).toEqual(before.slots.map((slot) => slot.id));
    expect(after.slots[0]!.createdAt).toBe(before.slots[0]!.createdAt);
    expect(after.slots[0]!.kdf).not.toEqual(before.slots[0]!.kdf);
    expect((after.slots[0]!.kdf as { cost: ScryptCost }).cost).toEqual({ N: 2048, r: 8, p: 1 });
    expect(after.slots.slice(1)).toEqual(before.slots.slice(1));
    await expect(unlockWithPassphrase(keyPath, 'old')).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(await unlockWithPassphrase(keyPath, 'new')).toEqual(libraryKey);
    expect(await unlockWithPassphrase(keyPath, 'other')).toEqual(libraryKey);
    expect(await unlockWithSecretStore(keyPath, store)).toEqual(libraryKey);
  });

  it('leaves the key file byte-for-byte unchanged when the old passphrase is wrong', async () => {
    const keyPath = await keyPathIn();
    await createKeyFile(keyPath, { passphrase: 'old', scryptCost: cheap });
    const before = await fs.readFile(keyPath);
    const statBefore = await fs.stat(keyPath);

    await expect(changePassphrase(keyPath, 'not it', 'new', cheap)).rejects.toThrow(new WrongPassphraseError());

    expect((await fs.readFile(keyPath)).equals(before)).toBe(true);
    expect((await fs.stat(keyPath)).ino).toBe(statBefore.ino);
  });

  it('removes a keychain slot and its secret, and a passphrase slot so that passphrase stops working', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryId, libraryKey } = await createKeyFile(keyPath, { passphrase: 'keep', secretStore: store, scryptCost: cheap });
    const extra = await addPassphraseSlot(keyPath, libraryKey, 'drop', cheap);
    const keychainSlot = (await readKeySlots(keyPath)).slots.find((slot) => slot.method === 'keychain')!;

    expect(store.size).toBe(1);
    await removeSlot(keyPath, keychainSlot.id, libraryKey, store);
    expect(await store.get(`library:${libraryId}:${keychainSlot.id}`)).toBeNull();
    expect(store.size).toBe(0);
    await expect(unlockWithSecretStore(keyPath, store)).rejects.toBeInstanceOf(NoUnlockMethodError);

    await removeSlot(keyPath, extra.id, libraryKey);
    await expect(unlockWithPassphrase(keyPath, 'drop')).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(await unlockWithPassphrase(keyPath, 'keep')).toEqual(libraryKey);
    expect((await readKeySlots(keyPath)).slots.map((slot) => slot.method)).toEqual(['passphrase']);
  });

  it('refuses to remove the last slot, an unknown slot, or anything without the library key', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryKey } = await createKeyFile(keyPath, { secretStore: store });
    const [only] = (await readKeySlots(keyPath)).slots;
    const before = await fs.readFile(keyPath);

    await expect(removeSlot(keyPath, only!.id, libraryKey, store)).rejects.toThrow(new KeySlotError('cannot remove the only unlock method: add another one first, or the library could never be opened again'));
    await addPassphraseSlot(keyPath, libraryKey, 'second', cheap);
    const withTwo = await fs.readFile(keyPath);
    await expect(removeSlot(keyPath, '0123456789abcdef', libraryKey, store)).rejects.toThrow('this library has no unlock method with id 0123456789abcdef');
    await expect(removeSlot(keyPath, only!.id, Buffer.alloc(32), store)).rejects.toBeInstanceOf(LibraryKeyMismatchError);

    expect(before.equals(withTwo)).toBe(false);
    expect((await fs.readFile(keyPath)).equals(withTwo)).toBe(true);
    expect(await unlockWithSecretStore(keyPath, store)).toEqual(libraryKey);
  });
});

describe('tampered key files', () => {
  it('tells a damaged slot from a wrong passphrase', async () => {
    const keyPath = await keyPathIn();
    await createKeyFile(keyPath, { passphrase: 'right', scryptCost: cheap });
    const file = await readJson(keyPath);
    const wrapped = file.slots[0]!.wrappedKey as { ciphertext: string };
    const bytes = Buffer.from(wrapped.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    wrapped.ciphertext = bytes.toString('base64');
    await writeJson(keyPath, file);

    await expect(unlockWithPassphrase(keyPath, 'right')).rejects.toThrow(new KeyFileError(`the key file ${keyPath} is damaged: the passphrase is right but its slot ${file.slots[0]!.id} does not decrypt`));
    await expect(unlockWithPassphrase(keyPath, 'wrong')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('rejects a slot moved into another library\'s key file, even with the passphrase that made it', async () => {
    const mine = await keyPathIn();
    const theirs = await keyPathIn();
    await createKeyFile(mine, { passphrase: 'mine', scryptCost: cheap });
    await createKeyFile(theirs, { passphrase: 'theirs', scryptCost: cheap });
    const target = await readJson(theirs);
    target.slots = [(await readJson(mine)).slots[0]!];
    await writeJson(theirs, target);

    await expect(unlockWithPassphrase(theirs, 'mine')).rejects.toThrow(/is damaged: the passphrase is right but its slot .* does not decrypt/);
  });

  it('rejects a slot whose id was changed, so slots cannot be swapped within a file either', async () => {
    const keyPath = await keyPathIn();
    const store = new MemorySecretStore();
    const { libraryId, libraryKey } = await createKeyFile(keyPath, { secretStore: store });
    const file = await readJson(keyPath);
    const oldId = file.slots[0]!.id;
    file.slots[0]!.id = 'ffffffffffffffff';
    await writeJson(keyPath, file);
    await store.set(`library:${libraryId}:ffffffffffffffff`, (await store.get(`library:${libraryId}:${oldId}`))!);

    const outcome = await unlockWithSecretStore(keyPath, store).then((key) => key.equals(libraryKey), (error: unknown) => error);
    expect(outcome).toBeInstanceOf(NoUnlockMethodError);
  });
});
