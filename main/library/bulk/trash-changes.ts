import type { Library } from '../library.js';
import { changeClipsInBatches, type BulkRun, type BulkWriteOutcome } from './bulk-writes.js';

/** Moves clips to the trash; those already there are left alone (and not listed as changed). */
export function trashClips(library: Library, ids: readonly string[], run: BulkRun = {}): Promise<BulkWriteOutcome> {
  const now = Date.now();
  return changeClipsInBatches(
    library,
    ids,
    'trash',
    {
      changes: (entry) => entry.deletedAt === null,
      apply: (entry) => {
        entry.deletedAt = now;
      },
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
    {
      changes: (entry) => entry.deletedAt !== null,
      apply: (entry) => {
        entry.deletedAt = null;
      },
    },
    run,
  );
}
