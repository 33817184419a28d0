import type { Library } from '../library.js';

export interface PurgeReport {
  clips: number;
  blobsFreed: number;
}

/** Permanently removes every clip in the trash, then frees the blobs nothing refers to any more. */
export async function purgeTrash(library: Library): Promise<PurgeReport> {
  const ids: string[] = [];
  for (let cursor: string | null | undefined = undefined; cursor !== null; ) {
    const page = library.query({ trash: true, limit: 1000, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((clip) => clip.id));
    cursor = page.nextCursor;
  }
  if (ids.length > 0) await library.removeClips(ids);
  const blobsFreed = await freeUnreferencedBlobs(library);
  return { clips: ids.length, blobsFreed };
}

export async function freeUnreferencedBlobs(library: Library): Promise<number> {
  const referenced = new Set([...library.index.referencedBlobs()].map((hash) => library.blobs.storedName(hash)));
  let freed = 0;
  for (const name of await library.blobs.listStoredNames()) {
    if (referenced.has(name)) continue;
    await library.blobs.removeStoredName(name);
    freed++;
  }
  return freed;
}
