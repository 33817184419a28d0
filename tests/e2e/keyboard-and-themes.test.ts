// The command palette, remapped shortcuts and themes in Chromium against a real `clipshot serve`:
// what a person does with the keyboard and the Appearance settings, and that it lasts (a reload)
// and spreads (a second tab).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePng, writeText } from '../helpers/fixtures.js';
import { saveScreenshot, startApp, waitUntilReady, type AppHarness } from './app-harness.js';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp();
  const files = await fs.mkdtemp(path.join(path.dirname(app.libraryDir), 'files-'));
  await writePng(files, 'diagram.png', 1, { width: 320, height: 200 });
  await writeText(files, 'notes.txt', 'Keyboard first, then the mouse.');
  await writeText(files, 'recipe.txt', 'Flour, water, salt and a little patience.');
  const page = await app.openTab();
  await page.getByTestId('import-input').setInputFiles(['diagram.png', 'notes.txt', 'recipe.txt'].map((name) => path.join(files, name)));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="clip-card"]').length === 3, null, { timeout: 20_000 });
  await page.close();
});

afterAll(async () => {
  await app?.close();
});

const rootData = (page: Page, name: string) => page.evaluate((attribute) => document.documentElement.dataset[attribute] ?? null, name);
const rootVariable = (page: Page, name: string) => page.evaluate((variable) => getComputedStyle(document.documentElement).getPropertyValue(variable).trim(), name);
const bodyBrightness = (page: Page) =>
  page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g)!.map(Number);
    return r! + g! + b!;
  });
const searchFocused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'search-input');
/** A command's keys as the keyboard settings list them: "Ctrl+F", several joined by spaces. */
const keysOf = (page: Page, commandId: string) =>
  page
    .locator(`[data-testid="shortcut-row"][data-command-id="${commandId}"] [data-testid="shortcut-keys"] .key`)
    .evaluateAll((keys) => keys.map((key) => [...key.querySelectorAll('kbd')].map((part) => part.textContent).join('+')).join(' '));
/** A colour as the page uses it: the top bar's border is drawn in --border. */
const borderColour = (page: Page) => page.getByTestId('search-input').evaluate(() => getComputedStyle(document.querySelector('.top-bar')!).borderBottomColor);

async function openSettings(page: Page, section: 'keyboard' | 'appearance'): Promise<void> {
  await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-dialog').waitFor();
  await page.getByTestId(`settings-tab-${section}`).click();
}

async function leaveFields(page: Page): Promise<void> {
  await page.getByTestId('clip-card').first().click();
}

