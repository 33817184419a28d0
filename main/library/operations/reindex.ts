import { SHARD_COUNT } from '../documents/schema.js';
import type { Library } from '../library.js';

export interface Progress {
  done: number;
  total: number;
}

/** Rebuilds the whole index from the shard documents. */
export async function reindexLibrary(library: Library, onProgress?: (progress: Progress) => void): Promise<{ clips: number; shards: number }> {
  let shards = 0;
  // One transaction: a reindex cut short leaves the old index, never half a new one.
  await library.write(async () => {
    library.index.clear();
    for (let shard = 0; shard < SHARD_COUNT; shard++) {
      if (library.shards.isStored(shard)) {
        await library.indexer.reindexShard(shard);
        shards++;
      }
      onProgress?.({ done: shard + 1, total: SHARD_COUNT });
    }
  });
  return { clips: library.index.count({ trash: false }) + library.index.count({ trash: true }), shards };
}
