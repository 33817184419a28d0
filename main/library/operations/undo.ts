import { getChangesMetaSince, ImmutableString, updateText, view } from '@automerge/automerge';
import type { ClipView } from '../../../contract/clips.js';
import { CLIP_OPERATIONS, readChangeMessage } from '../../../contract/shard-document.js';
import type { ShardDoc } from '../documents/schema.js';
import { InvalidEditError } from '../errors.js';
import { shardOfClip } from '../ids.js';
import type { Library } from '../library.js';


/**
 * Reverts the latest change to one clip by writing its earlier state as a new change, so the
 * undo itself syncs and merges like any edit (and undoing an undo redoes).
 */
export async function undoLastChange(library: Library, idOrPrefix: string): Promise<{ clip: ClipView; undone: string }> {
  const id = library.resolveId(idOrPrefix);
  const { operation, state } = await library.shards.read(shardOfClip(id), (doc) => {
    const last = getChangesMetaSince(doc, [])
      .reverse()
      .find((change) => readChangeMessage(change.message, CLIP_OPERATIONS)?.clipIds.includes(id));
    if (!last) throw new InvalidEditError(`clip ${id} has no edit to undo`);
    const before = (view(doc, last.deps) as ShardDoc).clips[id];
    if (!before) throw new InvalidEditError(`clip ${id} has no earlier state to return to`);
    // A plain copy: the document read here may be freed once this returns.
    const state = { title: before.title.toString(), notes: before.notes.toString(), tags: { ...before.tags }, collections: { ...before.collections }, deletedAt: before.deletedAt };
    return { operation: readChangeMessage(last.message, CLIP_OPERATIONS)!.operation, state };
  });
  const clip = await library.changeClip(id, 'undo', (entry, current) => {
    entry.title = new ImmutableString(state.title);
    updateText(current, ['clips', id, 'notes'], state.notes);
    replaceSet(entry.tags, state.tags);
    replaceSet(entry.collections, state.collections);
    entry.deletedAt = state.deletedAt;
  });
  return { clip, undone: operation };
}

function replaceSet(target: Record<string, true>, wanted: Record<string, true>): void {
  for (const key of Object.keys(target)) if (!(key in wanted)) delete target[key];
  for (const key of Object.keys(wanted)) if (!(key in target)) target[key] = true;
}
