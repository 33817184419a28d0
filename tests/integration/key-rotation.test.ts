// Key rotation: a new library key re-encrypts the database and re-wraps every slot, and new blob
// keys re-encrypt every blob file; every clip stays readable, the old key opens nothing (database or
// blob), and a rotation stopped part way (key file, database or blobs) still opens and is finished.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { storedNameOf } from '../../main/library/blobs/blob-names.js';
import { FileCipher, HEADER_BODY_BYTES, HEADER_BYTES, TAG_BYTES, chunkCount, decodeHeaderFields } from '../../main/library/blobs/blob-format.js';
import { openLibraryDatabase } from '../../main/library/database.js';
import { importFiles, importText } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { verifyLibrary } from '../../main/library/operations/verify.js';
import { libraryPaths } from '../../main/library/library-paths.js';
import { writeFileAtomic } from '../../main/security/atomic-file.js';
import { serializeKeyFile } from '../../main/security/key-file.js';
import { blobMigrationPending, storedBlobKeys } from '../../main/security/blob-key-rotation.js';
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

/** A library with a passphrase and a keychain slot, two images (an original and a thumbnail each) and a text clip. */
async function seeded(): Promise<{ dir: string; store: MemorySecretStore; png: string; ids: string[] }> {
  const work = await tempDir();
  const dir = path.join(work, 'library');
  const store = new MemorySecretStore();
  const library = await Library.create(dir, { secretStore: store });
  const key = await unlockWithSecretStore(libraryPaths(dir).keyFile, store);
  await addPassphraseSlot(libraryPaths(dir).keyFile, key, PASSPHRASE, cheap);
  const png = await writePng(work, 'shot.png', 3);
  const report = await importFiles(library, [png, await writePng(work, 'other.png', 4)]);
  const text = await importText(library, 'a secret note', { title: 'note' });
  const ids = [...report.imported.map((event) => event.id), text.type === 'imported' ? text.id : ''];
  expect(ids).toHaveLength(3);
  await library.close();
  return { dir, store, png, ids };
}

/** Every clip's metadata, original and thumbnail bytes, as a library opened now reads them. */
async function readEverything(library: Library, ids: string[]): Promise<{ titles: string[]; texts: string[]; originals: Buffer[]; thumbs: Buffer[] }> {
  const clips = ids.map((id) => library.get(id));
  const originals = await Promise.all(clips.flatMap((clip) => (clip.media ? [library.blobs.readAll(clip.media.blob)] : [])));
  const thumbs = await Promise.all(clips.flatMap((clip) => (clip.media?.thumb ? [library.blobs.readAll(clip.media.thumb)] : [])));
  return { titles: clips.map((clip) => clip.title), texts: clips.map((clip) => clip.text), originals, thumbs };
}

/** The hashes of every blob the clips refer to (originals and thumbnails). */
function blobHashes(library: Library, ids: string[]): string[] {
  return ids.flatMap((id) => {
    const { media } = library.get(id);
    return media ? [media.blob, ...(media.thumb ? [media.thumb] : [])] : [];
  });
}

