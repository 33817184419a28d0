// Keyboard shortcuts as written in the command registry ("Mod+F", "ArrowDown", "?") and how a
// key event matches one. "Mod" is Cmd on macOS and Ctrl elsewhere.

export interface Shortcut {
  key: string;
  mod: boolean;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

export function parseShortcut(spec: string): Shortcut {
  const parts = spec.split('+');
  // "Mod++" would name the plus key; nothing uses it, so the last part is the key.
  const key = parts.pop();
  if (!key) throw new Error(`a shortcut needs a key: ${JSON.stringify(spec)}`);
  const modifiers = new Set(parts.map((part) => part.toLowerCase()));
  for (const modifier of modifiers) {
    if (!['mod', 'ctrl', 'alt', 'shift'].includes(modifier)) throw new Error(`unknown modifier ${JSON.stringify(modifier)} in ${JSON.stringify(spec)}`);
  }
  return { key, mod: modifiers.has('mod'), ctrl: modifiers.has('ctrl'), alt: modifiers.has('alt'), shift: modifiers.has('shift') };
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export function matchesShortcut(event: KeyPress, shortcut: Shortcut, isMac: boolean): boolean {
  const printable = shortcut.key.length === 1;
  const keyMatches = printable ? event.key.toLowerCase() === shortcut.key.toLowerCase() : event.key === shortcut.key;
  if (!keyMatches) return false;
  const wantCtrl = shortcut.ctrl || (shortcut.mod && !isMac);
  const wantMeta = shortcut.mod && isMac;
  if (event.ctrlKey !== wantCtrl || event.metaKey !== wantMeta || event.altKey !== shortcut.alt) return false;
  // A symbol already says whether Shift was down ("?" is Shift+/ on many layouts); a letter does
  // not (Ctrl+Shift+Z is not Ctrl+Z), nor does a named key.
  if (printable && !shortcut.shift && !isLetter(shortcut.key)) return true;
  return event.shiftKey === shortcut.shift;
}

function isLetter(key: string): boolean {
  return key.toLowerCase() !== key.toUpperCase();
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
  ' ': 'Space',
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

export function isMacPlatform(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
