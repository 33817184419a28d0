// Text clips in Chromium against a real `clipshot serve`: the text itself edited from two tabs at
// once (both edits kept), Markdown previewed, code highlighted, and the edited text exported.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { saveScreenshot, startApp, type AppHarness } from './app-harness.js';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

/** Imports text through the CLI, which hands it to the running serve through its control socket. */
async function importText(text: string): Promise<string> {
  const result = await runCli(['--library', app.libraryDir, 'import', '-', '--json'], { input: text });
  expect(result.code).toBe(0);
  const imported = result.stdout.split('\n').map((line) => (line ? (JSON.parse(line) as { event?: string; id?: string }) : {})).find((event) => event.event === 'imported');
  if (!imported?.id) throw new Error(`nothing imported: ${result.stdout} ${result.stderr}`);
  return imported.id;
}

async function openClip(page: Page, title: string): Promise<void> {
  await page.getByTestId('clip-card').filter({ hasText: title }).first().dblclick();
  await page.getByTestId('clip-detail').waitFor();
}

describe('a text clip', () => {
  it('is edited from two tabs at once and keeps both edits, in both tabs and in the library', async () => {
    const id = await importText('The middle of the note.');
    const left = await app.openTab();
    const right = await app.openTab();
    await openClip(left, 'The middle of the note');
    await openClip(right, 'The middle of the note');
    const leftInput = left.getByTestId('clip-text-input');
    const rightInput = right.getByTestId('clip-text-input');
    await expect.poll(() => rightInput.inputValue()).toBe('The middle of the note.');

    // Both type before either's edit has reached the other.
    await leftInput.focus();
    await left.keyboard.press('Control+Home');
    await rightInput.focus();
    await right.keyboard.press('Control+End');
    await Promise.all([left.keyboard.type('Start. '), right.keyboard.type(' The end.')]);

    const merged = 'Start. The middle of the note. The end.';
    await expect.poll(() => leftInput.inputValue(), { timeout: 10_000 }).toBe(merged);
    await expect.poll(() => rightInput.inputValue(), { timeout: 10_000 }).toBe(merged);
    await saveScreenshot(left, 'text-two-tabs-left');
    // The core rendered the merged text into the clip: the CLI (through serve's control socket) sees it.
    await expect
      .poll(async () => {
        const shown = await runCli(['--library', app.libraryDir, 'show', id, '--json']);
        return (JSON.parse(shown.stdout) as { text: string }).text;
      }, { timeout: 15_000 })
      .toBe(merged);
    await left.close();
    await right.close();
  });

  it('keeps what was typed just before the tab was closed', async () => {
    await importText('Typed right before closing.');
    const page = await app.openTab();
    await openClip(page, 'Typed right before closing');
    const input = page.getByTestId('clip-text-input');
    await input.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Still here.');
    // Closing at once: the typing is not written yet (300 ms) nor sent (automerge-repo's 100 ms).
    // The page writes and sends it as the close begins, and holds the close up (Chromium lets the
    // messages out once the person answers); the person says "leave" a moment later.
    const asked = new Promise<void>((resolve) => {
      page.once('dialog', (dialog) => {
        expect(dialog.type()).toBe('beforeunload');
        resolve();
        setTimeout(() => void dialog.accept(), 700);
      });
    });
    const closed = new Promise<void>((resolve) => page.once('close', () => resolve()));
    await page.close({ runBeforeUnload: true });
    await Promise.race([asked, closed.then(() => Promise.reject(new Error('the tab closed without holding up for the unsent typing')))]);
    await closed;
    const again = await app.openTab();
    await openClip(again, 'Typed right before closing');
    await expect.poll(() => again.getByTestId('clip-text-input').inputValue(), { timeout: 10_000 }).toBe('Typed right before closing. Still here.');
    await again.close();
  });

  it('previews Markdown and highlights code, and copies the text', async () => {
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await importText('# Shopping\n\n- **bread**\n- milk\n\n```js\nconst total = 3;\n```\n');
    const page = await app.openTab();
    await openClip(page, 'Shopping');
    const preview = page.getByTestId('clip-text');
    await expect.poll(() => preview.locator('h1').textContent()).toBe('Shopping');
    expect(await preview.locator('li strong').textContent()).toBe('bread');
    expect(await preview.locator('.hljs-keyword').first().textContent()).toBe('const');
    await saveScreenshot(page, 'text-markdown-preview');
    await page.keyboard.press('Control+e');
    await page.getByTestId('clip-text-input').waitFor();
    await page.getByTestId('text-copy').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('# Shopping\n\n- **bread**\n- milk\n\n```js\nconst total = 3;\n```\n');
    await page.close();
  });
});
