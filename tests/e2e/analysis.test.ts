// On-device analysis in the app, in Debian's Chromium against a real `clipshot serve` whose worker
// runs the real OCR models: screenshots become findable by their text, the text can be selected
// and copied straight from the picture, and a suggested tag is one key from being the clip's own.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { renderTextLines } from '../helpers/ocr-images.js';
import { saveScreenshot, startApp, type AppHarness } from './app-harness.js';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp(
    {},
    async (libraryDir, work) => {
      const shots = path.join(work, 'shots');
      await fs.mkdir(shots);
      const screens: Record<string, string[]> = {
        'server-log': ['Connection refused on port 8080', 'Retrying in five seconds'],
        'snippet': ['const total = items.reduce((sum, item) => sum + item.price, 0);', 'console.log(total);'],
      };
      for (const [name, lines] of Object.entries(screens)) {
        const { image } = await renderTextLines(lines, { width: 1100, fontSize: 26 });
        await fs.writeFile(path.join(shots, `${name}.png`), image.encoded.bytes);
      }
      const imported = await runCli(['--library', libraryDir, 'import', shots]);
      if (imported.code !== 0) throw new Error(imported.stderr);
    },
    { analysis: true },
  );
});

afterAll(async () => {
  await app?.close();
});

const cards = (page: Page) => page.getByTestId('clip-card');

async function search(page: Page, words: string): Promise<void> {
  await page.getByTestId('search-input').fill(words);
}

describe('on-device analysis in the app', () => {
  it('finds screenshots by the text in them once the background analysis has read them', async () => {
    const page = await app.openTab();
    await search(page, 'refused');
    await expect.poll(() => cards(page).count(), { timeout: 90_000 }).toBe(1);
    await expect.poll(() => cards(page).first().textContent()).toContain('server-log');
    await search(page, 'reduce total');
    await expect.poll(() => cards(page).count(), { timeout: 60_000 }).toBe(1);
    await page.close();
  });

  it('lays the recognised lines over the picture, selectable, and copies all of the text', async () => {
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.serve.origin });
    const page = await app.openTab();
    await search(page, 'refused');
    await expect.poll(() => cards(page).count(), { timeout: 90_000 }).toBe(1);
    await cards(page).first().dblclick();
    await page.getByTestId('clip-detail').waitFor();
    await page.getByTestId('text-layer-toggle').click();
    const lines = page.getByTestId('text-line');
    await expect.poll(() => lines.allTextContents()).toEqual(['Connection refused on port 8080', 'Retrying in five seconds']);
    // Selecting the first line with the mouse and copying gives its words, spaces and all.
    const box = (await lines.first().boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    expect((await page.evaluate(() => String(window.getSelection()))).trim()).toBe('Connection refused on port 8080');
    await saveScreenshot(page, 'clip-view-text-layer');
    await page.getByTestId('copy-all-text').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('Connection refused on port 8080\nRetrying in five seconds');
    await page.close();
  });

  it('makes a suggested tag the clip’s own with one key', async () => {
    const page = await app.openTab();
    await search(page, 'reduce');
    await expect.poll(() => cards(page).count(), { timeout: 90_000 }).toBe(1);
    await cards(page).first().dblclick();
    await page.getByTestId('clip-detail').waitFor();
    const suggestion = page.locator('[data-testid="suggested-tag"][data-tag="code"]');
    await suggestion.waitFor({ timeout: 30_000 });
    await suggestion.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('clip-tag').filter({ hasText: 'code' }).waitFor();
    await expect.poll(() => suggestion.count()).toBe(0);
    // The core has it: the running instance lists the clip under that tag.
    const listed = await runCli(['--library', app.libraryDir, 'list', '--tag', 'code', '--json']);
    expect(JSON.parse(listed.stdout).items.map((clip: { title: string }) => clip.title)).toEqual(['snippet']);
    await page.close();
  });
});