describe('the command palette', () => {
  it('opens with Ctrl+K, finds a command by a few letters, and runs it', async () => {
    const page = await app.openTab();
    await page.keyboard.press('Control+K');
    await page.getByTestId('command-palette').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('palette-input');
    await saveScreenshot(page, 'command-palette');

    await page.keyboard.type('shks');
    await expect.poll(() => page.getByTestId('palette-option').first().getAttribute('data-command-id')).toBe('show-shortcuts');
    await saveScreenshot(page, 'command-palette-filtered');
    await page.keyboard.press('Enter');
    await page.getByTestId('command-palette').waitFor({ state: 'detached' });
    await page.getByTestId('shortcuts-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'detached' });

    // Another command, from the search field: the theme switches.
    await page.getByTestId('search-input').focus();
    await page.keyboard.press('Control+K');
    await page.keyboard.type('theme dark');
    await page.keyboard.press('Enter');
    await expect.poll(() => rootData(page, 'theme')).toBe('dark');
    expect(await searchFocused(page)).toBe(true);

    // Run from another tab, back to the system theme: the change goes through the core to this one.
    const other = await app.openTab();
    await expect.poll(() => rootData(other, 'theme')).toBe('dark');
    await leaveFields(other);
    await other.keyboard.press('Control+K');
    await other.keyboard.type('theme system');
    await other.keyboard.press('Enter');
    await expect.poll(() => rootData(page, 'theme')).toBeNull();
    await other.close();
    await page.close();
  });
});

describe('remapping a shortcut', () => {
  it('moves Search from Ctrl+F to Ctrl+Shift+S, shows a conflict, and the remap lasts across a reload and reaches another tab', async () => {
    const page = await app.openTab();
    await openSettings(page, 'keyboard');
    expect(await keysOf(page, 'focus-search')).toBe('Ctrl+F');
    await page.locator('[data-testid="shortcut-row"][data-command-id="focus-search"] [data-testid="shortcut-change"]').click();
    await page.getByTestId('shortcut-capture').waitFor();
    await page.keyboard.press('Control+Shift+S');
    await expect.poll(() => keysOf(page, 'focus-search')).toBe('Ctrl+Shift+S');

    // The same keys for another command that can run at the same time: a conflict, shown; cancelled.
    await page.locator('[data-testid="shortcut-row"][data-command-id="show-shortcuts"] [data-testid="shortcut-change"]').click();
    await page.getByTestId('shortcut-capture').waitFor();
    await page.keyboard.press('Control+Shift+S');
    const conflict = page.getByTestId('shortcut-conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('already runs “Search” (Library). Give it to “Show keyboard shortcuts” instead?');
    await saveScreenshot(page, 'shortcut-conflict');
    await page.getByTestId('shortcut-conflict-cancel').click();
    expect(await keysOf(page, 'show-shortcuts')).toBe('?');
    await page.keyboard.press('Escape');
    await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });

    await leaveFields(page);
    await page.keyboard.press('Control+Shift+S');
    await expect.poll(() => searchFocused(page)).toBe(true);
    await leaveFields(page);
    await page.keyboard.press('Control+F');
    expect(await searchFocused(page)).toBe(false);

    const other = await app.openTab();
    await leaveFields(other);
    await expect
      .poll(async () => {
        await other.keyboard.press('Control+Shift+S');
        return searchFocused(other);
      })
      .toBe(true);

    await page.reload();
    await waitUntilReady(page);
    await leaveFields(page);
    await expect
      .poll(async () => {
        await page.keyboard.press('Control+Shift+S');
        return searchFocused(page);
      })
      .toBe(true);

    // Back to the defaults for the tests after this one; the other tab follows.
    await openSettings(page, 'keyboard');
    await page.getByTestId('shortcuts-reset-all').click();
    await expect.poll(() => keysOf(page, 'focus-search')).toBe('Ctrl+F');
    await other.keyboard.press('Control+K');
    await other.getByTestId('command-palette').waitFor();
    await other.keyboard.type('search');
    await expect.poll(() => other.locator('[data-testid="palette-option"][data-command-id="focus-search"] .palette-keys').innerText()).toMatch(/^Ctrl\s*F$/);
    await page.close();
    await other.close();
  });
});

