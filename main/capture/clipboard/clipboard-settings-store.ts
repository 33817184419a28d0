import { ImmutableString } from '@automerge/automerge';
import {
  DEFAULT_CLIPBOARD_SETTINGS,
  maxItemBytesRefusal,
  normaliseExcludedApps,
  readClipboardSettings,
  type ClipboardSettings,
} from '../../../contract/clipboard-settings.js';
import { settingsChangeMessage } from '../../../contract/settings-document.js';
import { InvalidEditError } from '../../library/errors.js';
import type { Library } from '../../library/library.js';

/** The library's clipboard history settings as they are now (defaults when never set). */
export async function loadClipboardSettings(library: Library): Promise<ClipboardSettings> {
  return library.settings.read((doc) => (doc ? readClipboardSettings(doc as unknown as Record<string, unknown>, []) : { ...DEFAULT_CLIPBOARD_SETTINGS, excludedApps: [] }));
}

/** Changes some of them, checked first (a bad value changes nothing); durable when this resolves. */
export async function changeClipboardSettings(library: Library, change: Partial<ClipboardSettings>): Promise<ClipboardSettings> {
  if (change.maxItemBytes !== undefined) {
    const refusal = maxItemBytesRefusal(change.maxItemBytes);
    if (refusal) throw new InvalidEditError(refusal);
  }
  if (change.pausedUntil !== undefined && change.pausedUntil !== null && !(Number.isFinite(change.pausedUntil) && change.pausedUntil >= 0)) {
    throw new InvalidEditError('"paused until" must be a time (ms since the epoch) or null');
  }
  const apps = change.excludedApps === undefined ? undefined : normaliseExcludedApps(change.excludedApps);
  await library.write(() =>
    library.settings.change(settingsChangeMessage('clipboard'), (doc) => {
      if (change.enabled !== undefined) doc.clipboardEnabled = change.enabled;
      if (apps !== undefined) doc.clipboardExcludedApps = new ImmutableString(apps.join('\n'));
      if (change.maxItemBytes !== undefined) doc.clipboardMaxItemBytes = change.maxItemBytes;
      if (change.pausedUntil !== undefined) doc.clipboardPausedUntil = change.pausedUntil;
    }),
  );
  return loadClipboardSettings(library);
}
