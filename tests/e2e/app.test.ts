// The app in Debian's Chromium against a real `clipshot serve`: what a person does every day.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, launchChromium, startServe } from '../helpers/browser.js';
import { writePng, writeText } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';
import { saveScreenshot, startApp, waitUntilReady, type AppHarness } from './app-harness.js';

let app: AppHarness;
let files: string;

beforeAll(async () => {
  app = await startApp();
  files = await fs.mkdtemp(path.join(path.dirname(app.libraryDir), 'files-'));
  await writePng(files, 'diagram.png', 1, { width: 320, height: 200 });
  await writePng(files, 'screenshot.png', 2, { width: 200, height: 320 });
  await writeText(files, 'quokka-notes.txt', 'The quokka smiles at the camera on Rottnest Island.');
  await writeText(files, 'recipe.txt', 'Flour, water, salt and a little patience.');
});

afterAll(async () => {
  await app?.close();
});

const cards = (page: Page) => page.getByTestId('clip-card');
const cardTitled = (page: Page, title: string) => page.getByTestId('clip-card').filter({ hasText: title });

async function importThroughPicker(page: Page, names: string[]): Promise<void> {
  await page.getByTestId('import-input').setInputFiles(names.map((name) => path.join(files, name)));
}

async function openClip(page: Page, title: string): Promise<void> {
  await cardTitled(page, title).first().dblclick();
  await page.getByTestId('clip-detail').waitFor();
}

