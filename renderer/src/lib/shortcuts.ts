// Keyboard shortcuts as written in the command registry ("Mod+F", "ArrowDown", "?") and how a
// key event matches one. "Mod" is Cmd on macOS and Ctrl elsewhere.

import { NAMED_CHARACTER_KEYS, formatShortcut, isSymbolKey, parseShortcut, shortcutRefusal, type Shortcut } from '../../../contract/shortcut-spec.js';

export { normaliseShortcut, parseShortcut, sameShortcut, type Shortcut } from '../../../contract/shortcut-spec.js';

export interface KeyPress {
  key: string;
  /** The physical key ("KeyS"), where known: with Alt held, macOS types a symbol instead of the letter. */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export function matchesShortcut(event: KeyPress, shortcut: Shortcut, isMac: boolean): boolean {
  const printable = shortcut.key.length === 1;
  const key = keyOf(event);
  const keyMatches = printable ? key.toLowerCase() === shortcut.key.toLowerCase() : key === shortcut.key;
  if (!keyMatches) return false;
  const wantCtrl = shortcut.ctrl || (shortcut.mod && !isMac);
  const wantMeta = shortcut.mod && isMac;
  if (event.ctrlKey !== wantCtrl || event.metaKey !== wantMeta || event.altKey !== shortcut.alt) return false;
  // A symbol already says whether Shift was down ("?" is Shift+/ on many layouts); a letter does
  // not (Ctrl+Shift+Z is not Ctrl+Z), nor does a named key.
  if (!shortcut.shift && isSymbolKey(shortcut.key)) return true;
  return event.shiftKey === shortcut.shift;
}

/**
 * The key as specs name it: " " is Space, "+" is Plus, and with Alt held a letter or digit is
 * read from the physical key (Alt+S types "ß" on a Mac).
 */
function keyOf(event: KeyPress): string {
  if (event.altKey && event.code) {
    const physical = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(event.code);
    if (physical) return physical[1] ?? physical[2]!;
  }
  return NAMED_CHARACTER_KEYS[event.key] ?? event.key;
}

export type CapturedShortcut = { ok: true; spec: string } | { ok: false; reason: string };

/**
 * The shortcut a key press makes, normalised, for remapping: Ctrl (Cmd on macOS) becomes Mod so
 * the same keys work on every device the settings reach. Refused, with the reason: a modifier on
 * its own, Tab, keys that type nothing of their own, and the Windows/Super key outside macOS.
 */
export function shortcutFromEvent(event: KeyPress, isMac: boolean): CapturedShortcut {
  const key = keyOf(event);
  const bare: Shortcut = { key, mod: false, ctrl: false, alt: false, shift: false };
  const refusal = shortcutRefusal(bare) ?? (event.metaKey && !isMac ? 'the Windows (Super) key belongs to the system; use Ctrl or Alt' : null);
  if (refusal) return { ok: false, reason: refusal };
  const shortcut: Shortcut = {
    key,
    mod: isMac ? event.metaKey : event.ctrlKey,
    ctrl: isMac && event.ctrlKey,
    alt: event.altKey,
    // Shift on a symbol is part of the symbol ("?"); on a letter, digit or named key it is a modifier.
    shift: event.shiftKey && !isSymbolKey(key),
  };
  return { ok: true, spec: formatShortcut(shortcut) };
}

/** The keys as aria-keyshortcuts writes them ("Control+Shift+S"), several separated by spaces. */
export function ariaKeyShortcuts(specs: readonly string[], isMac: boolean): string {
  return specs
    .map((spec) => {
      const shortcut = parseShortcut(spec);
      const parts: string[] = [];
      if (shortcut.ctrl || (shortcut.mod && !isMac)) parts.push('Control');
      if (shortcut.mod && isMac) parts.push('Meta');
      if (shortcut.alt) parts.push('Alt');
      if (shortcut.shift) parts.push('Shift');
      parts.push(shortcut.key === 'Space' ? 'Space' : shortcut.key === 'Plus' ? 'Plus' : shortcut.key);
      return parts.join('+');
    })
    .join(' ');
}

const KEY_NAMES: Record<string, string> = {
  ArrowUp: '↑',
  ArrowDown: '↓',
  ArrowLeft: '←',
  ArrowRight: '→',
  Escape: 'Esc',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
  Delete: 'Delete',
  Backspace: 'Backspace',
  Space: 'Space',
  Plus: '+',
};

/** How a shortcut is shown to a person, as the separate keys to press. */
export function describeShortcut(spec: string, isMac: boolean): string[] {
  const shortcut = parseShortcut(spec);
  const keys: string[] = [];
  if (shortcut.mod) keys.push(isMac ? '⌘' : 'Ctrl');
  if (shortcut.ctrl) keys.push('Ctrl');
  if (shortcut.alt) keys.push(isMac ? '⌥' : 'Alt');
  if (shortcut.shift) keys.push('Shift');
  keys.push(KEY_NAMES[shortcut.key] ?? (shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key));
  return keys;
}

/** Whether keys typed at `target` are text for a field rather than shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'color', 'file'].includes(target.type);
  return false;
}

const KEY_ACTIVATED_ROLES = new Set(['button', 'link', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'tab', 'switch', 'checkbox', 'radio']);

/**
 * Whether the key presses the focused control itself: Enter or Space, unmodified, on a button, a
 * link or an element acting as one. A shortcut on those keys must leave them to it, or a keyboard
 * user could never press that control.
 */
export function activatesFocusedControl(event: KeyPress & { target: EventTarget | null }): boolean {
  if ((event.key !== 'Enter' && event.key !== ' ') || event.ctrlKey || event.metaKey || event.altKey) return false;
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLButtonElement || target.localName === 'summary') return true;
  if (target instanceof HTMLAnchorElement) return target.hasAttribute('href');
  if (target instanceof HTMLInputElement) return ['button', 'checkbox', 'radio', 'reset', 'submit', 'color', 'file'].includes(target.type);
  return KEY_ACTIVATED_ROLES.has(target.getAttribute('role') ?? '');
}

export function isMacPlatform(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
