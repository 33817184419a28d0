// The library's settings document: one per library, synced to every window and device. It holds
// what a person sets once and expects everywhere: shortcut overrides, the theme, the accent
// colour, custom themes and the reduced-motion preference.
import type { ImmutableString } from '@automerge/automerge/slim';
import { isImmutableString } from '@automerge/automerge/slim';
import { z } from 'zod';
import { DEFAULT_CLIPBOARD_SETTINGS, readClipboardSettings, type ClipboardSettings, type ClipboardSettingsDoc } from './clipboard-settings.js';
import { isHexColour } from './colour.js';
import type { LockSettingsDoc } from './lock.js';
import { normaliseShortcut, parseShortcut, shortcutRefusal } from './shortcut-spec.js';
import { CUSTOM_THEME_ID, MAX_CUSTOM_THEMES, isThemeChoice, readThemeDefinition, type ThemeChoice, type ThemeDefinition } from './themes.js';

/** Version written into the settings document; readers accept this and older versions. */
export const SETTINGS_SCHEMA_VERSION = 1;
export const SETTINGS_DOC_TYPE = 'clipshot/settings';

export const REDUCED_MOTION_CHOICES = ['system', 'always', 'never'] as const;
export type ReducedMotionChoice = (typeof REDUCED_MOTION_CHOICES)[number];

/** A command id as components register it ("focus-search", "editor.tool.arrow"). */
export const COMMAND_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const MAX_KEYS_PER_COMMAND = 4;
const MAX_OVERRIDES = 1000;

export interface CustomThemeDoc {
  name: ImmutableString;
  base: ImmutableString;
  tokens: Record<string, ImmutableString>;
}

export interface SettingsDoc extends ClipboardSettingsDoc, LockSettingsDoc {
  schema: number;
  type: ImmutableString;
  /** Command id → its keys, space-separated shortcut specs ('' = no keys); absent = the command's own keys. */
  shortcuts: Record<string, ImmutableString>;
  appearance: {
    theme?: ImmutableString;
    /** '#rrggbb', or absent for the theme's own accent. */
    accent?: ImmutableString;
    reducedMotion?: ImmutableString;
  };
  /** Custom themes by id (CUSTOM_THEME_ID). */
  themes: Record<string, CustomThemeDoc>;
}

export interface CustomTheme extends ThemeDefinition {
  id: string;
}

/** The settings as plain, checked values. */
export interface Settings {
  /** Command id → the keys that replace its own (normalised specs; [] = none). */
  shortcuts: Record<string, string[]>;
  theme: ThemeChoice;
  accent: string | null;
  reducedMotion: ReducedMotionChoice;
  /** By name. */
  customThemes: CustomTheme[];
  /** Clipboard history (contract/clipboard-settings.ts). */
  clipboard: ClipboardSettings;
}

export const DEFAULT_SETTINGS: Settings = { shortcuts: {}, theme: 'system', accent: null, reducedMotion: 'system', customThemes: [], clipboard: DEFAULT_CLIPBOARD_SETTINGS };

export type SettingsRead = { ok: true; settings: Settings; problems: string[] } | { ok: false; reason: string };

/** What a change to the settings document is about (its message). */
export type SettingsArea = 'shortcuts' | 'appearance' | 'themes' | 'clipboard' | 'lock';

export function settingsChangeMessage(area: SettingsArea): string {
  return `settings ${area}`;
}

// Peers and older versions may have written plain strings; both read the same.
const scalarString = z.union([z.string(), z.custom<ImmutableString>((value) => isImmutableString(value))]).transform((value) => value.toString());

const headerSchema = z.object({
  schema: z.number().int().min(1),
  type: scalarString.pipe(z.literal(SETTINGS_DOC_TYPE)),
});

/**
 * Reads a settings document into plain, checked values. A malformed value (from a peer, or a newer
 * version) is left out and said in `problems`; the rest is used, and defaults fill the gaps.
 */
