import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyFileError, loadKeyFile, replaceKeyFile } from '../../../main/security/key-file.js';
import { createKeyFile, readKeySlots, unlockWithPassphrase } from '../../../main/security/key-slots.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { tempDir } from '../../helpers/temp.js';

const cheap = { N: 1024, r: 8, p: 1 };
type Json = Record<string, unknown> & { slots: Array<Record<string, unknown>> };

async function validKeyFile(): Promise<{ keyPath: string; json: Json }> {
  const keyPath = path.join(await tempDir(), 'keys.json');
  await createKeyFile(keyPath, { passphrase: 'p', secretStore: new MemorySecretStore(), scryptCost: cheap });
  return { keyPath, json: JSON.parse(await fs.readFile(keyPath, 'utf8')) as Json };
}

async function readingFails(keyPath: string, content: unknown): Promise<unknown> {
  await fs.writeFile(keyPath, typeof content === 'string' ? content : JSON.stringify(content));
  return readKeySlots(keyPath).then(() => 'no error', (error: unknown) => error);
}

describe('the key file format', () => {
  it('is versioned JSON holding the library id, a key check value and one entry per slot, binary fields in base64', async () => {
    const { json } = await validKeyFile();
    const b64 = (bytes: number) => expect.stringMatching(new RegExp(`^[A-Za-z0-9+/]{${4 * Math.floor(bytes / 3)}}[A-Za-z0-9+/=]{0,4}$`));
    const wrappedKey = { cipher: 'aes-256-gcm', iv: b64(12), ciphertext: b64(32), tag: b64(16) };

    expect(json).toEqual({
      format: 'clipshot-keys',
      version: 1,
      libraryId: expect.any(String),
      keyCheck: b64(32),
      slots: [
        { id: expect.any(String), method: 'passphrase', label: 'Passphrase', createdAt: expect.any(Number), kdf: { name: 'scrypt', salt: b64(32), cost: cheap, check: b64(16) }, wrappedKey },
        { id: expect.any(String), method: 'keychain', label: 'OS keychain (memory)', createdAt: expect.any(Number), store: 'memory', wrappedKey },
      ],
    });
  });
});

describe('reading a key file', () => {
  it('names a missing file in plain words', async () => {
    const keyPath = path.join(await tempDir(), 'keys.json');
    await expect(readKeySlots(keyPath)).rejects.toThrow(new KeyFileError(`no key file at ${keyPath}: this is not an encrypted ClipShot library, or its keys.json is gone`));
  });

  it('says a truncated or non-JSON file is damaged', async () => {
    const { keyPath } = await validKeyFile();
    const text = await fs.readFile(keyPath, 'utf8');
    expect(await readingFails(keyPath, text.slice(0, text.length / 2))).toEqual(new KeyFileError(`the key file ${keyPath} is damaged: it is not valid JSON`));
    expect(await readingFails(keyPath, '')).toEqual(new KeyFileError(`the key file ${keyPath} is damaged: it is not valid JSON`));
  });

  it('says when a file is not a key file at all', async () => {
    const { keyPath } = await validKeyFile();
    expect(await readingFails(keyPath, { hello: 'world' })).toEqual(new KeyFileError(`the file ${keyPath} is not a ClipShot key file`));
    expect(await readingFails(keyPath, [1, 2])).toBeInstanceOf(KeyFileError);
  });

  it('asks for a newer ClipShot when the version is newer, before looking at any other field', async () => {
    const { keyPath } = await validKeyFile();
    expect(await readingFails(keyPath, { format: 'clipshot-keys', version: 2, somethingNew: true })).toEqual(
      new KeyFileError(`the key file ${keyPath} has version 2, this ClipShot reads version 1: it was written by a newer ClipShot; update ClipShot to open this library`),
    );
  });

  it('names the damaged field', async () => {
    const { keyPath, json } = await validKeyFile();
    const withSlot = (change: (slot: Record<string, unknown>) => void) => {
      const copy = structuredClone(json);
      change(copy.slots[0]!);
      return copy;
    };
    const cases: Array<[unknown, RegExp]> = [
      [withSlot((slot) => { (slot.wrappedKey as Record<string, unknown>).iv = Buffer.alloc(8).toString('base64'); }), /slots\.0\.wrappedKey\.iv: must be 12 bytes in base64/],
      [withSlot((slot) => { (slot.wrappedKey as Record<string, unknown>).tag = 'not base64!'; }), /slots\.0\.wrappedKey\.tag: must be 16 bytes in base64/],
      [withSlot((slot) => { slot.method = 'fingerprint'; }), /slots\.0\.method/],
      [withSlot((slot) => { slot.extra = 1; }), /slots\.0: .*extra/i],
      [withSlot((slot) => { (slot.kdf as { cost: { N: number } }).cost.N = 2 ** 24; }), /slots\.0\.kdf\.cost\.N/],
      [withSlot((slot) => { (slot.kdf as { cost: { N: number } }).cost.N = 3000; }), /slots\.0\.kdf\.cost\.N: must be a power of two/],
      [withSlot((slot) => { slot.id = json.slots[1]!.id; }), /slots: slot ids must be unique/],
      [{ ...json, slots: [] }, /slots: must hold at least one unlock method/],
      [{ ...json, libraryId: 'library-1' }, /libraryId: /],
      [{ ...json, keyCheck: undefined }, /keyCheck: /],
    ];
    for (const [content, message] of cases) {
      const error = await readingFails(keyPath, content);
      expect(error).toBeInstanceOf(KeyFileError);
      expect((error as Error).message).toMatch(new RegExp(`^the key file ${keyPath} is damaged: `));
      expect((error as Error).message).toMatch(message);
    }
  });

  it('refuses a file far too large to be a key file without parsing it', async () => {
    const { keyPath } = await validKeyFile();
    expect(await readingFails(keyPath, ' '.repeat(300 * 1024))).toEqual(new KeyFileError(`the key file ${keyPath} is damaged: it is ${300 * 1024} bytes, far more than a key file holds`));
  });
});

describe('replacing a key file', () => {
  it('refuses when someone else changed the file since it was read', async () => {
    const { keyPath } = await validKeyFile();
    const loaded = await loadKeyFile(keyPath);
    await fs.appendFile(keyPath, '\n');
    const changed = await fs.readFile(keyPath);

    await expect(replaceKeyFile(keyPath, loaded.bytes, { ...loaded.file, slots: loaded.file.slots.slice(1) })).rejects.toThrow(`the key file ${keyPath} was changed by someone else meanwhile; try again`);
    expect((await fs.readFile(keyPath)).equals(changed)).toBe(true);
    expect(await unlockWithPassphrase(keyPath, 'p')).toHaveLength(32);
  });

  it('replaces atomically: the new content under the old name, no temporary file left', async () => {
    const { keyPath } = await validKeyFile();
    const loaded = await loadKeyFile(keyPath);
    await replaceKeyFile(keyPath, loaded.bytes, { ...loaded.file, slots: loaded.file.slots.slice(0, 1) });
    expect((await readKeySlots(keyPath)).slots.map((slot) => slot.method)).toEqual(['passphrase']);
    expect(await fs.readdir(path.dirname(keyPath))).toEqual(['keys.json']);
    expect((await fs.stat(keyPath)).mode & 0o777).toBe(0o600);
  });
});
