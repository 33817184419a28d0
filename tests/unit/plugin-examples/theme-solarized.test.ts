// The Solarized themes are themes as ClipShot reads them (contract/themes.ts), dark and light as
// they say, and keep the contrast the built-in themes keep (renderer/src/styles/theme.css).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { contrastRatio, parseHexColour } from '../../../contract/colour.js';
import { parseThemeFile, type ThemeDefinition, type ThemeToken } from '../../../contract/themes.js';
import { PLUGINS_DIR, exampleManifest } from '../../helpers/example-plugins.js';

const manifest = exampleManifest('theme-solarized');

test('contributes a dark and a light theme, and no code', () => {
  expect(manifest.contributes.themes.map((theme) => [theme.id, theme.title])).toEqual([
    ['clipshot.theme-solarized.dark', 'Solarized Dark'],
    ['clipshot.theme-solarized.light', 'Solarized Light'],
  ]);
  expect(manifest.main).toBeNull();
});

describe.each(manifest.contributes.themes)('$title', ({ path: file, title }) => {
  const parsed = parseThemeFile(fs.readFileSync(path.join(PLUGINS_DIR, 'theme-solarized', file), 'utf8'));
  const theme = (parsed.ok ? parsed.theme : null) as ThemeDefinition;
  const ratio = (text: ThemeToken, background: ThemeToken) => contrastRatio(parseHexColour(theme.tokens[text]!)!, parseHexColour(theme.tokens[background]!)!);

  test('is a valid theme file naming every token', () => {
    expect(parsed).toMatchObject({ ok: true });
    expect(theme.name).toBe(title);
    expect(theme.base).toBe(title.endsWith('Dark') ? 'dark' : 'light');
    expect(Object.keys(theme.tokens)).toHaveLength(17);
  });

  test('keeps text readable: 4.5:1 for text, 3:1 for the accent against surfaces', () => {
    for (const background of ['bg', 'surface', 'surface-raised', 'surface-sunken'] as const) {
      expect(ratio('text', background), `text on ${background}`).toBeGreaterThanOrEqual(4.5);
      expect(ratio('text-muted', background), `text-muted on ${background}`).toBeGreaterThanOrEqual(4.5);
      expect(ratio('accent', background), `accent on ${background}`).toBeGreaterThanOrEqual(3);
      expect(ratio('focus', background), `focus on ${background}`).toBeGreaterThanOrEqual(3);
    }
    expect(ratio('accent-text', 'accent')).toBeGreaterThanOrEqual(4.5);
    expect(ratio('mark-text', 'mark')).toBeGreaterThanOrEqual(4.5);
    expect(ratio('danger', 'surface')).toBeGreaterThanOrEqual(4.5);
    expect(ratio('text', 'accent-soft')).toBeGreaterThanOrEqual(4.5);
    expect(ratio('text', 'danger-soft')).toBeGreaterThanOrEqual(4.5);
    expect(ratio('text', 'warning-soft')).toBeGreaterThanOrEqual(4.5);
  });
});