export function readSettings(doc: unknown): SettingsRead {
  const header = headerSchema.safeParse(doc);
  if (!header.success) return { ok: false, reason: 'not a ClipShot settings document' };
  if (header.data.schema > SETTINGS_SCHEMA_VERSION) {
    return { ok: false, reason: `written by a newer ClipShot (settings schema ${header.data.schema}, this version reads up to ${SETTINGS_SCHEMA_VERSION})` };
  }
  const raw = doc as Partial<Record<keyof SettingsDoc, unknown>>;
  const problems: string[] = [];
  const shortcuts = readShortcuts(raw.shortcuts, problems);
  const customThemes = readCustomThemes(raw.themes, problems);
  const appearance = isRecord(raw.appearance) ? raw.appearance : {};
  if (raw.appearance !== undefined && !isRecord(raw.appearance)) problems.push('appearance is not a map; using the default appearance');

  let theme: ThemeChoice = DEFAULT_SETTINGS.theme;
  const themeValue = scalar(appearance.theme);
  if (themeValue !== undefined) {
    if (isThemeChoice(themeValue)) theme = themeValue;
    else problems.push(`theme ${describe(appearance.theme)} is not a theme; using System`);
  }
  let accent: string | null = null;
  const accentValue = scalar(appearance.accent);
  if (accentValue !== undefined) {
    if (isHexColour(accentValue) && accentValue.length === 7) accent = accentValue.toLowerCase();
    else problems.push(`accent ${describe(appearance.accent)} is not a #rrggbb colour; using the theme's accent`);
  }
  let reducedMotion: ReducedMotionChoice = DEFAULT_SETTINGS.reducedMotion;
  const motionValue = scalar(appearance.reducedMotion);
  if (motionValue !== undefined) {
    const choice = REDUCED_MOTION_CHOICES.find((candidate) => candidate === motionValue);
    if (choice) reducedMotion = choice;
    else problems.push(`reduced motion ${describe(appearance.reducedMotion)} is not one of ${REDUCED_MOTION_CHOICES.join(', ')}; following the system`);
  }
  const clipboard = readClipboardSettings(raw as Record<string, unknown>, problems);
  return { ok: true, settings: { shortcuts, theme, accent, reducedMotion, customThemes, clipboard }, problems };
}

function readShortcuts(value: unknown, problems: string[]): Record<string, string[]> {
  const shortcuts: Record<string, string[]> = {};
  if (value === undefined) return shortcuts;
  if (!isRecord(value)) {
    problems.push('shortcuts is not a map; using every command’s own keys');
    return shortcuts;
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_OVERRIDES) problems.push(`${entries.length} shortcut overrides; only the first ${MAX_OVERRIDES} are used`);
  for (const [commandId, keys] of entries.slice(0, MAX_OVERRIDES)) {
    const read = readKeys(keys);
    if (!COMMAND_ID.test(commandId)) problems.push(`shortcut override for ${JSON.stringify(commandId.slice(0, 40))}: not a command id`);
    else if (typeof read === 'string') problems.push(`shortcut override for ${commandId}: ${read}; using its own keys`);
    else shortcuts[commandId] = read;
  }
  return shortcuts;
}

/** The keys of one override, or why they cannot be used. */
export function readKeys(value: unknown): string[] | string {
  const text = scalar(value);
  if (text === undefined) return `${describe(value)} is not a list of shortcuts`;
  const specs = text.split(' ').filter((spec) => spec !== '');
  if (specs.length > MAX_KEYS_PER_COMMAND) return `more than ${MAX_KEYS_PER_COMMAND} keys`;
  const keys: string[] = [];
  for (const spec of specs) {
    let normalised: string;
    try {
      normalised = normaliseShortcut(spec);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    const refusal = shortcutRefusal(parseShortcut(normalised));
    if (refusal) return `${normalised}: ${refusal}`;
    if (!keys.includes(normalised)) keys.push(normalised);
  }
  return keys;
}

/** How an override is written into the document. */
export function writeKeys(keys: string[]): string {
  return keys.map(normaliseShortcut).join(' ');
}

function readCustomThemes(value: unknown, problems: string[]): CustomTheme[] {
  if (value === undefined) return [];
  if (!isRecord(value)) {
    problems.push('themes is not a map; no custom themes');
    return [];
  }
  const themes: CustomTheme[] = [];
  for (const [id, entry] of Object.entries(value)) {
    if (!CUSTOM_THEME_ID.test(id)) {
      problems.push(`custom theme ${JSON.stringify(id.slice(0, 40))}: not a custom theme id`);
      continue;
    }
    const read = readThemeDefinition(toPlain(entry));
    if (read.ok) themes.push({ id, ...read.theme });
    else problems.push(`custom theme ${id}: ${read.errors.join('; ')}`);
  }
  themes.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  if (themes.length > MAX_CUSTOM_THEMES) problems.push(`${themes.length} custom themes; only ${MAX_CUSTOM_THEMES} are used`);
  return themes.slice(0, MAX_CUSTOM_THEMES);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isImmutableString(value);
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isImmutableString(value)) return value.toString();
  return undefined;
}

/** A document value with ImmutableStrings as plain strings, for checking with the same schema as a theme file. */
function toPlain(value: unknown): unknown {
  if (isImmutableString(value)) return value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toPlain(inner)]));
  return value;
}

function describe(value: unknown): string {
  const text = scalar(value);
  if (text !== undefined) return JSON.stringify(text.slice(0, 40));
  return value === null ? 'null' : typeof value;
}
