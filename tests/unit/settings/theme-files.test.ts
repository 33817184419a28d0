// Custom themes as small JSON files of design tokens: every kind of mistake is refused with its own
// line, a good theme reads back as it was exported, and the tokens are exactly theme.css's colours.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrastRatio, parseHexColour, readableTextOn } from '../../../contract/colour.js';
import { MAX_THEME_FILE_CHARS, THEME_TOKENS, parseThemeFile, themeFileText } from '../../../contract/themes.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const TOKEN_LIST = THEME_TOKENS.join(', ');

describe('a theme file', () => {
  it('reads a good theme, and exports it so that it reads back the same', () => {
    const parsed = parseThemeFile('{ "name": "  Solarized  ", "base": "dark", "tokens": { "bg": "#002B36", "text": "#eee8d5", "accent": "#b58900", "shadow-color": "#00000080" } }');
    expect(parsed).toEqual({ ok: true, theme: { name: 'Solarized', base: 'dark', tokens: { bg: '#002b36', text: '#eee8d5', accent: '#b58900', 'shadow-color': '#00000080' } } });
    if (!parsed.ok) throw new Error('unreachable');
    expect(parseThemeFile(themeFileText(parsed.theme))).toEqual(parsed);
  });

  it('takes its base from its background when it names none', () => {
    expect(parseThemeFile('{"name":"Night","tokens":{"bg":"#111"}}')).toMatchObject({ ok: true, theme: { base: 'dark' } });
    expect(parseThemeFile('{"name":"Paper","tokens":{"bg":"#fdf6e3"}}')).toMatchObject({ ok: true, theme: { base: 'light' } });
    expect(parseThemeFile('{"name":"Accent only","tokens":{"accent":"#c2410c"}}')).toMatchObject({ ok: true, theme: { base: 'light' } });
  });

  it.each([
    ['not JSON', '{"name": "x", tokens: {}}', [expect.stringMatching(/^the theme is not JSON: /)]],
    ['not an object', '["bg", "#000"]', ['a theme is a JSON object with a name and tokens']],
    ['no name and no tokens', '{}', ['name: a theme needs a name', 'tokens: must be an object of token names and colours, like { "bg": "#ffffff" }']],
    ['an empty name, no tokens given', '{"name": "   ", "tokens": {}}', ['name: a theme needs a name', `tokens: give at least one token (${TOKEN_LIST})`]],
    ['a name that is not text', '{"name": 7, "tokens": {"bg": "#fff"}}', ['name: must be text']],
    ['a name too long', `{"name": "${'n'.repeat(61)}", "tokens": {"bg": "#fff"}}`, ['name: longer than 60 characters']],
    ['tokens as a list', '{"name": "x", "tokens": ["#fff"]}', ['tokens: must be an object of token names and colours, like { "bg": "#ffffff" }']],
    ['an unknown token', '{"name": "x", "tokens": {"background": "#fff"}}', [`tokens.background: not a theme token (the tokens are ${TOKEN_LIST})`]],
    ['a colour by name', '{"name": "x", "tokens": {"bg": "red"}}', ['tokens.bg: "red" is not a colour; write it as #rgb, #rrggbb or #rrggbbaa']],
    ['a CSS value that is not a colour', '{"name": "x", "tokens": {"bg": "url(https://example.com/x.png)"}}', ['tokens.bg: "url(https://example.com/x.png)" is not a colour; write it as #rgb, #rrggbb or #rrggbbaa']],
    ['a number', '{"name": "x", "tokens": {"text": 0}}', ['tokens.text: 0 is not a colour; write it as #rgb, #rrggbb or #rrggbbaa']],
    ['a hex colour of the wrong length', '{"name": "x", "tokens": {"accent": "#12345"}}', ['tokens.accent: "#12345" is not a colour; write it as #rgb, #rrggbb or #rrggbbaa']],
    ['a base that is not light or dark', '{"name": "x", "base": "dim", "tokens": {"bg": "#fff"}}', ['base: must be "light" or "dark"']],
    ['a key that is not part of a theme', '{"name": "x", "tokens": {"bg": "#fff"}, "colors": {}}', ['"colors": not part of a theme (a theme has name, base and tokens)']],
  ])('refuses %s, saying so', (_kind, text, errors) => {
    expect(parseThemeFile(text)).toEqual({ ok: false, errors });
  });

  it('lists every mistake of one file, each on its own line', () => {
    const parsed = parseThemeFile('{"name": "", "base": "sepia", "tokens": {"bg": "blue", "foreground": "#000", "text": "#000"}, "version": 2}');
    expect(parsed).toEqual({
      ok: false,
      errors: [
        'name: a theme needs a name',
        'base: must be "light" or "dark"',
        'tokens.bg: "blue" is not a colour; write it as #rgb, #rrggbb or #rrggbbaa',
        `tokens.foreground: not a theme token (the tokens are ${TOKEN_LIST})`,
        '"version": not part of a theme (a theme has name, base and tokens)',
      ],
    });
  });

  it('refuses a file over the size limit before reading it', () => {
    const big = JSON.stringify({ name: 'Big', tokens: { bg: '#fff' }, padding: 'x'.repeat(MAX_THEME_FILE_CHARS) });
    expect(parseThemeFile(big)).toEqual({ ok: false, errors: [`the theme is ${Math.ceil(big.length / 1024)} KB; a theme may be at most 16 KB`] });
  });
});

