import { SHARD_COUNT } from '../documents/schema.js';
import type { Library } from '../library.js';

export interface Progress {
  done: number;
  total: number;
}

/** Rebuilds the whole index from the shard documents. */
export async function reindexLibrary(library: Library, onProgress?: (progress: Progress) => void): Promise<{ clips: number; shards: number }> {
  await library.flush();
  const stored = Array.from({ length: SHARD_COUNT }, (_, shard) => shard).filter((shard) => library.shards.isStored(shard));
  // Marked first, so a reindex cut short by a crash is finished by the next open.
  library.index.transaction(() => {
    for (const shard of stored) library.indexer.markDirty(shard);
    library.index.clear();
  });
  let shards = 0;
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    if (stored.includes(shard)) {
      await library.indexer.reindexShard(shard);
      shards++;
    }
    onProgress?.({ done: shard + 1, total: SHARD_COUNT });
  }
  return { clips: library.index.count({ trash: false }) + library.index.count({ trash: true }), shards };
}
