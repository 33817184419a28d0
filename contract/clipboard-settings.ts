// Clipboard history settings, kept in the library's settings document (contract/settings-document.ts)
// so every device records (or does not) the same way.
import type { ImmutableString } from '@automerge/automerge/slim';
import { isImmutableString } from '@automerge/automerge/slim';

export const MB = 1024 * 1024;
export const MAX_EXCLUDED_APPS = 200;
const MAX_APP_CHARS = 200;
/** Bounds of the size limit: below 1 KB nothing useful fits; above 512 MB one copy would fill memory. */
export const MIN_ITEM_BYTES = 1024;
export const MAX_ITEM_BYTES = 512 * MB;

export interface ClipboardSettings {
  /** Whether copies become clips at all. */
  enabled: boolean;
  /** Apps whose copies are never recorded, as the OS names them (bundle id, executable, app name); compared case-insensitively. */
  excludedApps: string[];
  /** A copy larger than this (text in UTF-8, a picture's bytes) is not recorded. */
  maxItemBytes: number;
  /** Until when (ms since the epoch) recording is paused; null when it is not. */
  pausedUntil: number | null;
}

export const DEFAULT_CLIPBOARD_SETTINGS: ClipboardSettings = Object.freeze({
  enabled: true,
  excludedApps: [],
  maxItemBytes: 100 * MB,
  pausedUntil: null,
}) as ClipboardSettings;

/**
 * How they sit in the settings document: flat keys on its root, not a `clipboard` map. The
 * document's genesis is fixed on every device and has no such map, and two devices that each
 * created one before they met would hold rival maps of which a merge keeps one. The excluded apps
 * are one value (a line each): the list is short and edited rarely, so a whole-list
 * last-writer-wins is the honest merge.
 */
export interface ClipboardSettingsDoc {
  clipboardEnabled?: boolean;
  clipboardExcludedApps?: ImmutableString;
  clipboardMaxItemBytes?: number;
  clipboardPausedUntil?: number | null;
}

/** Reads the clipboard keys of a settings document; a bad value is left out, said in `problems`, and its default used. */
export function readClipboardSettings(doc: Record<string, unknown>, problems: string[]): ClipboardSettings {
  const settings: ClipboardSettings = { ...DEFAULT_CLIPBOARD_SETTINGS, excludedApps: [] };
  const enabled = doc.clipboardEnabled;
  if (enabled !== undefined) {
    if (typeof enabled === 'boolean') settings.enabled = enabled;
    else problems.push('clipboard history: "enabled" is not true or false; recording');
  }
  const apps = doc.clipboardExcludedApps;
  if (apps !== undefined) {
    const text = typeof apps === 'string' ? apps : isImmutableString(apps) ? apps.toString() : null;
    if (text === null) problems.push('clipboard history: the excluded apps are not a list; excluding none');
    else settings.excludedApps = normaliseExcludedApps(text.split('\n'));
  }
  const maxBytes = doc.clipboardMaxItemBytes;
  if (maxBytes !== undefined) {
    const refusal = maxItemBytesRefusal(maxBytes);
    if (refusal) problems.push(`clipboard history: ${refusal}; using ${DEFAULT_CLIPBOARD_SETTINGS.maxItemBytes / MB} MB`);
    else settings.maxItemBytes = maxBytes as number;
  }
  const paused = doc.clipboardPausedUntil;
  if (paused !== undefined && paused !== null) {
    if (typeof paused === 'number' && Number.isFinite(paused) && paused >= 0) settings.pausedUntil = paused;
    else problems.push('clipboard history: "paused until" is not a time; not paused');
  }
  return settings;
}

/** Why a size limit cannot be used, or null. */
export function maxItemBytesRefusal(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'the size limit is not a whole number of bytes';
  if (value < MIN_ITEM_BYTES || value > MAX_ITEM_BYTES) return `the size limit must be between 1 KB and ${MAX_ITEM_BYTES / MB} MB`;
  return null;
}

/** Trimmed, without blanks or repeats (case-insensitively), each at most 200 characters, at most 200 of them. */
export function normaliseExcludedApps(apps: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const raw of apps) {
    const app = raw.trim().slice(0, MAX_APP_CHARS);
    if (app === '' || seen.has(app.toLowerCase())) continue;
    seen.add(app.toLowerCase());
    kept.push(app);
    if (kept.length === MAX_EXCLUDED_APPS) break;
  }
  return kept;
}

/** Whether recording is paused at `now`. */
export function isPaused(settings: ClipboardSettings, now: number): boolean {
  return settings.pausedUntil !== null && now < settings.pausedUntil;
}
