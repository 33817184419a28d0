import type { Library } from '../library.js';
import { changeClipsInBatches, type BulkRun, type BulkWriteOutcome } from './bulk-writes.js';

/** Moves clips to the trash; those already there are left alone (and not listed as changed). */
export function trashClips(library: Library, ids: readonly string[], run: BulkRun = {}): Promise<BulkWriteOutcome> {
  const now = Date.now();
  return changeClipsInBatches(
    library,
    ids,
    'trash',
    (entry) => {
      if (entry.deletedAt !== null) return false;
      entry.deletedAt = now;
      return true;
    },
    run,
  );
}

/** Brings clips back from the trash; those not in it are left alone (and not listed as changed). */
export function restoreClips(library: Library, ids: readonly string[], run: BulkRun = {}): Promise<BulkWriteOutcome> {
  return changeClipsInBatches(
    library,
    ids,
    'restore',
    (entry) => {
      if (entry.deletedAt === null) return false;
      entry.deletedAt = null;
      return true;
    },
    run,
  );
}
