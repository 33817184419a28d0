import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLibraryDatabase } from '../../../main/library/database.js';
import { LibraryInUseError } from '../../../main/library/errors.js';
import { SqliteStorageAdapter } from '../../../main/library/storage/sqlite-storage-adapter.js';
import { tempDir } from '../../helpers/temp.js';

describe('SqliteStorageAdapter', () => {
  it('stores chunks by key and loads and removes key ranges without touching neighbours', async () => {
    const dir = await tempDir();
    const db = openLibraryDatabase(path.join(dir, 'library.db'), randomBytes(32));
    const storage = new SqliteStorageAdapter(db);
    const bytes = (n: number) => new Uint8Array([n, n, n]);
    await storage.save(['doc', 'incremental', 'a'], bytes(1));
    await storage.save(['doc', 'incremental', 'b'], bytes(2));
    await storage.save(['doc', 'snapshot', 'c'], bytes(3));
    await storage.save(['doc2', 'incremental', 'a'], bytes(4));
    await storage.save(['do', 'snapshot', 'z'], bytes(5));

    expect(await storage.load(['doc', 'incremental', 'b'])).toEqual(bytes(2));
    expect(await storage.load(['doc', 'incremental', 'missing'])).toBeUndefined();
    const incremental = await storage.loadRange(['doc', 'incremental']);
    expect(incremental.map((chunk) => chunk.key.join('/')).sort()).toEqual(['doc/incremental/a', 'doc/incremental/b']);
    expect((await storage.loadRange(['doc'])).map((chunk) => chunk.key.join('/')).sort()).toEqual(['doc/incremental/a', 'doc/incremental/b', 'doc/snapshot/c']);
    expect(storage.hasDocument('doc2')).toBe(true);
    expect(storage.hasDocument('d')).toBe(false);

    await storage.save(['doc', 'incremental', 'a'], bytes(9));
    expect(await storage.load(['doc', 'incremental', 'a'])).toEqual(bytes(9));
    await storage.removeRange(['doc', 'incremental']);
    expect(await storage.loadRange(['doc'])).toHaveLength(1);
    await storage.remove(['doc', 'snapshot', 'c']);
    expect(storage.hasDocument('doc')).toBe(false);
    expect(storage.hasDocument('doc2')).toBe(true);
    expect(storage.hasDocument('do')).toBe(true);
    await expect(storage.save(['a/b'], bytes(1))).rejects.toThrow(/contains "\/"/);
    db.close();
  });

  it('holds an exclusive lock: a second connection gets "library is in use", and a wrong key a clear error', async () => {
    const dir = await tempDir();
    const key = randomBytes(32);
    const file = path.join(dir, 'library.db');
    const first = openLibraryDatabase(file, key);
    expect(() => openLibraryDatabase(file, key)).toThrow(LibraryInUseError);
    first.close();
    expect(() => openLibraryDatabase(file, randomBytes(32))).toThrow(/cannot be decrypted/);
    const again = openLibraryDatabase(file, key);
    again.close();
  });
});
