import type { DocHandle, DocHandleChangePayload } from '@automerge/automerge-repo/slim';
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import { DEFAULT_SETTINGS, readSettings, type ReducedMotionChoice, type Settings, type SettingsDoc } from '../../../contract/settings-document.js';
import { MAX_CUSTOM_THEMES, type ThemeChoice, type ThemeDefinition } from '../../../contract/themes.js';
import { useSettingsDocuments } from '../documents/settings-documents.js';
import { readLegacyThemeChoice, forgetLegacyThemeChoice } from '../settings/appearance-copy.js';
import { clearShortcuts, deleteCustomTheme, writeAppearance, writeCustomTheme, writeShortcuts, type SettingsHandle, type ShortcutChanges } from '../settings/settings-writes.js';

export type SettingsStatus = 'opening' | 'ready' | 'failed' | 'unavailable';

/**
 * The library's settings, live from its settings document: shortcut overrides, theme, accent,
 * custom themes, reduced motion. Every change is an Automerge change, so other windows (and,
 * once devices sync, other devices) see it at once. Until the document arrives the defaults
 * apply (the appearance is painted from its local copy meanwhile: see appearance-copy.ts).
 */
export const useSettingsStore = defineStore('settings', () => {
  const source = useSettingsDocuments();
  const current = shallowRef<Settings>(DEFAULT_SETTINGS);
  /** What in the document could not be used (a peer's malformed value), one line each. */
  const problems = ref<string[]>([]);
  const status = ref<SettingsStatus>(source ? 'opening' : 'unavailable');
  /** Why the settings cannot be read or saved, in words; '' when they can. */
  const failure = ref(source ? '' : 'settings are not available in this window');
  let handle: SettingsHandle | null = null;
  let disposed = false;

  const show = (doc: SettingsDoc | undefined): void => {
    const read = readSettings(doc);
    if (!read.ok) {
      current.value = DEFAULT_SETTINGS;
      problems.value = [];
      failure.value = `The settings cannot be read: ${read.reason}.`;
      status.value = 'failed';
      return;
    }
    current.value = read.settings;
    problems.value = read.problems;
    failure.value = '';
    status.value = 'ready';
  };
  const onChange = (payload: DocHandleChangePayload<SettingsDoc>): void => show(payload.doc);

  const opened: Promise<SettingsHandle | null> = source
    ? source.open().then(
        (opening) => {
          if (disposed) return null;
          handle = opening;
          opening.on('change', onChange);
          show(opening.doc());
          carryLegacyTheme(opening);
          return opening;
        },
        (error: unknown) => {
          failure.value = `The settings could not be opened: ${error instanceof Error ? error.message : String(error)}`;
          status.value = 'failed';
          return null;
        },
      )
    : Promise.resolve(null);

  onScopeDispose(() => {
    disposed = true;
    handle?.off('change', onChange);
  });

  /** Runs a write once the document is open; refuses (with the reason) where it cannot be saved. */
  async function write(edit: (handle: SettingsHandle) => void): Promise<void> {
    const ready = await opened;
    if (!ready || status.value !== 'ready') throw new Error(failure.value || 'the settings are not open');
    edit(ready);
  }

  /** Before settings were synced the theme lived in this browser alone: carry it over once. */
  function carryLegacyTheme(opening: DocHandle<SettingsDoc>): void {
    const legacy = readLegacyThemeChoice();
    if (legacy === null || status.value !== 'ready') return;
    if (opening.doc()?.appearance?.theme === undefined) writeAppearance(opening, { theme: legacy });
    forgetLegacyThemeChoice();
  }

  return {
    settings: computed(() => current.value),
    shortcuts: computed(() => current.value.shortcuts),
    theme: computed(() => current.value.theme),
    accent: computed(() => current.value.accent),
    reducedMotion: computed(() => current.value.reducedMotion),
    customThemes: computed(() => current.value.customThemes),
    problems,
    status,
    failure,
    /** Resolves once the document is open (or failed to open). */
    whenOpen: () => opened.then(() => undefined),
    setShortcuts: (changes: ShortcutChanges) => write((target) => writeShortcuts(target, changes)),
    resetAllShortcuts: () => write(clearShortcuts),
    setTheme: (theme: ThemeChoice) => write((target) => writeAppearance(target, { theme })),
    setAccent: (accent: string | null) => write((target) => writeAppearance(target, { accent })),
    setReducedMotion: (reducedMotion: ReducedMotionChoice) => write((target) => writeAppearance(target, { reducedMotion })),
    /** Adds a custom theme (or replaces one by id) and returns its id. */
    saveCustomTheme: async (theme: ThemeDefinition, id = newCustomThemeId()): Promise<string> => {
      const replacing = current.value.customThemes.some((existing) => existing.id === id);
      if (!replacing && current.value.customThemes.length >= MAX_CUSTOM_THEMES) throw new Error(`a library keeps at most ${MAX_CUSTOM_THEMES} custom themes; delete one first`);
      await write((target) => writeCustomTheme(target, id, theme));
      return id;
    },
    deleteCustomTheme: (id: string) => write((target) => deleteCustomTheme(target, id, 'system')),
  };
});

function newCustomThemeId(): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `custom-${[...random].map((byte) => byte.toString(36).padStart(2, '0')).join('')}`;
}
