import path from 'node:path';
import { Library } from '../../main/library/library.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { tempDir } from './temp.js';

/**
 * A library unlocked by an in-memory secret store: real files and SQLite, no slow KDF. Its folder
 * goes after the test (tests/helpers/temp.ts) unless `parent` names a folder that lasts longer.
 */
export async function createTestLibrary(parent?: string): Promise<{ library: Library; dir: string; store: MemorySecretStore }> {
  const dir = path.join(parent ?? (await tempDir()), 'library');
  const store = new MemorySecretStore();
  const library = await Library.create(dir, { secretStore: store });
  return { library, dir, store };
}

/** A test library made by createTestLibrary, opened again with its keychain (after a test changed its files). */
export async function openTestLibrary(dir: string, store: MemorySecretStore): Promise<{ library: Library; dir: string; store: MemorySecretStore }> {
  return { library: await Library.open(dir, { method: 'secret-store', store }), dir, store };
}