describe('theme tokens', () => {
  it('are exactly the colour variables theme.css declares, so a custom theme can set every colour and nothing else', async () => {
    const css = await fs.readFile(path.join(REPO_ROOT, 'renderer/src/styles/theme.css'), 'utf8');
    const rootBlock = /:root \{([^}]*)\}/.exec(css)?.[1] ?? '';
    const colourVariables = [...rootBlock.matchAll(/--([a-z-]+):\s*(light-dark\([^;]*\)|#[0-9a-f]+)\s*;/g)].map((match) => match[1]);
    expect(colourVariables).toEqual([...THEME_TOKENS]);
    // High contrast sets every one of them too.
    const highContrast = /:root\[data-theme='high-contrast'\],\s*:root\[data-contrast='more'\] \{([^}]*)\}/.exec(css)?.[1] ?? '';
    expect([...highContrast.matchAll(/--([a-z-]+):/g)].map((match) => match[1])).toEqual([...THEME_TOKENS]);
  });

  it('high contrast keeps text at 7:1 or more on every surface, in light and in dark', async () => {
    const css = await fs.readFile(path.join(REPO_ROOT, 'renderer/src/styles/theme.css'), 'utf8');
    const block = /:root\[data-theme='high-contrast'\],\s*:root\[data-contrast='more'\] \{([^}]*)\}/.exec(css)?.[1] ?? '';
    const value = (token: string, scheme: 0 | 1) => {
      const raw = new RegExp(`--${token}:\\s*([^;]+);`).exec(block)?.[1] ?? '';
      const pair = /light-dark\((#[0-9a-f]+),\s*(#[0-9a-f]+)\)/.exec(raw);
      return parseHexColour(pair ? pair[scheme + 1]! : raw.trim())!;
    };
    for (const scheme of [0, 1] as const) {
      for (const surface of ['bg', 'surface', 'surface-raised', 'surface-sunken']) {
        expect(contrastRatio(value('text', scheme), value(surface, scheme))).toBeGreaterThanOrEqual(7);
        expect(contrastRatio(value('text-muted', scheme), value(surface, scheme))).toBeGreaterThanOrEqual(7);
      }
      expect(contrastRatio(value('accent-text', scheme), value('accent', scheme))).toBeGreaterThanOrEqual(7);
      expect(contrastRatio(value('mark-text', scheme), value('mark', scheme))).toBeGreaterThanOrEqual(7);
    }
  });
});

describe('text on an accent colour', () => {
  it('is black or white, whichever reads better: never below 4.5:1', () => {
    expect(readableTextOn(parseHexColour('#1f5fcf')!)).toMatchObject({ colour: '#ffffff' });
    expect(readableTextOn(parseHexColour('#ffd60a')!)).toMatchObject({ colour: '#000000' });
    for (let grey = 0; grey <= 255; grey += 5) expect(readableTextOn({ r: grey, g: grey, b: grey }).ratio).toBeGreaterThanOrEqual(4.5);
  });
});
