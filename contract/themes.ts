// Themes: the built-in ones, and custom themes as a small JSON of design tokens, e.g.
//   { "name": "Solarized", "base": "dark", "tokens": { "bg": "#002b36", "text": "#eee8d5", "accent": "#b58900" } }
// A token is one of the colour variables of renderer/src/styles/theme.css, without its "--";
// tokens a theme leaves out keep the base theme's colours.
import { z } from 'zod';
import { isHexColour, parseHexColour, relativeLuminance } from './colour.js';

export const THEME_TOKENS = [
  'bg',
  'surface',
  'surface-raised',
  'surface-sunken',
  'border',
  'text',
  'text-muted',
  'accent',
  'accent-text',
  'accent-soft',
  'danger',
  'danger-soft',
  'warning-soft',
  'mark',
  'mark-text',
  'focus',
  'shadow-color',
] as const;
export type ThemeToken = (typeof THEME_TOKENS)[number];
export type ThemeTokens = Partial<Record<ThemeToken, string>>;

export const THEME_BASES = ['light', 'dark'] as const;
export type ThemeBase = (typeof THEME_BASES)[number];

/** Built-in themes; 'system' follows the device (light or dark, and high contrast when it asks for more contrast). */
export const BUILT_IN_THEMES = ['system', 'light', 'dark', 'high-contrast'] as const;
export type BuiltInTheme = (typeof BUILT_IN_THEMES)[number];

/** A custom theme's id in the settings document ("custom-" and up to 32 letters or digits). */
export const CUSTOM_THEME_ID = /^custom-[a-z0-9]{1,32}$/;
/** Themes plugins contribute (later): "plugin-<plugin id>-<theme>". */
export const PLUGIN_THEME_ID = /^plugin-[a-z0-9][a-z0-9.-]{0,80}$/;

/** Which theme is chosen: a built-in one, a custom one by id, or (later) a plugin's. */
export type ThemeChoice = string;

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && ((BUILT_IN_THEMES as readonly string[]).includes(value) || CUSTOM_THEME_ID.test(value) || PLUGIN_THEME_ID.test(value));
}

export function isThemeToken(name: string): name is ThemeToken {
  return (THEME_TOKENS as readonly string[]).includes(name);
}

export const MAX_THEME_FILE_CHARS = 16 * 1024;
export const MAX_THEME_NAME_CHARS = 60;
/** Custom themes one library keeps. */
export const MAX_CUSTOM_THEMES = 50;

export interface ThemeDefinition {
  name: string;
  /** The built-in theme whose colours fill in the tokens left out (and that sets light or dark controls). */
  base: ThemeBase;
  tokens: ThemeTokens;
}

const tokensSchema = z
  .record(z.string(), z.unknown(), { error: 'must be an object of token names and colours, like { "bg": "#ffffff" }' })
  .superRefine((tokens, context) => {
    const entries = Object.entries(tokens);
    if (entries.length === 0) context.addIssue({ code: 'custom', message: `give at least one token (${THEME_TOKENS.join(', ')})` });
    for (const [name, value] of entries) {
      if (!isThemeToken(name)) context.addIssue({ code: 'custom', path: [name], message: `not a theme token (the tokens are ${THEME_TOKENS.join(', ')})` });
      else if (!isHexColour(value)) context.addIssue({ code: 'custom', path: [name], message: `${describeValue(value)} is not a colour; write it as #rgb, #rrggbb or #rrggbbaa` });
    }
  })
  .transform((tokens) => Object.fromEntries(Object.entries(tokens).map(([name, value]) => [name, String(value).toLowerCase()])) as ThemeTokens);

const nameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'a theme needs a name' : 'must be text') })
  .trim()
  .min(1, 'a theme needs a name')
  .max(MAX_THEME_NAME_CHARS, `longer than ${MAX_THEME_NAME_CHARS} characters`);

/** A theme as a file or a settings document holds it; the same rules on both. */
export const themeDefinitionSchema = z.strictObject(
  {
    name: nameSchema,
    base: z.enum(THEME_BASES, { error: 'must be "light" or "dark"' }).optional(),
    tokens: z.unknown().pipe(tokensSchema),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: not part of a theme (a theme has name, base and tokens)` : 'a theme is a JSON object with a name and tokens') },
);

export type ThemeParse = { ok: true; theme: ThemeDefinition } | { ok: false; errors: string[] };

/** Checks a theme file's text: every mistake gets its own line, in plain words. */
export function parseThemeFile(text: string): ThemeParse {
  if (text.length > MAX_THEME_FILE_CHARS) return { ok: false, errors: [`the theme is ${Math.ceil(text.length / 1024)} KB; a theme may be at most ${MAX_THEME_FILE_CHARS / 1024} KB`] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`the theme is not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return readThemeDefinition(raw);
}

export function readThemeDefinition(raw: unknown): ThemeParse {
  const parsed = themeDefinitionSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: describeThemeIssues(parsed.error) };
  const { name, base, tokens } = parsed.data;
  return { ok: true, theme: { name, base: base ?? baseOf(tokens), tokens } };
}

/** The theme as a file to export: what parseThemeFile reads back. */
export function themeFileText(theme: ThemeDefinition): string {
  return `${JSON.stringify({ name: theme.name, base: theme.base, tokens: theme.tokens }, null, 2)}\n`;
}

/** A theme without a base is dark when its background is. */
function baseOf(tokens: ThemeTokens): ThemeBase {
  const background = tokens.bg ? parseHexColour(tokens.bg) : null;
  return background && relativeLuminance(background) < 0.2 ? 'dark' : 'light';
}

function describeThemeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const where = issue.path.map(String).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (value === null) return 'null';
  return typeof value === 'object' ? `a${Array.isArray(value) ? 'n array' : 'n object'}` : String(value);
}
