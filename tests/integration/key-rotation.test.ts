// Key rotation: a new library key re-encrypts the database and re-wraps every slot; every clip
// stays readable, the old key opens nothing, and a rotation stopped part way still opens.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibraryDatabase } from '../../main/library/database.js';
import { importFiles, importText } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { verifyLibrary } from '../../main/library/operations/verify.js';
import { libraryPaths } from '../../main/library/library-paths.js';
import { writeFileAtomic } from '../../main/security/atomic-file.js';
import { serializeKeyFile } from '../../main/security/key-file.js';
import { nextKeyFilePath, rotateLibraryKey } from '../../main/security/key-rotation.js';
import { addPassphraseSlot, readKeySlots, rewrapSlotsForRotation, unlockWithPassphrase, unlockWithSecretStore, type ScryptCost } from '../../main/security/key-slots.js';
import { deriveLibrarySubkeys } from '../../main/security/library-subkeys.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { startServe } from '../helpers/browser.js';
import { runCli, TEST_PASSPHRASE } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const cheap: ScryptCost = { N: 1024, r: 8, p: 1 };
const PASSPHRASE = 'rotate me please';
const CLI = { type: 'cli', id: 'test' } as const;

/** A library with a passphrase and a keychain slot, an image and a text clip. */
async function seeded(): Promise<{ dir: string; store: MemorySecretStore; png: string; ids: string[] }> {
  const work = await tempDir();
  const dir = path.join(work, 'library');
  const store = new MemorySecretStore();
  const library = await Library.create(dir, { secretStore: store });
  const key = await unlockWithSecretStore(libraryPaths(dir).keyFile, store);
  await addPassphraseSlot(libraryPaths(dir).keyFile, key, PASSPHRASE, cheap);
  const png = await writePng(work, 'shot.png', 3);
  const report = await importFiles(library, [png]);
  const text = await importText(library, 'a secret note', { title: 'note' });
  const ids = [...report.imported.map((event) => event.id), text.type === 'imported' ? text.id : ''];
  expect(ids).toHaveLength(2);
  await library.close();
  return { dir, store, png, ids };
}

/** Every clip's metadata and original bytes, as a library opened now reads them. */
async function readEverything(library: Library, ids: string[]): Promise<{ titles: string[]; texts: string[]; originals: Buffer[] }> {
  const clips = ids.map((id) => library.get(id));
  const originals = await Promise.all(clips.flatMap((clip) => (clip.media ? [library.blobs.readAll(clip.media.blob)] : [])));
  return { titles: clips.map((clip) => clip.title), texts: clips.map((clip) => clip.text), originals };
}

function opensDatabase(dir: string, libraryKey: Buffer): boolean {
  try {
    openLibraryDatabase(libraryPaths(dir).database, deriveLibrarySubkeys(libraryKey).databaseKey).close();
    return true;
  } catch {
    return false;
  }
}

