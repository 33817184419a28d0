// The two things every kind of document the core loads (catalog shards, clip details) needs from
// automerge-repo done the same careful way: finding one without leaking it, and unloading one.
import * as Automerge from '@automerge/automerge';
import { encodeHeads, type DocHandle, type DocumentId, type Repo } from '@automerge/automerge-repo';

/** The stored document's handle, once loaded. */
export async function findStoredDocument<T>(repo: Repo, documentId: DocumentId): Promise<DocHandle<T>> {
  // Without a signal, automerge-repo races the load against a promise that never settles, which
  // keeps every loaded document reachable for good; aborting once loaded releases it.
  const loaded = new AbortController();
  try {
    return await repo.find<T>(documentId, { allowableStates: ['ready'], signal: loaded.signal });
  } finally {
    loaded.abort();
  }
}

/**
 * Drops a handle from the repo and frees its document: Automerge's memory lives in WebAssembly,
 * which garbage collection rarely reclaims on its own. Everything it held must be saved first.
 */
export async function unloadDocument<T>(repo: Repo, handle: DocHandle<T>): Promise<void> {
  const doc = handle.doc();
  handle.removeAllListeners();
  await repo.removeFromCache(handle.documentId);
  if (doc) Automerge.free(doc);
}

/** Runs `read` on a copy of the stored document (null when none is stored) and frees the copy. */
export async function readStoredDocument<T, R>(repo: Repo, documentId: DocumentId, read: (doc: T | null, heads: string[]) => R): Promise<R> {
  const storage = repo.storageSubsystem;
  if (!storage) throw new Error('the repo has no storage');
  const doc = await storage.loadDoc<T>(documentId);
  if (!doc) return read(null, []);
  try {
    return read(doc, encodeHeads(Automerge.getHeads(doc)));
  } finally {
    Automerge.free(doc);
  }
}
