// Every change this window makes to the settings document: one Automerge change each, scalar
// strings as ImmutableString, whole values replaced (the last writer wins per value, which is
// what a person expects of a setting changed on two devices).
import { ImmutableString } from '@automerge/automerge/slim';
import type { DocHandle } from '@automerge/automerge-repo/slim';
import { settingsChangeMessage, writeKeys, type ReducedMotionChoice, type SettingsDoc } from '../../../contract/settings-document.js';
import type { ThemeChoice, ThemeDefinition } from '../../../contract/themes.js';

export type SettingsHandle = DocHandle<SettingsDoc>;

/** Command id → its new keys, or null to go back to the command's own. */
export type ShortcutChanges = Record<string, readonly string[] | null>;

export function writeShortcuts(handle: SettingsHandle, changes: ShortcutChanges): void {
  handle.change(
    (doc) => {
      for (const [commandId, keys] of Object.entries(changes)) {
        if (keys === null) delete doc.shortcuts[commandId];
        else doc.shortcuts[commandId] = new ImmutableString(writeKeys([...keys]));
      }
    },
    { message: settingsChangeMessage('shortcuts') },
  );
}

export function clearShortcuts(handle: SettingsHandle): void {
  handle.change(
    (doc) => {
      for (const commandId of Object.keys(doc.shortcuts)) delete doc.shortcuts[commandId];
    },
    { message: settingsChangeMessage('shortcuts') },
  );
}

export function writeAppearance(handle: SettingsHandle, change: { theme?: ThemeChoice; accent?: string | null; reducedMotion?: ReducedMotionChoice }): void {
  handle.change(
    (doc) => {
      if (change.theme !== undefined) doc.appearance.theme = new ImmutableString(change.theme);
      if (change.accent === null) delete doc.appearance.accent;
      else if (change.accent !== undefined) doc.appearance.accent = new ImmutableString(change.accent);
      if (change.reducedMotion !== undefined) doc.appearance.reducedMotion = new ImmutableString(change.reducedMotion);
    },
    { message: settingsChangeMessage('appearance') },
  );
}

export function writeCustomTheme(handle: SettingsHandle, id: string, theme: ThemeDefinition): void {
  handle.change(
    (doc) => {
      doc.themes[id] = {
        name: new ImmutableString(theme.name),
        base: new ImmutableString(theme.base),
        tokens: Object.fromEntries(Object.entries(theme.tokens).map(([token, colour]) => [token, new ImmutableString(colour)])),
      };
    },
    { message: settingsChangeMessage('themes') },
  );
}

/** Deletes a custom theme; if it was the chosen one, the theme goes back to `fallback`. */
export function deleteCustomTheme(handle: SettingsHandle, id: string, fallback: ThemeChoice): void {
  handle.change(
    (doc) => {
      delete doc.themes[id];
      if (doc.appearance.theme?.toString() === id) doc.appearance.theme = new ImmutableString(fallback);
    },
    { message: settingsChangeMessage('themes') },
  );
}
