import type { Patch, Prop } from '@automerge/automerge/slim';

export interface TextSelection {
  start: number;
  end: number;
}

/**
 * Where a selection in a text ends up after the text changed by `patches` (Automerge's patches
 * between the two states, in order). Text inserted exactly at the caret lands after it, so the
 * person keeps typing where they were; a selection inside deleted text collapses to where the
 * deletion happened. In a text replaced wholesale, the selection goes to the start.
 */
export function carrySelection(patches: readonly Patch[], textPath: readonly Prop[], selection: TextSelection, finalLength: number): TextSelection {
  let { start, end } = selection;
  for (const patch of patches) {
    if (patch.path.length <= textPath.length) {
      // A put or delete of the text itself or of something holding it replaces the whole text.
      if (startsWith(textPath, patch.path)) ({ start, end } = clampSelection({ start, end }, replacedLength(patch)));
      continue;
    }
    if (patch.path.length !== textPath.length + 1 || !startsWith(patch.path, textPath)) continue;
    const at = patch.path[textPath.length];
    if (typeof at !== 'number') continue;
    if (patch.action === 'splice') {
      const inserted = patch.value.length;
      start = start > at ? start + inserted : start;
      end = end > at ? end + inserted : end;
    } else if (patch.action === 'del') {
      const removed = patch.length ?? 1;
      start = start > at ? start - Math.min(removed, start - at) : start;
      end = end > at ? end - Math.min(removed, end - at) : end;
    }
  }
  return clampSelection({ start, end }, finalLength);
}

function replacedLength(patch: Patch): number {
  return patch.action === 'put' && typeof patch.value === 'string' ? patch.value.length : 0;
}

function clampSelection(selection: TextSelection, length: number): TextSelection {
  const start = Math.max(0, Math.min(selection.start, length));
  return { start, end: Math.max(start, Math.min(selection.end, length)) };
}

function startsWith(path: readonly Prop[], prefix: readonly Prop[]): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => path[index] === part);
}
