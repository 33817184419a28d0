// A copy of the resolved appearance in this browser's localStorage, so the first paint of the next
// window has the right colours before the settings document arrives from the core.
import { REDUCED_MOTION_CHOICES } from '../../../contract/settings-document.js';
import { BUILT_IN_THEMES, THEME_TOKENS, type BuiltInTheme, type ThemeToken } from '../../../contract/themes.js';
import { isTokenValue, SYSTEM_APPEARANCE, type ResolvedAppearance } from './appearance.js';

export const APPEARANCE_STORAGE_KEY = 'clipshot.appearance';
/** Where the theme lived before settings were synced: read once, carried into the settings document. */
export const LEGACY_THEME_STORAGE_KEY = 'clipshot.theme';

const DATA_THEMES = ['light', 'dark', 'high-contrast'] as const;

/** The stored copy, checked value by value (storage is the page's own, but may hold an older shape). */
export function readAppearanceCopy(storage: Storage | null = safeStorage()): ResolvedAppearance {
  const legacy = readLegacyThemeChoice(storage);
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(APPEARANCE_STORAGE_KEY) ?? 'null');
  } catch {
    raw = null;
  }
  if (raw === null || typeof raw !== 'object') return legacy && legacy !== 'system' ? { ...SYSTEM_APPEARANCE, dataTheme: legacy, followContrast: false } : SYSTEM_APPEARANCE;
  const copy = raw as Record<string, unknown>;
  const dataTheme = DATA_THEMES.find((theme) => theme === copy.dataTheme) ?? null;
  const tokens: Partial<Record<ThemeToken, string>> = {};
  if (copy.tokens !== null && typeof copy.tokens === 'object') {
    for (const token of THEME_TOKENS) {
      const value = (copy.tokens as Record<string, unknown>)[token];
      if (isTokenValue(value)) tokens[token] = value;
    }
  }
  return {
    dataTheme,
    tokens,
    followContrast: copy.followContrast === true,
    reducedMotion: REDUCED_MOTION_CHOICES.find((choice) => choice === copy.reducedMotion) ?? 'system',
  };
}

export function writeAppearanceCopy(appearance: ResolvedAppearance, storage: Storage | null = safeStorage()): void {
  try {
    storage?.setItem(APPEARANCE_STORAGE_KEY, JSON.stringify(appearance));
  } catch {
    // Storage full or disabled: the next window paints with the system colours first, then catches up.
  }
}

export function readLegacyThemeChoice(storage: Storage | null = safeStorage()): BuiltInTheme | null {
  const stored = storage?.getItem(LEGACY_THEME_STORAGE_KEY) ?? null;
  return BUILT_IN_THEMES.find((theme) => theme === stored) ?? null;
}

export function forgetLegacyThemeChoice(storage: Storage | null = safeStorage()): void {
  storage?.removeItem(LEGACY_THEME_STORAGE_KEY);
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage can be disabled; the system appearance is a fine answer
  }
}
