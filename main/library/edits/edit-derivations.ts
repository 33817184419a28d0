import { ImmutableString } from '@automerge/automerge';
import { isDeepStrictEqual } from 'node:util';
import { readClipDetails, type ClipDetails } from '../../../contract/clip-details.js';
import type { ClipEdited, ClipKind, ClipView } from '../../../contract/clips.js';
import type { ClipEditedDoc } from '../../../contract/shard-document.js';
import type { Library } from '../library.js';

/** What a clip's edits come to, as a deriver computes it; the runner stores the thumbnail. */
export interface DerivedEdits {
  summary: string;
  /** The thumbnail with the edits burned in (WebP). */
  thumb?: Buffer;
  width?: number;
  height?: number;
  durationMs?: number;
  /** A text clip's edited text. */
  text?: string;
}

/** Computes a clip's rendering from its edits; null when the edits leave the clip as imported. */
export type EditDeriver = (library: Library, clip: ClipView, details: ClipDetails) => Promise<DerivedEdits | null>;
export type EditDerivers = Record<ClipKind, EditDeriver>;

/** How long edits must rest before they are rendered again: typing and dragging come in bursts. */
const SETTLE_MS: Record<ClipKind, number> = { image: 300, video: 300, text: 1000 };

/**
 * Keeps each clip's `edited` entry (what the grid, search and other devices see) in step with
 * its detail document. Runs after the edits settle, one clip at a time; a clip whose rendering
 * is pending is recorded in the database, so a stop in between is made good at the next open.
 */
export class EditDerivations {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #pendingStatement;
  readonly #clearStatement;
  readonly #listStatement;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly library: Library,
    private readonly derivers: EditDerivers,
    private readonly onError: (clipId: string, error: unknown) => void,
  ) {
    this.#pendingStatement = library.db.prepare('INSERT OR IGNORE INTO edits_pending (clip_id) VALUES (?)');
    this.#clearStatement = library.db.prepare('DELETE FROM edits_pending WHERE clip_id = ?');
    this.#listStatement = library.db.prepare('SELECT clip_id FROM edits_pending').pluck();
  }

  /** The clip's edits changed: render them once they have settled. */
  schedule(clipId: string, kind: ClipKind): void {
    if (this.#stopped) return;
    this.#pendingStatement.run(clipId);
    clearTimeout(this.#timers.get(clipId));
    const timer = setTimeout(() => {
      this.#timers.delete(clipId);
      void this.#enqueue(clipId);
    }, SETTLE_MS[kind]);
    timer.unref();
    this.#timers.set(clipId, timer);
  }

  /** Renders the clips left pending by an earlier run (a crash, a kill). */
  resumePending(): void {
    for (const clipId of this.#listStatement.all() as string[]) void this.#enqueue(clipId);
  }

  /** Renders everything scheduled now and resolves once all of it is written. */
  async settle(): Promise<void> {
    for (const [clipId, timer] of [...this.#timers]) {
      clearTimeout(timer);
      this.#timers.delete(clipId);
      void this.#enqueue(clipId);
    }
    await this.#queue;
  }

  async stop(): Promise<void> {
    await this.settle();
    this.#stopped = true;
  }

  /** Renders one clip's edits now (export, re-analyse), whether or not they changed. */
  deriveNow(clipId: string): Promise<void> {
    return this.#enqueue(clipId);
  }

  #enqueue(clipId: string): Promise<void> {
    const run = this.#queue.then(() => this.#derive(clipId));
    this.#queue = run.catch((error: unknown) => this.onError(clipId, error));
    return run;
  }

  async #derive(clipId: string): Promise<void> {
    const clip = this.library.index.get(clipId);
    if (!clip) {
      this.#clearStatement.run(clipId);
      return;
    }
    const read = await this.library.details.read(clipId, (doc) => (doc === null ? null : readClipDetails(doc, clipId)));
    const details = read?.ok ? read.details : null;
    const derived = details ? await this.derivers[clip.kind](this.library, clip, details) : null;
    const thumb = derived?.thumb ? await this.library.blobs.putBytes(derived.thumb) : null;
    const edited: ClipEdited | null = derived && {
      summary: derived.summary,
      at: Date.now(),
      ...(thumb && { thumb: thumb.hash }),
      ...(derived.width !== undefined && { width: derived.width }),
      ...(derived.height !== undefined && { height: derived.height }),
      ...(derived.durationMs !== undefined && { durationMs: derived.durationMs }),
    };
    const previous = clip.edited;
    const text = derived?.text;
    // The index folds an edited text into the clip's text, so that is what to compare it with.
    const unchanged = sameRendering(previous, edited) && (text === undefined || clip.text === text);
    if (!unchanged) {
      await this.library.changeClip(clipId, 'derive', (entry) => {
        entry.edited = edited && toEditedDoc(edited, text);
      });
    }
    this.#clearStatement.run(clipId);
    if (previous?.thumb && previous.thumb !== edited?.thumb && !this.library.index.isBlobReferenced(previous.thumb)) {
      await this.library.blobs.remove(previous.thumb);
    }
  }
}

function sameRendering(a: ClipEdited | null, b: ClipEdited | null): boolean {
  if (a === null || b === null) return a === b;
  const { at: _a, ...restA } = a;
  const { at: _b, ...restB } = b;
  return isDeepStrictEqual(restA, restB);
}

function toEditedDoc(edited: ClipEdited, text: string | undefined): ClipEditedDoc {
  return {
    summary: new ImmutableString(edited.summary),
    at: edited.at,
    ...(edited.thumb !== undefined && { thumb: new ImmutableString(edited.thumb) }),
    ...(edited.width !== undefined && { width: edited.width }),
    ...(edited.height !== undefined && { height: edited.height }),
    ...(edited.durationMs !== undefined && { durationMs: edited.durationMs }),
    ...(text !== undefined && { text: new ImmutableString(text) }),
  };
}
