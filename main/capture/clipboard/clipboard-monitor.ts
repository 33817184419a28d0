import { createHash } from 'node:crypto';
import { isPaused, type ClipboardSettings } from '../../../contract/clipboard-settings.js';
import { sha256InSlices } from '../../library/blobs/hash-in-slices.js';
import type { ClipboardReader } from './clipboard-reader.js';
import { itemBytes, readClipboardItem, type ClipboardItem, type ClipboardItemKind } from './clipboard-item.js';
import { concealment } from './concealed-formats.js';
import type { SavedClipboardItem } from './clipboard-clips.js';

/** Electron has no clipboard event; a quarter-second poll of a cheap marker feels instant and costs little. */
export const DEFAULT_POLL_MS = 250;
/** Recent content remembered to fold a repeated copy without reading the library (or encoding a picture again). */
const RECENT_ITEMS = 100;

export type IgnoredReason = 'disabled' | 'paused' | 'skipped-once' | 'concealed' | 'excluded-app' | 'empty' | 'too-large';

export type ClipboardEvent =
  | { type: 'recorded'; clipId: string; kind: ClipboardItemKind; sourceApp: string | null; folded: boolean }
  | { type: 'ignored'; reason: IgnoredReason; detail: string }
  | { type: 'failed'; reason: string };

/** Where recorded items go: the library (clipboardLibrarySink) or anything else that keeps clips. */
export interface ClipboardSink {
  save(item: ClipboardItem, details: { sourceApp: string | null }): Promise<SavedClipboardItem>;
  /** Marks a kept clip as copied again; false when it is gone (purged, in the trash), so it is saved anew. */
  bump(clipId: string): Promise<boolean>;
}

export interface ClipboardMonitorOptions {
  reader: ClipboardReader;
  sink: ClipboardSink;
  /** The settings as they are now; read on every change, so a change in any window applies at once. */
  settings: () => ClipboardSettings | Promise<ClipboardSettings>;
  onEvent?: (event: ClipboardEvent) => void;
  pollMs?: number;
  now?: () => number;
}

/**
 * Watches a clipboard and records each new copy, unless a rule says no. The rules, in order:
 * history off, paused, "skip the next copy", a password manager's concealed or transient marker,
 * an excluded source app, nothing to keep, over the size limit. A copy of content recorded
 * recently bumps that clip. What was on the clipboard when watching began is not recorded: it
 * was copied while the person had not asked for history.
 */
export class ClipboardMonitor {
  readonly #options: ClipboardMonitorOptions;
  #lastMarker: string | null = null;
  #skipNext = false;
  #recent = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;

  constructor(options: ClipboardMonitorOptions) {
    this.#options = options;
  }

