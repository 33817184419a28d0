// The API's capture and clipboard history settings: what the Settings dialog's Capture section
// reads and changes. Capture settings need this device's settings file (the desktop app has it;
// `serve` answers 'unsupported'); clipboard history settings are the library's.
import { ApiError, type API_REQUEST_SCHEMAS, type ApiResults } from '../../contract/api.js';
import { SHORTCUT_ACTION_LABELS, SHORTCUT_ACTIONS, type CaptureSettingsView, type ClipboardSettingsView, type ShortcutAction } from '../../contract/capture/capture-settings.js';
import { isPaused, type ClipboardSettings } from '../../contract/clipboard-settings.js';
import type { CaptureSettings, CaptureSettingsStore } from '../capture/capture-settings.js';
import { captureShortcutConflicts, capturePlatform, defaultShortcuts, effectiveShortcuts, shortcutLabel, type CapturePlatform } from '../capture/capture-shortcuts.js';
import { changeClipboardSettings, loadClipboardSettings } from '../capture/clipboard/clipboard-settings-store.js';
import { InvalidEditError } from '../library/errors.js';
import type { Library } from '../library/library.js';

type SettingsMethod = 'captureSettings' | 'changeCaptureSettings' | 'clipboardSettings' | 'changeClipboardSettings';
type Params<M extends SettingsMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type CaptureSettingsHandlers = { [M in SettingsMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

export function createCaptureSettingsHandlers(library: Library, store: CaptureSettingsStore | undefined, options: { platform?: NodeJS.Platform; now?: () => number } = {}): CaptureSettingsHandlers {
  const platform = capturePlatform(options.platform ?? process.platform);
  const now = options.now ?? Date.now;
  const settingsStore = (): CaptureSettingsStore => {
    if (!store) throw new ApiError('unsupported', 'capture settings belong to the ClipShot desktop app on this device; this instance captures nothing');
    return store;
  };
  return {
    captureSettings: () => {
      const opened = settingsStore();
      return captureSettingsView(opened.current, opened, platform);
    },
    changeCaptureSettings: async ({ afterCapture, delaySeconds, shortcuts }) => {
      const opened = settingsStore();
      const current = opened.current;
      const change: Partial<CaptureSettings> = {};
      if (afterCapture) change.afterCapture = { ...current.afterCapture, ...afterCapture };
      if (delaySeconds !== undefined) change.delaySeconds = delaySeconds as CaptureSettings['delaySeconds'];
      if (shortcuts) {
        const next = { ...current.shortcuts };
        for (const [action, keys] of Object.entries(shortcuts) as [ShortcutAction, string[] | null | undefined][]) {
          if (keys === undefined) continue;
          if (keys === null) delete next[action];
          else next[action] = keys;
        }
        // Keys that cannot be registered at all are refused here; clashes are kept and reported.
        const invalid = captureShortcutConflicts(effectiveShortcuts(platform, next), platform).filter((conflict) => conflict.kind === 'invalid');
        if (invalid.length > 0) throw new InvalidEditError(`the shortcuts were not changed: ${invalid.map((conflict) => conflict.problem).join('; ')}`);
        change.shortcuts = next;
      }
      const saved = await opened.update(change).catch((error: unknown) => {
        throw new InvalidEditError(error instanceof Error ? error.message : String(error));
      });
      return captureSettingsView(saved, opened, platform);
    },
    clipboardSettings: async () => clipboardSettingsView(await loadClipboardSettings(library), now()),
    changeClipboardSettings: async ({ enabled, excludedApps, maxItemBytes, pauseMinutes }) => {
      const change: Partial<ClipboardSettings> = {};
      if (enabled !== undefined) change.enabled = enabled;
      if (excludedApps !== undefined) change.excludedApps = excludedApps;
      if (maxItemBytes !== undefined) change.maxItemBytes = maxItemBytes;
      if (pauseMinutes !== undefined) change.pausedUntil = pauseMinutes === 0 ? null : now() + pauseMinutes * 60_000;
      return clipboardSettingsView(await changeClipboardSettings(library, change), now());
    },
  };
}

function captureSettingsView(settings: CaptureSettings, store: CaptureSettingsStore, platform: CapturePlatform): CaptureSettingsView {
  const defaults = defaultShortcuts(platform);
  const keys = effectiveShortcuts(platform, settings.shortcuts);
  const refused = store.refusedShortcuts.filter((conflict) => keys[conflict.action].includes(conflict.keys));
  return {
    afterCapture: settings.afterCapture,
    delaySeconds: settings.delaySeconds,
    shortcuts: SHORTCUT_ACTIONS.map((action) => ({
      action,
      label: SHORTCUT_ACTION_LABELS[action],
      keys: keys[action],
      keyLabels: keys[action].map((spec) => safeLabel(spec, platform)),
      defaultLabels: defaults[action].map((spec) => shortcutLabel(spec, platform)),
      custom: settings.shortcuts[action] !== undefined,
    })),
    conflicts: [...captureShortcutConflicts(keys, platform), ...refused],
    problems: [...store.problems],
  };
}

/** A spec from the file that does not parse still shows, as written (its conflict says why). */
function safeLabel(spec: string, platform: CapturePlatform): string {
  try {
    return shortcutLabel(spec, platform);
  } catch {
    return spec;
  }
}

function clipboardSettingsView(settings: ClipboardSettings, now: number): ClipboardSettingsView {
  return { ...settings, paused: isPaused(settings, now) };
}
