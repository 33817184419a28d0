import { diff, type Patch, type Prop } from '@automerge/automerge/slim';
import { decodeHeads, type DocHandle, type UrlHeads } from '@automerge/automerge-repo/slim';
import { onBeforeUnmount, ref, type Ref } from 'vue';
import type { RuleResult } from '../../../contract/clip-rules.js';
import { describeError } from '../lib/describe-error.js';
import { unsentEdits } from '../documents/unsent-edits.js';
import { carrySelection } from './carry-selection.js';
import { useClipUndoStore, type TextField } from './clip-undo-store.js';

/** Typing is written this long after the last keystroke (and at once on blur). */
const WRITE_DELAY_MS = 300;

/** Where a collaborative text lives and how it is written. */
export interface CollaborativeTextSource<T> {
  handle: DocHandle<T>;
  /** The text's path in the document, for carrying the caret over others' edits. */
  path: Prop[];
  clipId: string;
  /** Which undo step the typing records. */
  field: TextField;
  /** What `what` says when a write fails ("save the notes"). */
  doing: string;
  read(doc: T | undefined): string | undefined;
  /** Writes `text` as the text at `heads`, so whatever arrived meanwhile merges; returns the heads of that write. */
  writeAt(heads: UrlHeads, text: string): UrlHeads;
  check(raw: string): RuleResult;
}

export interface CollaborativeText {
  text: Ref<string>;
  error: Ref<string>;
  onInput(event: Event): void;
  onCompositionStart(): void;
  onCompositionEnd(event: CompositionEvent): void;
  /** Writes what is typed now and ends the undo step (blur, Enter, before an undo). */
  finish(): void;
}

/**
 * A textarea bound to Automerge text that several windows (and, later, devices) type into at
 * once: local typing is written as an edit at the heads the field last showed, so others' text
 * merges in per character; their text appears as it arrives, with the caret kept by the
 * characters it was next to; and every burst of typing is one undo step of this window's own.
 */
export function useCollaborativeText<T>(source: CollaborativeTextSource<T>, area: Ref<HTMLTextAreaElement | null>): CollaborativeText {
  const undo = useClipUndoStore();
  const error = ref('');
  const text = ref(read() ?? '');
  // The field showed exactly the document's text at these heads.
  let syncedHeads: UrlHeads = source.handle.heads();
  let syncedText = text.value;
  // Heads of this field's last write: typing continues the same undo step only if nothing else
  // changed the text in between (an undo must never take back another window's text).
  let lastWrittenHeads: UrlHeads | null = null;
  let composing = false;
  let writing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function read(): string | undefined {
    return source.read(source.handle.doc());
  }

  /** Typing not yet in the document: the field must not be overwritten meanwhile. */
  function hasLocalChanges(): boolean {
    return composing || writing || timer !== undefined || error.value !== '';
  }

  function onInput(event: Event): void {
    text.value = (event.target as HTMLTextAreaElement).value;
    // An IME composes in several steps; only the finished text is written.
    if (composing) return;
    clearTimeout(timer);
    timer = undefined;
    const result = source.check(text.value);
    error.value = result.ok ? '' : result.reason;
    if (result.ok) timer = setTimeout(flush, WRITE_DELAY_MS);
  }

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (composing) return;
    const result = source.check(text.value);
    if (!result.ok) {
      error.value = result.reason;
      return;
    }
    error.value = '';
    if (result.value !== syncedText) {
      writing = true;
      try {
        const startNew = lastWrittenHeads === null || !sameHeads(lastWrittenHeads, syncedHeads);
        const heads = source.writeAt(syncedHeads, result.value);
        undo.record(source.clipId, { field: source.field, before: syncedText, after: result.value }, heads, { coalesce: true, startNew });
        lastWrittenHeads = heads;
        syncedHeads = heads;
        syncedText = result.value;
      } catch (cause) {
        error.value = describeError(cause, source.doing);
        return;
      } finally {
        writing = false;
      }
    }
    followDocument();
  }

  /** Shows the document's text, the truth once local typing is written. */
  function followDocument(): void {
    if (hasLocalChanges()) return;
    const current = read();
    // Unchanged text (another field changed): the synced heads stay, so the typing that follows
    // still continues its undo step.
    if (current === undefined || (current === syncedText && current === text.value)) return;
    const heads = source.handle.heads();
    const element = area.value;
    if (current !== text.value && element) {
      const focused = element === document.activeElement;
      const selection = carrySelection(patchesSinceSynced(heads), source.path, { start: element.selectionStart, end: element.selectionEnd }, current.length);
      const scrollTop = element.scrollTop;
      text.value = current;
      element.value = current;
      if (focused) element.setSelectionRange(selection.start, selection.end);
      element.scrollTop = scrollTop;
    } else {
      text.value = current;
    }
    syncedHeads = heads;
    syncedText = current;
  }

  function patchesSinceSynced(heads: UrlHeads): Patch[] {
    try {
      return diff(source.handle.doc() as object, decodeHeads(syncedHeads), decodeHeads(heads));
    } catch {
      return []; // heads this document no longer knows: the caret is only clamped
    }
  }

  function finish(): void {
    flush();
    undo.seal(source.clipId);
  }

  // Every change as it happens (not a watcher on the text, which would miss A → B → A in one tick).
  const onDocumentChange = (): void => followDocument();
  source.handle.on('change', onDocumentChange);
  // Typing not yet written when the window is closed is written then.
  const stopPending = unsentEdits.addPendingWrite(() => {
    if (timer !== undefined) flush();
  });
  onBeforeUnmount(() => {
    stopPending();
    flush();
    source.handle.off('change', onDocumentChange);
  });

  return {
    text,
    error,
    onInput,
    onCompositionStart: () => {
      composing = true;
    },
    onCompositionEnd: (event) => {
      composing = false;
      onInput(event);
    },
    finish,
  };
}

function sameHeads(a: UrlHeads, b: UrlHeads): boolean {
  return a.length === b.length && a.every((head) => b.includes(head));
}
