import type { ClipOperation } from '../../../contract/shard-document.js';
import { MAX_LOADED_SHARDS } from '../documents/shard-documents.js';
import { shardOfClip } from '../ids.js';
import type { ClipsEdit, Library } from '../library.js';

/**
 * Clips changed per write (one SQLite transaction, one save of the shards it touched). Small
 * enough that a write holds a few shards and lets other requests in between, large enough that
 * 100,000 clips are a few hundred fsyncs rather than 100,000.
 */
export const CLIPS_PER_WRITE = 250;
/** And at most this many shards per write, however few clips each holds of the selection. */
export const SHARDS_PER_WRITE = MAX_LOADED_SHARDS;
/**
 * Loaded shards are unloaded a little after writes; back-to-back writes touching few clips of
 * many shards could load shards faster than that. Past this many the next write waits for them.
 */
const MAX_SHARDS_LOADED_BY_BULK = 4 * MAX_LOADED_SHARDS;

export interface BulkRun {
  signal?: AbortSignal;
  /** Clips handled so far (changed or left as they were), of how many. */
  onProgress?: (done: number, total: number) => void;
}

export interface BulkWriteOutcome {
  /** The clips changed, each once. */
  changed: string[];
  /** The signal stopped it: `changed` was done and stays done; the rest was not touched. */
  cancelled: boolean;
}

/**
 * Applies `edit` to every clip it changes (see Library.changeClips: one Automerge change per shard,
 * naming the clips), CLIPS_PER_WRITE clips per write, so only a few shards are loaded at once
 * however many clips there are. Stops between writes when the signal is aborted.
 */
export async function changeClipsInBatches(library: Library, ids: readonly string[], operation: ClipOperation, edit: ClipsEdit, run: BulkRun = {}): Promise<BulkWriteOutcome> {
  const changed: string[] = [];
  let done = 0;
  run.onProgress?.(0, ids.length);
  for (const batch of batchesByShard(ids, CLIPS_PER_WRITE, SHARDS_PER_WRITE)) {
    if (run.signal?.aborted) return { changed, cancelled: true };
    if (library.shards.loadedCount > MAX_SHARDS_LOADED_BY_BULK) await library.unloadIdleDocuments();
    const outcome = await library.changeClips(batch, operation, edit);
    changed.push(...outcome.changed);
    done += batch.length;
    run.onProgress?.(done, ids.length);
  }
  return { changed, cancelled: false };
}

/** The ids grouped by shard (shards in order), cut into batches of at most `size` clips from at most `maxShards` shards. */
export function batchesByShard(ids: readonly string[], size: number, maxShards: number): string[][] {
  const byShard = new Map<number, string[]>();
  for (const id of ids) {
    const shard = shardOfClip(id);
    const group = byShard.get(shard);
    if (group) group.push(id);
    else byShard.set(shard, [id]);
  }
  const batches: string[][] = [];
  let current: string[] = [];
  let shards = 0;
  for (const shard of [...byShard.keys()].sort((a, b) => a - b)) {
    let shardCounted = false;
    for (const id of byShard.get(shard)!) {
      if (current.length === size || (!shardCounted && shards === maxShards)) {
        batches.push(current);
        current = [];
        shards = 0;
        shardCounted = false;
      }
      if (!shardCounted) {
        shards++;
        shardCounted = true;
      }
      current.push(id);
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