describe('themes', () => {
  it('switches between light, dark and high contrast, and takes an accent colour', async () => {
    const page = await app.openTab();
    await openSettings(page, 'appearance');
    await page.getByTestId('theme-option-light').check();
    await expect.poll(() => bodyBrightness(page)).toBeGreaterThan(700);
    await saveScreenshot(page, 'theme-light');
    await page.getByTestId('theme-option-dark').check();
    await expect.poll(() => bodyBrightness(page)).toBeLessThan(150);
    await saveScreenshot(page, 'theme-dark');
    await page.getByTestId('theme-option-high-contrast').check();
    await expect.poll(() => rootData(page, 'theme')).toBe('high-contrast');
    expect(await bodyBrightness(page)).toBe(255 * 3);
    expect(await borderColour(page)).toBe('rgb(0, 0, 0)');
    await saveScreenshot(page, 'theme-high-contrast');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => bodyBrightness(page)).toBe(0);
    await saveScreenshot(page, 'theme-high-contrast-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByTestId('theme-option-light').check();
    const themeAccent = await rootVariable(page, '--accent');
    await page.getByTestId('accent-preset-purple').click();
    await expect.poll(() => rootVariable(page, '--accent')).toBe('#7c3aed');
    expect(await rootVariable(page, '--accent-text')).toBe('#ffffff');
    expect(await page.getByTestId('accent-contrast').innerText()).toMatch(/white, \d+\.\d:1/);
    await saveScreenshot(page, 'theme-accent');
    await page.getByTestId('accent-reset').click();
    await expect.poll(() => rootVariable(page, '--accent')).toBe(themeAccent);

    // The system asking for more contrast turns high contrast on while the theme follows it.
    await page.getByTestId('theme-option-system').check();
    await expect.poll(() => rootData(page, 'theme')).toBeNull();
    const ordinaryBorder = await borderColour(page);
    expect(ordinaryBorder).not.toBe('rgb(0, 0, 0)');
    await page.emulateMedia({ contrast: 'more' });
    await expect.poll(() => rootData(page, 'contrast')).toBe('more');
    expect(await borderColour(page)).toBe('rgb(0, 0, 0)');
    await page.emulateMedia({ contrast: 'no-preference' });
    await expect.poll(() => rootData(page, 'contrast')).toBeNull();
    expect(await borderColour(page)).toBe(ordinaryBorder);
    await page.close();
  });

  it('imports a custom theme from a file (a bad one is refused with its reasons), applies it, and exports it', async () => {
    const page = await app.openTab();
    await openSettings(page, 'appearance');
    const fileInput = page.getByTestId('theme-import-file');
    await fileInput.setInputFiles({ name: 'broken-theme.json', mimeType: 'application/json', buffer: Buffer.from('{"name": "Broken", "tokens": {"background": "#000000", "text": "black"}}') });
    const errors = page.getByTestId('theme-import-errors');
    await errors.waitFor();
    expect(await errors.innerText()).toContain('broken-theme.json was not imported:');
    expect(await errors.locator('li').allInnerTexts()).toEqual([
      expect.stringMatching(/^tokens\.background: not a theme token \(the tokens are bg, surface,/),
      'tokens.text: "black" is not a colour; write it as #rgb, #rrggbb or #rrggbbaa',
    ]);
    await saveScreenshot(page, 'theme-import-refused');

    const theme = { name: 'Solarized Dusk', base: 'dark', tokens: { bg: '#002b36', surface: '#073642', 'surface-raised': '#0a4050', text: '#eee8d5', 'text-muted': '#93a1a1', border: '#2c5966', accent: '#b58900' } };
    await fileInput.setInputFiles({ name: 'solarized.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(theme)) });
    await page.getByTestId('custom-theme').filter({ hasText: 'Solarized Dusk' }).waitFor();
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 43, 54)');
    expect(await page.getByTestId('theme-import-errors').count()).toBe(0);
    await saveScreenshot(page, 'theme-custom-settings');
    await page.keyboard.press('Escape');
    await saveScreenshot(page, 'theme-custom');

    await openSettings(page, 'appearance');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('custom-theme-export').click()]);
    expect(download.suggestedFilename()).toBe('solarized-dusk.clipshot-theme.json');
    const exported = JSON.parse(await fs.readFile((await download.path())!, 'utf8')) as unknown;
    expect(exported).toEqual(theme);

    // A second tab has the theme too; deleting it here goes back to the system theme there.
    const other = await app.openTab();
    await expect.poll(() => other.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 43, 54)');
    await page.getByTestId('custom-theme-delete').click();
    await expect.poll(() => other.evaluate(() => document.documentElement.style.getPropertyValue('--bg'))).toBe('');
    await page.close();
    await other.close();
  });

  it('respects reduced motion: the system’s preference or the setting turns animations off', async () => {
    const page = await app.openTab();
    const paletteAnimation = async () => {
      await page.keyboard.press('Control+K');
      await page.getByTestId('command-palette').waitFor();
      const duration = await page.getByTestId('command-palette').evaluate((element) => getComputedStyle(element).animationDuration);
      await page.keyboard.press('Escape');
      await page.getByTestId('command-palette').waitFor({ state: 'detached' });
      return duration;
    };
    await leaveFields(page);
    expect(await rootData(page, 'motion')).toBeNull();
    expect(await paletteAnimation()).toBe('0.14s');

    await page.emulateMedia({ reducedMotion: 'reduce' });
    await expect.poll(() => rootData(page, 'motion')).toBe('reduce');
    expect(await paletteAnimation()).toBe('0s');

    // "Never reduce" wins over the system; "always" wins without it.
    await openSettings(page, 'appearance');
    await page.getByTestId('motion-option-never').check();
    await expect.poll(() => rootData(page, 'motion')).toBeNull();
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.getByTestId('motion-option-always').check();
    await expect.poll(() => rootData(page, 'motion')).toBe('reduce');
    await page.keyboard.press('Escape');
    expect(await paletteAnimation()).toBe('0s');
    await openSettings(page, 'appearance');
    await page.getByTestId('motion-option-system').check();
    await expect.poll(() => rootData(page, 'motion')).toBeNull();
    await page.close();
  });
});
