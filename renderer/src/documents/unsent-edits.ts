// A window's edits reach the core a moment after they are made: typing is written 300 ms after the
// last key, and automerge-repo sends a document's changes at most every 100 ms. A window closed or
// reloaded within that moment would lose them, so leaving is held up until they are out.
import { getLastLocalChange } from '@automerge/automerge/slim';
import type { DocHandle } from '@automerge/automerge-repo/slim';

/** Comfortably longer than the sync throttle plus a round trip on loopback. */
export const SEND_GRACE_MS = 600;

/** The part of a beforeunload event this needs (this module is also compiled without the DOM's types). */
interface HeldUnload {
  preventDefault(): void;
  returnValue: unknown;
}

interface UnloadTarget {
  addEventListener(type: 'beforeunload', listener: (event: HeldUnload) => void): void;
  removeEventListener(type: 'beforeunload', listener: (event: HeldUnload) => void): void;
}

/** Tracks the window's own changes (not ones that arrived from elsewhere) and what is still being typed. */
export class UnsentEdits {
  readonly #watched = new WeakSet<DocHandle<unknown>>();
  readonly #pendingWrites = new Set<() => void>();
  /** Documents this window changed within the grace period, with how to send their changes now. */
  readonly #recent = new Map<DocHandle<unknown>, { changedAt: number; sendNow: () => void }>();
  #lastLocalChange = -Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Notes every change made in this window to the document. automerge-repo reports changes that
   * arrived by sync the same way as local ones, so a change is this window's own when the
   * document's last change by this window's actor is a new one. `sendNow` sends the document's
   * changes without waiting (see send-now.ts); leaving the page calls it.
   */
  watch<T>(handle: DocHandle<T>, sendNow: () => void = () => undefined): void {
    if (this.#watched.has(handle as DocHandle<unknown>)) return;
    this.#watched.add(handle as DocHandle<unknown>);
    let lastOwn = handle.isReady() ? getLastLocalChange(handle.doc()) : undefined;
    handle.on('change', ({ doc }) => {
      const own = getLastLocalChange(doc);
      if (own === undefined || (lastOwn !== undefined && sameBytes(own, lastOwn))) return;
      lastOwn = own;
      this.#lastLocalChange = this.now();
      this.#forgetSent();
      this.#recent.set(handle as DocHandle<unknown>, { changedAt: this.#lastLocalChange, sendNow });
    });
  }

  /** A field with typing not yet written registers how to write it now; the returned function unregisters. */
  addPendingWrite(write: () => void): () => void {
    this.#pendingWrites.add(write);
    return () => this.#pendingWrites.delete(write);
  }

  /**
   * Writes whatever is still being typed and sends every recent change at once, then says
   * whether any change may not have reached the core.
   */
  flushAndCheck(): boolean {
    for (const write of [...this.#pendingWrites]) write();
    this.#forgetSent();
    for (const { sendNow } of this.#recent.values()) sendNow();
    return this.now() - this.#lastLocalChange < SEND_GRACE_MS;
  }

  #forgetSent(): void {
    const now = this.now();
    for (const [handle, { changedAt }] of this.#recent) if (now - changedAt >= SEND_GRACE_MS) this.#recent.delete(handle);
  }

  /**
   * Holds up leaving the page while edits are on their way: the browser asks the person, and by
   * the time they answer the edits have reached the core (the Electron shell retries the close).
   */
  guard(target: UnloadTarget): () => void {
    const onBeforeUnload = (event: HeldUnload): void => {
      if (!this.flushAndCheck()) return;
      event.preventDefault();
      // Older engines ask through returnValue.
      event.returnValue = '';
    };
    target.addEventListener('beforeunload', onBeforeUnload);
    return () => target.removeEventListener('beforeunload', onBeforeUnload);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** The window's one tracker. */
export const unsentEdits = new UnsentEdits();