describe('key rotation', () => {
  it('re-encrypts the database under a new key, re-wraps every slot, keeps every clip, and the old key opens nothing', async () => {
    const { dir, store, png, ids } = await seeded();
    const keyFile = libraryPaths(dir).keyFile;
    const before = await Library.open(dir, { method: 'passphrase', passphrase: PASSPHRASE });
    const expected = await readEverything(before, ids);
    await before.close();
    expect(expected.originals[0]!.equals(await fs.readFile(png))).toBe(true);
    const oldKey = await unlockWithPassphrase(keyFile, PASSPHRASE);
    const slotsBefore = (await readKeySlots(keyFile)).slots;

    expect(await rotateLibraryKey(libraryPaths(dir), { passphrase: PASSPHRASE, store }, CLI)).toEqual({ slots: 2 });

    const newKey = await unlockWithPassphrase(keyFile, PASSPHRASE);
    expect(newKey.equals(oldKey)).toBe(false);
    expect((await unlockWithSecretStore(keyFile, store)).equals(newKey)).toBe(true);
    expect((await readKeySlots(keyFile)).slots).toEqual(slotsBefore);
    expect(opensDatabase(dir, oldKey)).toBe(false);
    expect(opensDatabase(dir, newKey)).toBe(true);
    await expect(Library.open(dir, { method: 'key', libraryKey: oldKey })).rejects.toThrow(/cannot be decrypted/);

    for (const unlock of [{ method: 'passphrase', passphrase: PASSPHRASE } as const, { method: 'secret-store', store } as const]) {
      const library = await Library.open(dir, unlock);
      expect(await readEverything(library, ids)).toEqual(expected);
      expect((await verifyLibrary(library)).ok).toBe(true);
      const verified = library.audit.verify();
      expect(verified.ok, verified.reason ?? '').toBe(true);
      expect(library.audit.list({ kind: 'key-change' }).entries.map((entry) => entry.details)).toEqual([{ action: 'rotate', slots: 2 }]);
      await library.close();
    }
  });

  it('refuses, before changing anything, when a slot cannot be re-wrapped', async () => {
    const { dir, store } = await seeded();
    const keyFile = libraryPaths(dir).keyFile;
    const bytes = await fs.readFile(keyFile);
    await expect(rotateLibraryKey(libraryPaths(dir), { passphrase: PASSPHRASE, store: null }, CLI)).rejects.toThrow(/cannot re-wrap every unlock method.*OS keychain/);
    await expect(rotateLibraryKey(libraryPaths(dir), { passphrase: 'wrong', store }, CLI)).rejects.toThrow(/wrong passphrase/i);
    expect((await fs.readFile(keyFile)).equals(bytes)).toBe(true);
    await expect(fs.access(nextKeyFilePath(keyFile))).rejects.toThrow();
  });

  for (const stoppedAfter of ['the new key file was written', 'the database was rekeyed'] as const) {
    it(`a rotation stopped after ${stoppedAfter} still opens, and is finished by the next open`, async () => {
      const { dir, store, ids } = await seeded();
      const paths = libraryPaths(dir);
      const reference = await Library.open(dir, { method: 'secret-store', store });
      const expected = await readEverything(reference, ids);
      await reference.close();
      const oldKey = await unlockWithPassphrase(paths.keyFile, PASSPHRASE);
      const newKey = Buffer.alloc(32, 7);
      // The first steps of rotateLibraryKey, by hand: the new key file beside the old one…
      const next = await rewrapSlotsForRotation(paths.keyFile, oldKey, newKey, { passphrase: PASSPHRASE, store });
      await writeFileAtomic(nextKeyFilePath(paths.keyFile), serializeKeyFile(next));
      if (stoppedAfter === 'the database was rekeyed') {
        // …and the database under the new key, before the head's MAC and the rename.
        const db = openLibraryDatabase(paths.database, deriveLibrarySubkeys(oldKey).databaseKey);
        db.exec(`INSERT OR IGNORE INTO meta (key, value) VALUES ('blob_keys', '${JSON.stringify({ content: deriveLibrarySubkeys(oldKey).blobContentKey.toString('base64'), names: deriveLibrarySubkeys(oldKey).blobNameKey.toString('base64') })}')`);
        db.pragma('journal_mode = DELETE');
        db.pragma(`hexrekey='${deriveLibrarySubkeys(newKey).databaseKey.toString('hex')}'`);
        db.close();
        expect(opensDatabase(dir, oldKey)).toBe(false);
      }
      const library = await Library.open(dir, { method: 'passphrase', passphrase: PASSPHRASE });
      expect(await readEverything(library, ids)).toEqual(expected);
      const verified = library.audit.verify();
      expect(verified.ok, verified.reason ?? '').toBe(true);
      await library.close();
      await expect(fs.access(nextKeyFilePath(paths.keyFile))).rejects.toThrow();
      expect((await unlockWithPassphrase(paths.keyFile, PASSPHRASE)).equals(newKey)).toBe(true);
      expect(opensDatabase(dir, oldKey)).toBe(false);
      expect(opensDatabase(dir, newKey)).toBe(true);
    });
  }

  it('clipshot keys rotate through a running serve: it keeps serving every clip under the new key', async () => {
    const work = await tempDir();
    const dir = path.join(work, 'library');
    const png = await writePng(work, 'shot.png', 5);
    expect((await runCli(['--library', dir, 'import', png])).code).toBe(0);
    const oldKey = await unlockWithPassphrase(libraryPaths(dir).keyFile, TEST_PASSPHRASE);
    const serve = await startServe(dir);
    try {
      const rotated = await runCli(['--library', dir, 'keys', 'rotate']);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout).toMatch(/rotated the library key: the database is re-encrypted and 1 unlock method\(s\) re-wrapped/);
      const listed = await runCli(['--library', dir, 'list', '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      const id = (JSON.parse(listed.stdout) as { items: { id: string }[] }).items[0]!.id;
      const out = path.join(work, 'back.png');
      const exported = await runCli(['--library', dir, 'export', id, '--original', '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      expect((await fs.readFile(out)).equals(await fs.readFile(png))).toBe(true);
      const audit = await runCli(['--library', dir, 'audit', '--json', '--kind', 'key-change']);
      expect(JSON.parse(audit.stdout)).toMatchObject([{ kind: 'key-change', actor: { type: 'cli' }, details: { action: 'rotate', slots: 1 } }]);
      expect((await runCli(['--library', dir, 'audit', '--verify'])).code).toBe(0);
    } finally {
      await serve.stop();
    }
    expect(opensDatabase(dir, oldKey)).toBe(false);
  }, 120_000);
});
