import type { LabelChange } from '../../../contract/bulk.js';
import { normalizeTag } from '../operations/clip-edits.js';
import type { Library } from '../library.js';
import { changeClipsInBatches, type BulkRun } from './bulk-writes.js';

export type LabelField = 'tags' | 'collections';

export interface LabelEdit {
  add?: string[];
  remove?: string[];
  /** Also take each clip out of every label of this field that is not added (move to a collection). */
  exclusive?: boolean;
}

export interface LabelOutcome {
  added: LabelChange[];
  removed: LabelChange[];
  changed: number;
  cancelled: boolean;
}

/**
 * Adds and removes tags (or collections) on many clips, recording for each name exactly which
 * clips gained or lost it: a clip that already had a tag being added is left alone and not
 * listed, so the inverse (remove it from the listed clips) restores every clip exactly.
 */
export async function changeLabels(library: Library, ids: readonly string[], field: LabelField, edit: LabelEdit, run: BulkRun = {}): Promise<LabelOutcome> {
  // Checked before anything changes: a bad name refuses the whole operation.
  const add = [...new Set((edit.add ?? []).map(normalizeTag))];
  const remove = [...new Set((edit.remove ?? []).map(normalizeTag))].filter((name) => !add.includes(name));
  const added = new Map<string, string[]>();
  const removed = new Map<string, string[]>();
  const record = (changes: Map<string, string[]>, name: string, id: string) => {
    const ids = changes.get(name);
    if (ids) ids.push(id);
    else changes.set(name, [id]);
  };
  const takenFrom = (labels: Record<string, true>) => (edit.exclusive ? Object.keys(labels).filter((name) => !add.includes(name)) : remove);
  const outcome = await changeClipsInBatches(
    library,
    ids,
    field === 'tags' ? 'tag' : 'collections',
    {
      changes: (entry) => {
        const labels = entry[field];
        return add.some((name) => labels[name] !== true) || takenFrom(labels).some((name) => name in labels);
      },
      apply: (entry) => {
        const id = entry.id.toString();
        const labels = entry[field];
        for (const name of takenFrom(labels)) {
          if (!(name in labels)) continue;
          delete labels[name];
          record(removed, name, id);
        }
        for (const name of add) {
          if (labels[name] === true) continue;
          labels[name] = true;
          record(added, name, id);
        }
      },
    },
    run,
  );
  const list = (changes: Map<string, string[]>) => [...changes].map(([name, changedIds]) => ({ name, ids: changedIds }));
  return { added: list(added), removed: list(removed), changed: outcome.changed.length, cancelled: outcome.cancelled };
}
