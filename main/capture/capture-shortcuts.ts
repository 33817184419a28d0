// The global capture shortcuts: each OS's habits as defaults (Print Screen on Windows and Linux,
// Cmd+Shift+3/4 on macOS), the person's own keys instead, Electron's accelerator for each, and
// every conflict said in words: two actions on one key, keys the OS keeps for itself, keys another
// app already holds. Specs are contract/shortcut-spec.ts's ("Mod+Shift+4", "Alt+PrintScreen").
import { CAPTURE_ACTIONS, SHORTCUT_ACTION_LABELS, SHORTCUT_ACTIONS, type CaptureAction, type ShortcutAction } from '../../contract/capture/capture-settings.js';
import { isLetter, parseShortcut, sameShortcut, shortcutRefusal, type Shortcut } from '../../contract/shortcut-spec.js';
import { defaultPickerShortcut } from './clipboard/picker-shortcut.js';

export { CAPTURE_ACTIONS, SHORTCUT_ACTIONS, type CaptureAction, type ShortcutAction } from '../../contract/capture/capture-settings.js';
export const CAPTURE_ACTION_LABELS: Record<ShortcutAction, string> = SHORTCUT_ACTION_LABELS;

export type CapturePlatform = 'darwin' | 'win32' | 'linux';

export function capturePlatform(platform: NodeJS.Platform): CapturePlatform {
  return platform === 'darwin' || platform === 'win32' ? platform : 'linux';
}

const PRINT_SCREEN_DEFAULTS: Record<CaptureAction, string[]> = {
  'capture-region': ['PrintScreen'],
  'capture-window': ['Alt+PrintScreen'],
  'capture-screen': ['Shift+PrintScreen'],
  'capture-repeat': ['Ctrl+Shift+PrintScreen'],
};

/** The default keys of each action on a platform. */
export function defaultCaptureShortcuts(platform: CapturePlatform): Record<CaptureAction, string[]> {
  if (platform === 'darwin') {
    return {
      'capture-screen': ['Mod+Shift+3'],
      'capture-region': ['Mod+Shift+4'],
      'capture-window': ['Mod+Shift+5'],
      'capture-repeat': ['Mod+Shift+6'],
    };
  }
  return structuredClone(PRINT_SCREEN_DEFAULTS);
}

/** The default keys of every global shortcut (the screenshots' and the picker's) on a platform. */
export function defaultShortcuts(platform: CapturePlatform): Record<ShortcutAction, string[]> {
  return { ...defaultCaptureShortcuts(platform), 'clipboard-picker': defaultPickerShortcut(platform) };
}

/** The keys every global shortcut has: the person's override, else the platform's default. */
export function effectiveShortcuts(platform: CapturePlatform, overrides: Partial<Record<ShortcutAction, string[]>>): Record<ShortcutAction, string[]> {
  const keys = defaultShortcuts(platform);
  for (const action of SHORTCUT_ACTIONS) {
    const override = overrides[action];
    if (override) keys[action] = [...override];
  }
  return keys;
}

/** The keys each action has: the person's override, else the platform's default. */
export function effectiveCaptureShortcuts(platform: CapturePlatform, overrides: Partial<Record<CaptureAction, string[]>>): Record<CaptureAction, string[]> {
  const keys = defaultCaptureShortcuts(platform);
  for (const action of CAPTURE_ACTIONS) {
    const override = overrides[action];
    if (override) keys[action] = [...override];
  }
  return keys;
}