describe('the library in a browser', () => {
  it('starts empty and says what to do', async () => {
    const page = await app.openTab();
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toMatch(/import/i);
    await saveScreenshot(page, 'empty-library');
    await page.close();
  });

  it('imports files from the picker with progress, and shows them in the grid', async () => {
    const page = await app.openTab();
    await importThroughPicker(page, ['diagram.png', 'screenshot.png', 'quokka-notes.txt', 'recipe.txt']);
    await expect.poll(() => cards(page).count(), { timeout: 20_000 }).toBe(4);
    await expect.poll(() => page.getByTestId('import-panel').textContent()).toMatch(/4/);
    // Thumbnails are real images served by `serve`.
    const thumbnail = cardTitled(page, 'diagram').locator('img').first();
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await saveScreenshot(page, 'library-after-import');
    await page.close();
  });

  it('shows why a bad file dropped on the window was refused, and keeps the rest', async () => {
    const page = await app.openTab();
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])], 'broken.png', { type: 'image/png' }));
      transfer.items.add(new File(['dropped words about a zeppelin'], 'dropped.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('body', 'dragenter', { dataTransfer });
    await page.dispatchEvent('body', 'dragover', { dataTransfer });
    await page.dispatchEvent('body', 'drop', { dataTransfer });
    const error = page.getByTestId('import-error').filter({ hasText: 'broken.png' });
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toMatch(/broken\.png.*\S/);
    await cardTitled(page, 'dropped words').first().waitFor();
    await saveScreenshot(page, 'import-error');
    await page.close();
  });

  it('searches as you type and highlights the match', async () => {
    const page = await app.openTab();
    await page.getByTestId('search-input').fill('quokka');
    await expect.poll(() => cards(page).count()).toBe(1);
    expect((await cards(page).first().locator('mark').first().textContent())?.toLowerCase()).toBe('quokka');
    await page.getByTestId('search-input').fill('nothing-matches-this');
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('nothing-matches-this');
    await page.close();
  });

  it('opens a clip, keeps an edited title across a reload, and tags it', async () => {
    const page = await app.openTab();
    await openClip(page, 'diagram');
    // The picture is drawn in the image editor's SVG: its source loads as a 320-pixel-wide image.
    const image = page.getByTestId('clip-image');
    await expect
      .poll(() =>
        image.evaluate(
          (element) =>
            new Promise<number>((resolve) => {
              const probe = new Image();
              probe.onload = () => resolve(probe.naturalWidth);
              probe.onerror = () => resolve(0);
              probe.src = element.getAttribute('href') ?? '';
            }),
        ),
      )
      .toBe(320);
    await saveScreenshot(page, 'clip-view-image');
    const title = page.getByTestId('clip-title-input');
    await title.fill('Architecture diagram');
    await title.press('Enter');
    const tagInput = page.getByTestId('clip-tag-input');
    await tagInput.fill('architecture');
    await tagInput.press('Enter');
    await page.getByTestId('clip-tag').filter({ hasText: 'architecture' }).waitFor();
    // The edit went to the core as a CRDT change: it is there after a reload.
    await expect.poll(() => cardTitled(page, 'Architecture diagram').count(), { timeout: 10_000 }).toBe(1);
    await page.reload();
    await waitUntilReady(page);
    await cardTitled(page, 'Architecture diagram').waitFor();
    await page.getByTestId('nav-tag-architecture').click();
    await expect.poll(() => cards(page).count()).toBe(1);
    await openClip(page, 'Architecture diagram');
    expect(await page.getByTestId('clip-title-input').inputValue()).toBe('Architecture diagram');
    await page.close();
  });

  it('undoes and redoes an edit with the keyboard', async () => {
    const page = await app.openTab();
    await openClip(page, 'recipe');
    const title = page.getByTestId('clip-title-input');
    const before = await title.inputValue();
    await title.fill('Bread');
    await title.press('Enter');
    await title.blur();
    await expect.poll(() => cardTitled(page, 'Bread').count()).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => title.inputValue()).toBe(before);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => title.inputValue()).toBe('Bread');
    // The history lists this window's edit, the undo and the redo as the core recorded them.
    await expect.poll(() => page.getByTestId('clip-history').textContent(), { timeout: 10_000 }).toMatch(/edit.*undo.*undo|undo.*undo.*edit/is);
    await page.close();
  });

  it('moves a clip to the trash and back', async () => {
    const page = await app.openTab();
    await openClip(page, 'quokka');
    await page.getByTestId('clip-trash-button').click();
    await page.getByTestId('clip-restore-button').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => cardTitled(page, 'quokka').count()).toBe(0);
    await page.getByTestId('nav-trash').click();
    await cardTitled(page, 'quokka').waitFor();
    await saveScreenshot(page, 'trash');
    await openClip(page, 'quokka');
    await page.getByTestId('clip-restore-button').click();
    await page.getByTestId('clip-trash-button').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-all').click();
    await cardTitled(page, 'quokka').waitFor();
    await page.close();
  });

  it('is driven by the keyboard: arrows, Enter, Esc, Delete, Ctrl+F and ?', async () => {
    const page = await app.openTab();
    const grid = page.getByTestId('clip-grid');
    await grid.focus();
    await page.keyboard.press('Home');
    const selected = () => page.locator('[data-testid="clip-card"][aria-selected="true"]').getAttribute('data-clip-id');
    const first = await selected();
    await page.keyboard.press('ArrowRight');
    const second = await selected();
    expect(second).not.toBe(first);
    await page.keyboard.press('Enter');
    await page.getByTestId('clip-detail').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('clip-detail').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-input');
    await page.keyboard.press('Escape');
    await grid.focus();
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor();
    expect(await page.getByTestId('shortcuts-dialog').textContent()).toMatch(/Delete/);
    await saveScreenshot(page, 'shortcuts');
    await page.keyboard.press('Escape');
    await grid.focus();
    // The clip Delete acts on, followed by its id: the number of cards can change meanwhile (a
    // clip another test imported may still be arriving).
    const deleted = await selected();
    expect(deleted).toBeTruthy();
    const cardOfDeleted = page.locator(`[data-testid="clip-card"][data-clip-id="${deleted}"]`);
    await page.keyboard.press('Delete');
    await expect.poll(() => cardOfDeleted.count(), { timeout: 15_000 }).toBe(0);
    await page.getByTestId('toast').filter({ hasText: /trash/i }).getByRole('button', { name: /undo/i }).click();
    await expect.poll(() => cardOfDeleted.count(), { timeout: 15_000 }).toBe(1);
    await page.close();
  });

  it('lets two tabs edit the same clip and converge', async () => {
    const left = await app.openTab();
    const right = await app.openTab();
    await openClip(left, 'screenshot');
    await openClip(right, 'screenshot');
    await left.getByTestId('clip-notes-input').fill('written in the left tab');
    await expect.poll(() => right.getByTestId('clip-notes-input').inputValue(), { timeout: 10_000 }).toBe('written in the left tab');
    await right.getByTestId('clip-title-input').fill('Renamed on the right');
    await right.getByTestId('clip-title-input').press('Enter');
    await expect.poll(() => left.getByTestId('clip-title-input').inputValue(), { timeout: 10_000 }).toBe('Renamed on the right');
    await saveScreenshot(left, 'two-tabs-left');
    await left.close();
    await right.close();
  });

  it('follows the system theme', async () => {
    const page = await app.openTab({ colorScheme: 'dark' });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!).toBeLessThan(200);
    await saveScreenshot(page, 'library-dark');
    await page.close();
  });
});

describe('a lost connection', () => {
  it('is shown, and the app recovers when serve is back', async () => {
    // A fixed token and port: the address stays valid across the restart, as on a home server.
    const env = { CLIPSHOT_SERVE_TOKEN: 'e2e-fixed-token-0123456789abcdefghijklmnop' };
    const args = ['--port', String(await freePort())];
    const libraryDir = path.join(await tempDir('clipshot-e2e-'), 'library');
    let serve = await startServe(libraryDir, env, args);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(serve.url);
      await waitUntilReady(page);
      await serve.stop();
      await page.getByTestId('connection-banner').waitFor({ timeout: 15_000 });
      await saveScreenshot(page, 'connection-lost');
      serve = await startServe(libraryDir, env, args);
      await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 20_000 });
      await page.getByTestId('search-input').fill('anything');
      await page.getByTestId('empty-state').waitFor();
    } finally {
      await browser.close();
      await serve.stop();
    }
  });
});
