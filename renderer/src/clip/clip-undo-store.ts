import type { UrlHeads } from '@automerge/automerge-repo/slim';
import { defineStore } from 'pinia';
import { shallowReactive } from 'vue';
import type { VideoFieldEdit } from './video-editor/video-undo.js';
import type { ImageStep } from './image-editor/image-step.js';

/** One field's value before and after an edit this window made. */
export type FieldEdit =
  | { field: 'title'; before: string; after: string }
  | { field: 'notes'; before: string; after: string }
  /** A text clip's own text (its detail document). */
  | { field: 'text'; before: string; after: string }
  | { field: 'tags'; before: string[]; after: string[] }
  | { field: 'trash'; before: number | null; after: number | null }
  | VideoFieldEdit
  /** An edit of an image clip's picture (annotations, crop, rotation), in its detail document. */
  | { field: 'image'; step: ImageStep };

export type UndoField = FieldEdit['field'];
/** The fields typed as collaborative text: undone at the heads they were written at. */
export type TextField = 'notes' | 'text';

export type UndoEntry = FieldEdit & {
  clipId: string;
  /** The heads of the entry's document (the clip's shard, or its detail document for image steps) right after its value was written. */
  heads: UrlHeads;
  /** When the entry last grew (ms); a typing burst stops coalescing after COALESCE_MS. */
  at: number;
  /** Still open to coalescing: sealed on blur, on another field's edit, and once undone. */
  open: boolean;
};

export type UndoDirection = 'undo' | 'redo';

/**
 * Writes an entry's before value (undo) or after value (redo) as a new change and returns the
 * document's heads right after it, or throws (the entry then stays where it was).
 */
export type ApplyUndoEntry = (entry: UndoEntry, direction: UndoDirection) => UrlHeads;

/** Typing that pauses for less than this joins the same undo step. */
export const COALESCE_MS = 1000;
/** Per clip; the oldest steps fall off. */
export const MAX_UNDO_STEPS = 200;

interface ClipStacks {
  undo: UndoEntry[];
  redo: UndoEntry[];
}

/**
 * The undo history of this window's own edits (each window has its own Pinia, hence its own
 * history), kept per clip so Ctrl+Z in a clip view only ever touches the clip on screen.
 */
export const useClipUndoStore = defineStore('clip-undo', () => {
  // Replaced, never mutated in place, so components re-render when a stack changes.
  const stacks = shallowReactive(new Map<string, ClipStacks>());

  function stacksOf(clipId: string): ClipStacks {
    return stacks.get(clipId) ?? { undo: [], redo: [] };
  }

  function canUndo(clipId: string): boolean {
    return stacksOf(clipId).undo.length > 0;
  }

  function canRedo(clipId: string): boolean {
    return stacksOf(clipId).redo.length > 0;
  }

  /** Describes the step Ctrl+Z would undo, for button labels. */
  function nextUndo(clipId: string): UndoEntry | undefined {
    return stacksOf(clipId).undo.at(-1);
  }

  function nextRedo(clipId: string): UndoEntry | undefined {
    return stacksOf(clipId).redo.at(-1);
  }

  /**
   * Records an edit. With `coalesce` (typing), an open step of the same field that grew less
   * than COALESCE_MS ago absorbs it (its before value stays, its after value moves on), unless
   * `startNew` says something else happened to the field since that step.
   */
  function record(clipId: string, edit: FieldEdit, heads: UrlHeads, options: { coalesce: boolean; startNew?: boolean; now?: number }): void {
    const now = options.now ?? Date.now();
    const { undo } = stacksOf(clipId);
    const top = undo.at(-1);
    if (options.coalesce && !options.startNew && top && top.open && top.field === edit.field && edit.field !== 'image' && now - top.at < COALESCE_MS) {
      const merged = { ...top, after: edit.after, heads, at: now } as UndoEntry;
      stacks.set(clipId, { undo: [...undo.slice(0, -1), merged], redo: [] });
      return;
    }
    const sealed = top?.open ? [...undo.slice(0, -1), { ...top, open: false }] : undo;
    const entry = { ...edit, clipId, heads, at: now, open: options.coalesce } as UndoEntry;
    stacks.set(clipId, { undo: [...sealed, entry].slice(-MAX_UNDO_STEPS), redo: [] });
  }

  /** Ends the current typing burst (the field lost focus, Enter was pressed). */
  function seal(clipId: string): void {
    const { undo, redo } = stacksOf(clipId);
    const top = undo.at(-1);
    if (top?.open) stacks.set(clipId, { undo: [...undo.slice(0, -1), { ...top, open: false }], redo });
  }

  /** Undoes or redoes the latest step; false when there is none. */
  function step(clipId: string, direction: UndoDirection, apply: ApplyUndoEntry): boolean {
    const { undo, redo } = stacksOf(clipId);
    const from = direction === 'undo' ? undo : redo;
    const entry = from.at(-1);
    if (!entry) return false;
    // A throw leaves both stacks as they were: the step can be tried again.
    const heads = apply(entry, direction);
    const moved: UndoEntry = { ...entry, heads, open: false };
    const rest = from.slice(0, -1);
    stacks.set(clipId, direction === 'undo' ? { undo: rest, redo: [...redo, moved] } : { undo: [...undo, moved], redo: rest });
    return true;
  }

  return { canUndo, canRedo, nextUndo, nextRedo, record, seal, step };
});
