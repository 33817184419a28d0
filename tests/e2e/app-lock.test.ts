// The lock screen in Debian's Chromium against a real `clipshot serve`: when the core locks, the
// window starts over with nothing of the library in it; the passphrase (typed, Enter) opens it again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, TEST_PASSPHRASE } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { startApp, waitUntilReady, saveScreenshot, type AppHarness } from './app-harness.js';

const TITLE = 'bank-statement';
let app: AppHarness;

beforeAll(async () => {
  app = await startApp({}, async (libraryDir, work) => {
    const png = await writePng(work, `${TITLE}.png`, 4);
    const imported = await runCli(['--library', libraryDir, 'import', png]);
    if (imported.code !== 0) throw new Error(imported.stderr);
  });
});

afterAll(async () => {
  await app?.close();
});

const cards = (page: Page) => page.getByTestId('clip-card');

async function expectLockScreenOnly(page: Page): Promise<void> {
  await page.getByTestId('lock-screen').waitFor();
  expect(await cards(page).count()).toBe(0);
  const text = await page.locator('body').innerText();
  expect(text).toContain('ClipShot is locked');
  expect(text).not.toContain(TITLE);
  // Nothing of the library is fetched behind the lock screen: no media in the page at all.
  expect(await page.locator('img, video').count()).toBe(0);
}

describe('the lock screen', () => {
  it('replaces the library when `clipshot lock` locks the core, refuses a wrong passphrase in words, and unlocks from the keyboard', async () => {
    const page = await app.openTab();
    await expect.poll(() => cards(page).count()).toBe(1);

    const locked = await runCli(['--library', app.libraryDir, 'lock']);
    expect(locked.code, locked.stderr).toBe(0);
    await expectLockScreenOnly(page);

    // The field has the focus: type, Enter.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lock-passphrase');
    await page.keyboard.type('not the passphrase');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('lock-error').innerText()).toMatch(/Could not unlock: wrong passphrase/);
    expect(await page.getByTestId('lock-passphrase').inputValue()).toBe('');
    expect(await page.getByTestId('lock-passphrase').getAttribute('aria-invalid')).toBe('true');
    await saveScreenshot(page, 'lock-screen-wrong-passphrase');
    await expectLockScreenOnly(page);

    // A new tab opens on the lock screen too.
    const second = await app.context.newPage();
    await second.goto(app.serve.origin);
    await expectLockScreenOnly(second);
    await second.close();

    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lock-passphrase');
    await page.keyboard.type(TEST_PASSPHRASE);
    await page.keyboard.press('Enter');
    await waitUntilReady(page);
    await expect.poll(() => cards(page).count()).toBe(1);
    expect(await cards(page).first().innerText()).toContain(TITLE);
    await page.close();
  }, 120_000);

  it('Settings → Lock keeps the idle time and locks now', async () => {
    const page = await app.openTab();
    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-tab-lock').click();
    const select = page.getByTestId('lock-after');
    expect(await select.inputValue()).toBe('15');
    await select.selectOption('5');
    // Read back from the core by another tab.
    const other = await app.openTab();
    await other.getByTestId('settings-button').click();
    await other.getByTestId('settings-tab-lock').click();
    await expect.poll(() => other.getByTestId('lock-after').inputValue()).toBe('5');
    await other.close();

    await page.getByTestId('lock-now').click();
    await expectLockScreenOnly(page);
    await page.getByTestId('lock-passphrase').fill(TEST_PASSPHRASE);
    await page.getByTestId('lock-unlock').click();
    await waitUntilReady(page);
    await expect.poll(() => cards(page).count()).toBe(1);
    await page.close();
  }, 120_000);
});
