import { SHARD_COUNT } from '../documents/schema.js';
import type { Library } from '../library.js';

/** In SQLite's units: negative means KiB. */
const REBUILD_CACHE_SIZE = -4000;

export interface Progress {
  done: number;
  total: number;
}

/** Rebuilds the whole index from the shard documents. */
export async function reindexLibrary(library: Library, onProgress?: (progress: Progress) => void): Promise<{ clips: number; shards: number }> {
  let shards = 0;
  // One transaction: a reindex cut short leaves the old index, never half a new one.
  await library.write(async () => {
    // A rebuild passes over every page once, so a big page cache would only hold memory (about
    // twice its size, with the pages decrypted and encrypted) without saving any reads.
    const cacheSize = library.db.pragma('cache_size', { simple: true }) as number;
    library.db.pragma(`cache_size = ${REBUILD_CACHE_SIZE}`);
    try {
      await library.index.rebuild(async () => {
        for (let shard = 0; shard < SHARD_COUNT; shard++) {
          if (library.shards.isStored(shard)) {
            await library.indexer.reindexShard(shard);
            shards++;
          }
          onProgress?.({ done: shard + 1, total: SHARD_COUNT });
        }
      });
    } finally {
      library.db.pragma(`cache_size = ${cacheSize}`);
    }
  });
  return { clips: library.index.count({ trash: false }) + library.index.count({ trash: true }), shards };
}
