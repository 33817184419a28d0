// A bulk operation's undo step: the exact inverse, through the same bulk API, built from what the
// core says it changed. Reverting a step gives the step that reverts it back (redo).
import type { ClipShotApi, LabelBulkResult, MadeClip, TrashBulkResult } from '../../../contract/api.js';

export interface UndoStep {
  /** For a person: "Tag “work” on 500 clips". */
  label: string;
  /** Applies the inverse; resolves with the step that re-applies what was undone. */
  revert(): Promise<UndoStep>;
}

export type LabelField = 'tags' | 'collections';

/** Takes each added name off exactly the clips that gained it, and gives each removed name back to exactly the clips that lost it. */
export function labelStep(api: ClipShotApi, field: LabelField, result: Pick<LabelBulkResult, 'added' | 'removed'>, label: string): UndoStep | null {
  if (result.added.length === 0 && result.removed.length === 0) return null;
  const change = field === 'tags' ? api.bulkTags : api.bulkCollections;
  return {
    label,
    revert: async () => {
      const reverted: Pick<LabelBulkResult, 'added' | 'removed'> = { added: [], removed: [] };
      for (const { name, ids } of result.added) {
        const done = await change({ selection: { ids }, remove: [name] });
        reverted.added.push(...done.added);
        reverted.removed.push(...done.removed);
      }
      for (const { name, ids } of result.removed) {
        const done = await change({ selection: { ids }, add: [name] });
        reverted.added.push(...done.added);
        reverted.removed.push(...done.removed);
      }
      return labelStep(api, field, reverted, label) ?? emptyStep(label);
    },
  };
}

/** Brings back from the trash exactly the clips moved there (or trashes again exactly those restored). */
export function trashStep(api: ClipShotApi, direction: 'trashed' | 'restored', result: Pick<TrashBulkResult, 'changed'>, label: string): UndoStep | null {
  if (result.changed.length === 0) return null;
  return {
    label,
    revert: async () => {
      const selection = { ids: result.changed };
      const done = direction === 'trashed' ? await api.bulkRestore({ selection }) : await api.bulkTrash({ selection });
      return trashStep(api, direction === 'trashed' ? 'restored' : 'trashed', done, label) ?? emptyStep(label);
    },
  };
}

/** A clip made from others (combined, merged) goes to the trash; redo brings it back. Nothing to undo when it existed already. */
export function madeClipStep(api: ClipShotApi, made: MadeClip, label: string): UndoStep | null {
  return made.created ? trashStep(api, 'restored', { changed: [made.clipId] }, label) : null;
}

/** What is left when everything was changed back elsewhere meanwhile: nothing to do either way. */
function emptyStep(label: string): UndoStep {
  const step: UndoStep = { label, revert: async () => step };
  return step;
}