/** How a shortcut reads for a person on this platform: "⌘⇧4" on a Mac, "Ctrl+Shift+Print Screen" elsewhere. */
export function shortcutLabel(spec: string, platform: CapturePlatform): string {
  const shortcut = parseShortcut(spec);
  const key = shortcut.key === 'PrintScreen' ? 'Print Screen' : shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key;
  if (platform === 'darwin') {
    return `${shortcut.ctrl ? '⌃' : ''}${shortcut.alt ? '⌥' : ''}${shortcut.shift ? '⇧' : ''}${shortcut.mod ? '⌘' : ''}${key}`;
  }
  return [shortcut.mod || shortcut.ctrl ? 'Ctrl' : '', shortcut.alt ? 'Alt' : '', shortcut.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

const ACCELERATOR_KEYS: Record<string, string> = {
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Escape: 'Esc',
  Space: 'Space',
  Plus: 'Plus',
  Enter: 'Enter',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  PrintScreen: 'PrintScreen',
};

/** Electron's accelerator for a spec ("CommandOrControl+Shift+4"); null for a key Electron cannot register. */
export function toAccelerator(spec: string): string | null {
  let shortcut: Shortcut;
  try {
    shortcut = parseShortcut(spec);
  } catch {
    return null;
  }
  const key = acceleratorKey(shortcut.key);
  if (key === null) return null;
  const parts: string[] = [];
  if (shortcut.mod) parts.push('CommandOrControl');
  if (shortcut.ctrl) parts.push('Control');
  if (shortcut.alt) parts.push('Alt');
  if (shortcut.shift) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

function acceleratorKey(key: string): string | null {
  if (ACCELERATOR_KEYS[key]) return ACCELERATOR_KEYS[key];
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(key)) return key;
  if (isLetter(key) && /^[a-z]$/i.test(key)) return key.toUpperCase();
  if (/^[0-9]$/.test(key)) return key;
  if (key.length === 1 && /[)!@#$%^&*(:;<=>?_~{}|"',./`[\]\\-]/.test(key)) return key;
  return null;
}

export interface ShortcutConflict {
  action: ShortcutAction;
  keys: string;
  /** invalid and duplicate keys are not registered; reserved ones are (they work once the OS's own is off); taken ones the OS refused. */
  kind: 'invalid' | 'duplicate' | 'reserved' | 'taken';
  /** What is wrong and what to do, in words. */
  problem: string;
}

interface Reservation {
  keys: string;
  owner: string;
  fix: string;
}

const MAC_SCREENSHOTS_FIX = 'turn it off in System Settings › Keyboard › Keyboard Shortcuts › Screenshots (as other capture tools ask), or choose other keys';
const RESERVED: Record<CapturePlatform, Reservation[]> = {
  darwin: [
    { keys: 'Mod+Shift+3', owner: 'macOS’s own “Save picture of screen as a file”', fix: MAC_SCREENSHOTS_FIX },
    { keys: 'Mod+Shift+4', owner: 'macOS’s own “Save picture of selected area as a file”', fix: MAC_SCREENSHOTS_FIX },
    { keys: 'Mod+Shift+5', owner: 'macOS’s own “Screenshot and recording options”', fix: MAC_SCREENSHOTS_FIX },
    { keys: 'Mod+Ctrl+Shift+3', owner: 'macOS’s own “Copy picture of screen to the clipboard”', fix: MAC_SCREENSHOTS_FIX },
    { keys: 'Mod+Ctrl+Shift+4', owner: 'macOS’s own “Copy picture of selected area to the clipboard”', fix: MAC_SCREENSHOTS_FIX },
  ],
  win32: [
    {
      keys: 'PrintScreen',
      owner: 'Windows 11’s Snipping Tool (when “Use the Print screen key to open screen capture” is on)',
      fix: 'turn that off in Settings › Accessibility › Keyboard, or choose other keys',
    },
  ],
  linux: [
    { keys: 'PrintScreen', owner: 'the desktop’s own screenshot tool on GNOME and KDE', fix: 'remove it in the desktop’s keyboard shortcut settings (Screenshots), or choose other keys' },
    { keys: 'Alt+PrintScreen', owner: 'the desktop’s own window screenshot on GNOME and KDE', fix: 'remove it in the desktop’s keyboard shortcut settings (Screenshots), or choose other keys' },
    { keys: 'Shift+PrintScreen', owner: 'the desktop’s own screen screenshot on GNOME', fix: 'remove it in the desktop’s keyboard shortcut settings (Screenshots), or choose other keys' },
  ],
};

/**
 * Everything wrong with a set of capture shortcuts before any is registered: keys that cannot be
 * a shortcut, keys without a modifier that would take a key from every app, two actions on the
 * same keys, and keys the OS keeps for its own screenshots (taken by the OS while its own is on).
 */
export function captureShortcutConflicts(shortcuts: Partial<Record<ShortcutAction, string[]>>, platform: CapturePlatform): ShortcutConflict[] {
  const conflicts: ShortcutConflict[] = [];
  const isMac = platform === 'darwin';
  const seen: { action: ShortcutAction; keys: string }[] = [];
  for (const action of SHORTCUT_ACTIONS) {
    for (const keys of shortcuts[action] ?? []) {
      let shortcut: Shortcut;
      try {
        shortcut = parseShortcut(keys);
      } catch (error) {
        conflicts.push({ action, keys, kind: 'invalid', problem: `${JSON.stringify(keys.slice(0, 40))} is not a shortcut: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      const label = shortcutLabel(keys, platform);
      const refusal = shortcutRefusal(shortcut);
      if (refusal) {
        conflicts.push({ action, keys, kind: 'invalid', problem: `${label} cannot be a shortcut: ${refusal}` });
        continue;
      }
      if (toAccelerator(keys) === null) {
        conflicts.push({ action, keys, kind: 'invalid', problem: `${label} cannot be a global shortcut: the OS has no name for that key; choose another` });
        continue;
      }
      const modified = shortcut.mod || shortcut.ctrl || shortcut.alt;
      if (!modified && !isFreeStandingKey(shortcut.key)) {
        conflicts.push({ action, keys, kind: 'invalid', problem: `${label} alone would stop that key working in every other app; add Ctrl, Alt or ${isMac ? 'Cmd' : 'Ctrl'}` });
        continue;
      }
      const twin = seen.find((other) => sameShortcut(other.keys, keys, isMac));
      if (twin) {
        conflicts.push({ action, keys, kind: 'duplicate', problem: `${label} is given to both “${CAPTURE_ACTION_LABELS[twin.action]}” and “${CAPTURE_ACTION_LABELS[action]}”; give one of them other keys` });
        continue;
      }
      seen.push({ action, keys });
      const reserved = RESERVED[platform].find((reservation) => sameShortcut(reservation.keys, keys, isMac));
      if (reserved) conflicts.push({ action, keys, kind: 'reserved', problem: `${label} is also ${reserved.owner}, which gets the keys first; ${reserved.fix}` });
    }
  }
  return conflicts;
}

/** A key that may be a global shortcut on its own: nobody types with it. */
function isFreeStandingKey(key: string): boolean {
  return key === 'PrintScreen' || /^F(1[3-9]|2[0-4])$/.test(key) || key === 'Pause' || key === 'ScrollLock';
}

/** What the shell says when the OS refused to register keys (another app holds them). */
export function registrationFailure(action: ShortcutAction, keys: string, platform: CapturePlatform): ShortcutConflict {
  const label = shortcutLabel(keys, platform);
  const otherRoute = action === 'clipboard-picker' || action === 'capture-repeat' ? 'or use the tray menu' : `or use the tray menu or \`clipshot capture ${action.replace('capture-', '')}\``;
  return {
    action,
    keys,
    kind: 'taken',
    problem: `${label} for “${CAPTURE_ACTION_LABELS[action]}” is taken by another app (or the desktop); choose other keys in ClipShot’s settings (Capture), ${otherRoute}`,
  };
}

/** The README's table of default shortcuts, generated from the defaults so the two cannot differ. */
export function defaultShortcutTable(): string {
  const rows = SHORTCUT_ACTIONS.map((action) => {
    const windows = defaultShortcuts('win32')[action].map((keys) => shortcutLabel(keys, 'win32')).join(', ');
    const mac = defaultShortcuts('darwin')[action].map((keys) => shortcutLabel(keys, 'darwin')).join(', ');
    return `| ${CAPTURE_ACTION_LABELS[action]} | ${windows} | ${mac} |`;
  });
  return ['| capture | Windows and Linux | macOS |', '| --- | --- | --- |', ...rows].join('\n');
}

