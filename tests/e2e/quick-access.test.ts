// The quick-access card in Chromium against a real `clipshot serve` and a real clip: what each
// button and key asks of the desktop shell (the preload's `clipshotQuickAccess`, which only
// Electron has, stood in for by a recorder), and what the card does in a browser by itself:
// Annotate opens the clip in the app, Esc dismisses, the thumbnail is a download, and it goes by
// itself unless the pointer is on it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { TEST_PASSPHRASE } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { saveScreenshot, startApp, waitUntilReady, type AppHarness } from './app-harness.js';

let app: AppHarness;
let clipId = '';

beforeAll(async () => {
  app = await startApp({}, async (libraryDir, work) => {
    const library = await Library.create(libraryDir, { passphrase: TEST_PASSPHRASE });
    const report = await importFiles(library, [await writePng(work, 'Screenshot 2025-03-01 14.05.09.png', 7, { width: 320, height: 200 })]);
    clipId = report.imported[0]!.id;
    await library.close();
  });
  // The first tab trades the URL's token for the session cookie the card then uses.
  await app.openTab();
});

afterAll(async () => {
  await app?.close();
});

interface ShellCall {
  action: string;
  clipId: string;
}

async function openCard(options: { shell: boolean; dismissAfter?: number }): Promise<Page> {
  const page = await app.context.newPage();
  if (options.shell) {
    // What the Electron preload exposes, recording what the card asks of it.
    await page.addInitScript(() => {
      const calls: { action: string; clipId: string }[] = [];
      const record = (action: string) => (clipId: string) => void calls.push({ action, clipId });
      Object.assign(window, {
        shellCalls: calls,
        clipshotQuickAccess: { annotate: record('annotate'), pin: record('pin'), copy: record('copy'), dismiss: record('dismiss'), startDrag: record('start-drag') },
      });
    });
  }
  await page.goto(`${app.serve.origin}/quick-access.html?clip=${clipId}&dismissAfter=${options.dismissAfter ?? 600_000}`);
  await waitUntilReady(page);
  return page;
}

const shellCalls = (page: Page) => page.evaluate(() => (window as unknown as { shellCalls: ShellCall[] }).shellCalls);

describe('quick-access card', () => {
  it('shows the clip and hands the shell each action with the clip id, from buttons, keys and a drag', async () => {
    const page = await openCard({ shell: true });
    expect(await page.getByTestId('quick-access-title').textContent()).toBe('Screenshot 2025-03-01 14.05.09');
    await expect.poll(() => page.locator('.quick-access-thumb img').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
    await saveScreenshot(page, 'quick-access');

    await page.getByTestId('quick-access-annotate').click();
    await page.getByTestId('quick-access-pin').click();
    await page.getByTestId('quick-access-copy').click();
    await page.getByTestId('quick-access-dismiss').click();
    expect(await shellCalls(page)).toEqual(['annotate', 'pin', 'copy', 'dismiss'].map((action) => ({ action, clipId })));

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (const key of ['a', 'p', 'c', 'Control+c', 'Enter', 'Escape', 'x']) await page.keyboard.press(key);
    expect((await shellCalls(page)).slice(4)).toEqual(['annotate', 'pin', 'copy', 'copy', 'annotate', 'dismiss'].map((action) => ({ action, clipId })));

    // The OS drag is the shell's: the page's own drag of the link is stopped.
    const prevented = await page.getByTestId('quick-access-drag').evaluate((link) => !link.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true })));
    expect(prevented).toBe(true);
    expect((await shellCalls(page)).at(-1)).toEqual({ action: 'start-drag', clipId });
    await page.close();
  });

  it('in a browser, Annotate opens the clip in the app', async () => {
    const page = await openCard({ shell: false });
    expect(await page.getByTestId('quick-access-pin').isDisabled()).toBe(true);
    await page.getByTestId('quick-access-annotate').click();
    await page.getByTestId('clip-detail').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('clip-title-input').inputValue()).toBe('Screenshot 2025-03-01 14.05.09');
    // The request is taken from the address: a reload does not reopen it.
    expect(new URL(page.url()).hash).toBe('');
    await page.close();
  });

  it('in a browser, Esc dismisses and the thumbnail is the picture to download', async () => {
    const page = await openCard({ shell: false });
    const href = await page.getByTestId('quick-access-drag').getAttribute('href');
    expect(await page.getByTestId('quick-access-drag').getAttribute('download')).not.toBeNull();
    const download = await page.request.get(new URL(href!, page.url()).href);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('image/png');
    expect(await page.evaluate(() => document.documentElement.dataset.dismissed)).toBeUndefined();
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.documentElement.dataset.dismissed)).toBe('true');
    await page.close();
  });

  it('goes by itself after its time, but not while the pointer is on it', async () => {
    // Long enough for the pointer to reach the card before it goes, on a busy machine too.
    const page = await openCard({ shell: true, dismissAfter: 3000 });
    await page.getByTestId('quick-access').hover();
    await page.waitForTimeout(3500);
    expect(await shellCalls(page)).toEqual([]);
    // The card fills its window, so the pointer cannot leave it here: the leave is sent.
    await page.evaluate(() => document.querySelector('[data-testid="quick-access"]')!.dispatchEvent(new MouseEvent('mouseleave')));
    await expect.poll(() => shellCalls(page), { timeout: 5000 }).toEqual([{ action: 'dismiss', clipId }]);
    await page.close();
  });
});
