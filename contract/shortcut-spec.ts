// Keyboard shortcuts as written in the command registry and the settings document ("Mod+F",
// "ArrowDown", "?", "Mod+Shift+S"). "Mod" is Cmd on macOS and Ctrl elsewhere, so one spec works
// on every device the settings sync to. Pure: the renderer matches key events against these, and
// the settings document is checked with the same parser.

export interface Shortcut {
  key: string;
  mod: boolean;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

const MODIFIER_NAMES = ['mod', 'ctrl', 'alt', 'shift'] as const;
/** Written by name, since "+" separates the parts and " " separates several specs. */
export const NAMED_CHARACTER_KEYS: Record<string, string> = { ' ': 'Space', '+': 'Plus' };
/** The longest key name a spec may hold ("ArrowRight", "AudioVolumeDown" …). */
const MAX_KEY_LENGTH = 30;

export function parseShortcut(spec: string): Shortcut {
  const parts = spec.split('+');
  const key = parts.pop();
  if (!key) throw new Error(`a shortcut needs a key: ${JSON.stringify(spec)}`);
  if (key.length > MAX_KEY_LENGTH || /\s/.test(key)) throw new Error(`${JSON.stringify(key.slice(0, 40))} is not a key name`);
  const modifiers = new Set(parts.map((part) => part.toLowerCase()));
  for (const modifier of modifiers) {
    if (!(MODIFIER_NAMES as readonly string[]).includes(modifier)) throw new Error(`unknown modifier ${JSON.stringify(modifier)} in ${JSON.stringify(spec)}`);
  }
  return { key, mod: modifiers.has('mod'), ctrl: modifiers.has('ctrl'), alt: modifiers.has('alt'), shift: modifiers.has('shift') };
}

export function isLetter(key: string): boolean {
  return key.length === 1 && key.toLowerCase() !== key.toUpperCase();
}

/** A key that types a symbol ("?", "/", "+"): which symbol already says whether Shift was down. */
export function isSymbolKey(key: string): boolean {
  return key === 'Plus' || (key.length === 1 && !isLetter(key) && !/[0-9]/.test(key));
}

/**
 * The one way a shortcut is written: modifiers in the order Mod, Ctrl, Alt, Shift, a letter in
 * upper case, and no Shift on a symbol (the symbol says it already: "?" is Shift+/ on many layouts).
 * Two specs for the same keys normalise to the same string.
 */
export function normaliseShortcut(spec: string): string {
  return formatShortcut(parseShortcut(spec));
}

export function formatShortcut(shortcut: Shortcut): string {
  const key = shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key;
  const symbol = isSymbolKey(shortcut.key);
  const parts: string[] = [];
  if (shortcut.mod) parts.push('Mod');
  if (shortcut.ctrl) parts.push('Ctrl');
  if (shortcut.alt) parts.push('Alt');
  if (shortcut.shift && !symbol) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

/**
 * The same keys on this platform? "Mod+F" and "Ctrl+F" are one shortcut except on macOS, where
 * Mod is Cmd.
 */
export function sameShortcut(a: string, b: string, isMac: boolean): boolean {
  return platformForm(a, isMac) === platformForm(b, isMac);
}

function platformForm(spec: string, isMac: boolean): string {
  const shortcut = parseShortcut(normaliseShortcut(spec));
  const ctrl = shortcut.ctrl || (shortcut.mod && !isMac);
  const meta = shortcut.mod && isMac;
  return `${ctrl ? 'C' : ''}${meta ? 'M' : ''}${shortcut.alt ? 'A' : ''}${shortcut.shift ? 'S' : ''}:${shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key}`;
}

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'AltGraph', 'Meta', 'OS', 'Super', 'Hyper', 'Fn', 'FnLock', 'CapsLock', 'NumLock', 'ScrollLock', 'Symbol', 'SymbolLock']);
/** Keys that produce no key of their own: accents waiting for a letter, input methods composing. */
const NON_KEYS = new Set(['Dead', 'Unidentified', 'Process', 'Compose']);

/** Why these keys cannot be a shortcut, in plain words; null when they can. */
export function shortcutRefusal(shortcut: Shortcut): string | null {
  if (MODIFIER_KEYS.has(shortcut.key)) return `${shortcut.key} alone is a modifier: hold it and press another key`;
  if (shortcut.key === 'Tab') return 'Tab moves between controls, so it cannot be a shortcut';
  if (NON_KEYS.has(shortcut.key)) return 'that key does not type a key of its own (an accent or an input method); try another';
  return null;
}
