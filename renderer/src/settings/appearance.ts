// How the appearance settings become the page's colours and motion: a few attributes on <html>
// (theme.css and base.css key off them) and, for custom themes and accents, token values as CSS
// custom properties on it (CSSOM, which the strict CSP allows; no inline <style>).
import { isHexColour, parseHexColour, readableTextOn } from '../../../contract/colour.js';
import type { ReducedMotionChoice } from '../../../contract/settings-document.js';
import { THEME_TOKENS, type ThemeToken } from '../../../contract/themes.js';
import type { ThemeOption } from './theme-registry.js';

/** The appearance as it is applied: plain values, also kept in localStorage for the next first paint. */
export interface ResolvedAppearance {
  /** <html data-theme>: a built-in theme, or a custom theme's base; null follows the system. */
  dataTheme: 'light' | 'dark' | 'high-contrast' | null;
  /** Token → value, set as --token on <html>. */
  tokens: Partial<Record<ThemeToken, string>>;
  /** Whether the system's "more contrast" request turns high contrast on (only while following the system). */
  followContrast: boolean;
  reducedMotion: ReducedMotionChoice;
}

export const SYSTEM_APPEARANCE: ResolvedAppearance = { dataTheme: null, tokens: {}, followContrast: true, reducedMotion: 'system' };

/** How strongly a custom accent tints the "soft" accent background. */
const ACCENT_SOFT_PERCENT = 22;
const ACCENT_SOFT = /^color-mix\(in srgb, #[0-9a-f]{6} \d{1,2}%, transparent\)$/;

export function resolveAppearance(theme: ThemeOption, accent: string | null, reducedMotion: ReducedMotionChoice): ResolvedAppearance {
  const tokens: Partial<Record<ThemeToken, string>> = { ...(theme.definition?.tokens ?? {}) };
  const dataTheme = theme.definition ? theme.definition.base : theme.id === 'system' ? null : (theme.id as 'light' | 'dark' | 'high-contrast');
  const accentColour = accent ? parseHexColour(accent) : null;
  if (accent && accentColour) {
    tokens.accent = accent;
    tokens['accent-text'] = readableTextOn(accentColour).colour;
    tokens['accent-soft'] = `color-mix(in srgb, ${accent} ${ACCENT_SOFT_PERCENT}%, transparent)`;
  } else if (tokens.accent && !tokens['accent-text']) {
    // A theme that names its accent but not the text on it: the base's text colour would be a guess.
    const themeAccent = parseHexColour(tokens.accent);
    if (themeAccent) tokens['accent-text'] = readableTextOn(themeAccent).colour;
  }
  return { dataTheme, tokens, followContrast: theme.id === 'system', reducedMotion };
}

/** Whether a value may be set as a token: a colour, or the accent tint this module makes. */
export function isTokenValue(value: unknown): value is string {
  return isHexColour(value) || (typeof value === 'string' && ACCENT_SOFT.test(value));
}

export interface SystemPreferences {
  moreContrast: boolean;
  reducedMotion: boolean;
}

export function readSystemPreferences(view: Window = window): SystemPreferences {
  const matches = (query: string) => view.matchMedia?.(query).matches ?? false;
  return { moreContrast: matches('(prefers-contrast: more)'), reducedMotion: matches('(prefers-reduced-motion: reduce)') };
}

/** Calls `onChange` whenever the system's contrast or motion preference changes; returns the way to stop. */
export function watchSystemPreferences(onChange: () => void, view: Window = window): () => void {
  const queries = ['(prefers-contrast: more)', '(prefers-reduced-motion: reduce)'].map((query) => view.matchMedia?.(query)).filter((list) => list !== undefined);
  for (const list of queries) list.addEventListener('change', onChange);
  return () => {
    for (const list of queries) list.removeEventListener('change', onChange);
  };
}

export function applyAppearance(appearance: ResolvedAppearance, system: SystemPreferences, root: HTMLElement = document.documentElement): void {
  if (appearance.dataTheme) root.dataset.theme = appearance.dataTheme;
  else delete root.dataset.theme;
  if (appearance.followContrast && system.moreContrast) root.dataset.contrast = 'more';
  else delete root.dataset.contrast;
  const reduce = appearance.reducedMotion === 'always' || (appearance.reducedMotion === 'system' && system.reducedMotion);
  if (reduce) root.dataset.motion = 'reduce';
  else delete root.dataset.motion;
  for (const token of THEME_TOKENS) {
    const value = appearance.tokens[token];
    if (value !== undefined && isTokenValue(value)) root.style.setProperty(`--${token}`, value);
    else root.style.removeProperty(`--${token}`);
  }
}