/** Every blob file under the library's blobs folder (the tmp folder aside). */
async function blobFiles(dir: string): Promise<{ name: string; file: string }[]> {
  const root = libraryPaths(dir).blobs;
  const shards = (await fs.readdir(root)).filter((entry) => /^[0-9a-f]{2}$/.test(entry));
  const files = await Promise.all(shards.map(async (shard) => (await fs.readdir(path.join(root, shard))).map((name) => ({ name, file: path.join(root, shard, name) }))));
  return files.flat().sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether any chunk of a blob file authenticates under this content key (the format's own cipher, read by hand). */
async function decryptsWith(file: string, contentKey: Buffer): Promise<boolean> {
  const bytes = await fs.readFile(file);
  const body = bytes.subarray(0, HEADER_BODY_BYTES);
  const header = decodeHeaderFields(body);
  const cipher = new FileCipher(contentKey, header.salt, header.noncePrefix);
  const last = chunkCount(header.plaintextLength, header.chunkSize) - 1;
  let at = HEADER_BYTES;
  for (let index = 0; index <= last; index += 1) {
    const length = Math.min(header.chunkSize, header.plaintextLength - index * header.chunkSize) + TAG_BYTES;
    if (cipher.open(index, index === last, bytes.subarray(at, at + length)) !== null) return true;
    at += length;
  }
  return false;
}

/** The blob keys a library opened with `libraryKey` uses now (kept in its database after a rotation, else derived). */
function currentBlobKeys(dir: string, libraryKey: Buffer): { contentKey: Buffer; nameKey: Buffer } {
  const subkeys = deriveLibrarySubkeys(libraryKey);
  const db = openLibraryDatabase(libraryPaths(dir).database, subkeys.databaseKey);
  try {
    return storedBlobKeys(db) ?? { contentKey: subkeys.blobContentKey, nameKey: subkeys.blobNameKey };
  } finally {
    db.close();
  }
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
    const pngBytes = await fs.readFile(png);
    expect(expected.originals.some((bytes) => bytes.equals(pngBytes))).toBe(true);
    const oldKey = await unlockWithPassphrase(keyFile, PASSPHRASE);
    const slotsBefore = (await readKeySlots(keyFile)).slots;

    expect(await rotateLibraryKey(libraryPaths(dir), { passphrase: PASSPHRASE, store }, CLI)).toEqual({ slots: 2, blobs: 4 });

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

  it('gives the blobs new keys: every blob reads back, none decrypts with the old keys, every name is new, and so for blobs added later and for the next rotation', async () => {
    const { dir, store, ids } = await seeded();
    const paths = libraryPaths(dir);
    const before = await Library.open(dir, { method: 'secret-store', store });
    const expected = await readEverything(before, ids);
    const hashes = blobHashes(before, ids);
    await before.close();
    expect(expected.originals).toHaveLength(2);
    expect(expected.thumbs).toHaveLength(2);
    const oldBlobKeys = currentBlobKeys(dir, await unlockWithSecretStore(paths.keyFile, store));
    // The checks below can fail: before the rotation every file decrypts with the old keys, under its old name.
    const filesBefore = await blobFiles(dir);
    expect(filesBefore.map((entry) => entry.name)).toEqual(hashes.map((hash) => storedNameOf(oldBlobKeys.nameKey, hash)).sort());
    for (const { file } of filesBefore) expect(await decryptsWith(file, oldBlobKeys.contentKey)).toBe(true);

    expect(await rotateLibraryKey(paths, { passphrase: PASSPHRASE, store }, CLI)).toEqual({ slots: 2, blobs: 4 });

    const newBlobKeys = currentBlobKeys(dir, await unlockWithPassphrase(paths.keyFile, PASSPHRASE));
    expect(newBlobKeys.contentKey.equals(oldBlobKeys.contentKey) || newBlobKeys.nameKey.equals(oldBlobKeys.nameKey)).toBe(false);
    const filesAfter = await blobFiles(dir);
    expect(filesAfter.map((entry) => entry.name)).toEqual(hashes.map((hash) => storedNameOf(newBlobKeys.nameKey, hash)).sort());
    for (const { file } of filesAfter) {
      expect(await decryptsWith(file, oldBlobKeys.contentKey)).toBe(false);
      expect(await decryptsWith(file, newBlobKeys.contentKey)).toBe(true);
    }
    expect(await fs.readdir(path.join(paths.blobs, 'tmp'))).toEqual([]);

    const library = await Library.open(dir, { method: 'passphrase', passphrase: PASSPHRASE });
    expect(await readEverything(library, ids)).toEqual(expected);
    const later = await importFiles(library, [await writePng(path.dirname(dir), 'later.png', 6)]);
    const laterIds = later.imported.map((event) => event.id);
    const laterHashes = blobHashes(library, laterIds);
    expect(laterHashes).toHaveLength(2);
    await library.close();
    for (const hash of laterHashes) {
      const file = path.join(paths.blobs, storedNameOf(newBlobKeys.nameKey, hash).slice(0, 2), storedNameOf(newBlobKeys.nameKey, hash));
      expect(await decryptsWith(file, oldBlobKeys.contentKey)).toBe(false);
      expect(await decryptsWith(file, newBlobKeys.contentKey)).toBe(true);
    }

    // A second rotation retires the first rotation's blob keys in turn.
    expect(await rotateLibraryKey(paths, { passphrase: PASSPHRASE, store }, CLI)).toEqual({ slots: 2, blobs: 6 });
    const thirdBlobKeys = currentBlobKeys(dir, await unlockWithPassphrase(paths.keyFile, PASSPHRASE));
    const filesThen = await blobFiles(dir);
    expect(filesThen.map((entry) => entry.name)).toEqual([...hashes, ...laterHashes].map((hash) => storedNameOf(thirdBlobKeys.nameKey, hash)).sort());
    for (const { file } of filesThen) {
      for (const retired of [oldBlobKeys, newBlobKeys]) expect(await decryptsWith(file, retired.contentKey)).toBe(false);
    }
    const again = await Library.open(dir, { method: 'secret-store', store });
    expect(await readEverything(again, [...ids, ...laterIds])).toMatchObject({ originals: [...expected.originals, expect.any(Buffer)], thumbs: [...expected.thumbs, expect.any(Buffer)] });
    expect((await verifyLibrary(again)).ok).toBe(true);
    await again.close();
  });

  it('a blob move stopped part way (even between a new copy and the old file\'s wipe) opens, reads every blob, and is finished by the open', async () => {
    const { dir, store, ids } = await seeded();
    const paths = libraryPaths(dir);
    const reference = await Library.open(dir, { method: 'secret-store', store });
    const expected = await readEverything(reference, ids);
    const hashes = blobHashes(reference, ids);
    await reference.close();
    const oldKey = await unlockWithPassphrase(paths.keyFile, PASSPHRASE);
    const oldBlobKeys = currentBlobKeys(dir, oldKey);
    const copies = await Promise.all((await blobFiles(dir)).map(async ({ file }) => ({ file, bytes: await fs.readFile(file) })));
    expect(copies).toHaveLength(4);

    const stop = (migrated: number) => {
      if (migrated === 2) throw new Error('stopped after 2 files');
    };
    await expect(rotateLibraryKey(paths, { passphrase: PASSPHRASE, store }, CLI, { afterFile: stop })).rejects.toThrow('stopped after 2 files');

    const newKey = await unlockWithPassphrase(paths.keyFile, PASSPHRASE);
    expect(newKey.equals(oldKey)).toBe(false);
    expect(opensDatabase(dir, oldKey)).toBe(false);
    const db = openLibraryDatabase(paths.database, deriveLibrarySubkeys(newKey).databaseKey);
    expect(blobMigrationPending(db)).toBe(true);
    db.close();
    const mid = await blobFiles(dir);
    expect(mid).toHaveLength(4);
    const stillOld = await Promise.all(mid.map(({ file }) => decryptsWith(file, oldBlobKeys.contentKey)));
    expect(stillOld.filter(Boolean)).toHaveLength(2);
    // One moved file's old copy comes back, as after a crash between the new copy's rename and the old one's wipe.
    const moved = copies.filter((copy) => !mid.some(({ file }) => file === copy.file));
    expect(moved).toHaveLength(2);
    await fs.writeFile(moved[0]!.file, moved[0]!.bytes);

    const library = await Library.open(dir, { method: 'passphrase', passphrase: PASSPHRASE });
    expect(await readEverything(library, ids)).toEqual(expected);
    expect((await verifyLibrary(library)).ok).toBe(true);
    expect(library.audit.list({ kind: 'key-change' }).entries).toHaveLength(1);
    await library.close();

    const after = openLibraryDatabase(paths.database, deriveLibrarySubkeys(newKey).databaseKey);
    expect(blobMigrationPending(after)).toBe(false);
    after.close();
    const newBlobKeys = currentBlobKeys(dir, newKey);
    const files = await blobFiles(dir);
    expect(files.map((entry) => entry.name)).toEqual(hashes.map((hash) => storedNameOf(newBlobKeys.nameKey, hash)).sort());
    for (const { file } of files) expect(await decryptsWith(file, oldBlobKeys.contentKey)).toBe(false);
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
      expect(rotated.stdout).toMatch(/rotated the library key: the database is re-encrypted and 1 unlock method\(s\) re-wrapped; 2 blob file\(s\) re-encrypted under new blob keys/);
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