  /** Starts polling; the current content becomes the baseline. */
  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#lastMarker = await this.#options.reader.changeMarker();
    this.#schedule();
  }

  /** Stops polling, after the copy being handled (if any) is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** "Pause for the next copy": the next change of the clipboard is not recorded, whatever it is. */
  skipNextCopy(): void {
    this.#skipNext = true;
  }

  get skipsNextCopy(): boolean {
    return this.#skipNext;
  }

  /**
   * Looks at the clipboard once, handling a change if there is one; polling calls this, and so
   * can anyone who knows the clipboard changed. Calls made while one runs wait for it.
   */
  check(): Promise<void> {
    const previous = this.#running ?? Promise.resolve();
    const run = previous.then(() => this.#checkOnce());
    this.#running = run.finally(() => {
      if (this.#running === run) this.#running = null;
    });
    return run;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.check().finally(() => this.#schedule());
    }, this.#options.pollMs ?? DEFAULT_POLL_MS);
  }

  async #checkOnce(): Promise<void> {
    const { reader } = this.#options;
    let marker: string;
    try {
      marker = await reader.changeMarker();
    } catch (error) {
      this.#emit({ type: 'failed', reason: `the clipboard could not be read: ${messageOf(error)}` });
      return;
    }
    if (marker === this.#lastMarker) return;
    this.#lastMarker = marker;
    try {
      await this.#handleChange();
    } catch (error) {
      this.#emit({ type: 'failed', reason: messageOf(error) });
    }
  }

  async #handleChange(): Promise<void> {
    const { reader } = this.#options;
    const settings = await this.#options.settings();
    if (!settings.enabled) return this.#ignore('disabled', 'clipboard history is off');
    const now = this.#options.now?.() ?? Date.now();
    if (isPaused(settings, now)) return this.#ignore('paused', `paused until ${new Date(settings.pausedUntil!).toISOString()}`);
    if (this.#skipNext) {
      this.#skipNext = false;
      return this.#ignore('skipped-once', 'paused for this copy');
    }
    const formats = await reader.formats();
    const concealed = await concealment(reader, formats);
    if (concealed) return this.#ignore('concealed', concealed);
    const sourceApp = await reader.sourceApp();
    if (sourceApp !== null && isExcluded(sourceApp, settings.excludedApps)) return this.#ignore('excluded-app', `copied in ${sourceApp}, which is excluded`);
    const item = await readClipboardItem(reader);
    if (!item) return this.#ignore('empty', `nothing to keep in ${formats.length === 0 ? 'an empty clipboard' : formats.join(', ')}`);
    const bytes = itemBytes(item);
    if (bytes > settings.maxItemBytes) return this.#ignore('too-large', `${item.kind} of ${bytes} bytes is over the ${settings.maxItemBytes}-byte limit`);

    const key = await contentKey(item);
    const recentId = this.#recent.get(key);
    if (recentId !== undefined && (await this.#options.sink.bump(recentId))) {
      this.#remember(key, recentId);
      return this.#emit({ type: 'recorded', clipId: recentId, kind: item.kind, sourceApp, folded: true });
    }
    const saved = await this.#options.sink.save(item, { sourceApp });
    this.#remember(key, saved.clipId);
    this.#emit({ type: 'recorded', clipId: saved.clipId, kind: item.kind, sourceApp, folded: saved.folded });
  }

  #remember(key: string, clipId: string): void {
    this.#recent.delete(key);
    this.#recent.set(key, clipId);
    if (this.#recent.size > RECENT_ITEMS) this.#recent.delete(this.#recent.keys().next().value!);
  }

  #ignore(reason: IgnoredReason, detail: string): void {
    this.#emit({ type: 'ignored', reason, detail });
  }

  #emit(event: ClipboardEvent): void {
    this.#options.onEvent?.(event);
  }
}

/** Whether an app is excluded: by its whole name, case-insensitively ("Firefox" also matches "firefox.exe" and "org.mozilla.firefox"'s last part). */
export function isExcluded(sourceApp: string, excludedApps: readonly string[]): boolean {
  const names = appNames(sourceApp);
  return excludedApps.some((excluded) => {
    const wanted = excluded.trim().toLowerCase();
    return wanted !== '' && names.has(wanted);
  });
}

function appNames(sourceApp: string): Set<string> {
  const whole = sourceApp.trim().toLowerCase();
  const file = whole.split(/[/\\]/).pop() ?? whole;
  const stem = file.replace(/\.(exe|app|desktop)$/, '');
  const lastPart = stem.split('.').pop() ?? stem;
  return new Set([whole, file, stem, lastPart]);
}

/** A digest of what was copied, for folding repeats; a picture is hashed a slice at a time. */
async function contentKey(item: ClipboardItem): Promise<string> {
  switch (item.kind) {
    case 'text':
    case 'link':
      return `text:${createHash('sha256').update(item.text, 'utf8').digest('hex')}`;
    case 'files':
      return `files:${createHash('sha256').update(item.paths.join('\0'), 'utf8').digest('hex')}`;
    case 'image':
      return `image:${item.image.encoding}:${await sha256InSlices(item.image.bytes)}`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
