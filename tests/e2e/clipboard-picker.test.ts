// The clipboard picker in Chromium against a real `clipshot serve`, over clipboard history made by
// the real clipboard monitor: filtering as you type, arrows, quick-pick, pins, and the payload a
// paste hands the bridge (rich, or plain text with Shift).
import type { Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIPBOARD_SETTINGS } from '../../contract/clipboard-settings.js';
import { clipboardLibrarySink } from '../../main/capture/clipboard/clipboard-library-sink.js';
import { ClipboardMonitor } from '../../main/capture/clipboard/clipboard-monitor.js';
import { MemoryClipboard, type ClipboardContent } from '../../main/capture/clipboard/memory-clipboard.js';
import { Library } from '../../main/library/library.js';
import { TEST_PASSPHRASE } from '../helpers/cli.js';
import { saveScreenshot, startApp, waitUntilReady, type AppHarness } from './app-harness.js';

// Copied oldest first: the picker lists the newest first.
const COPIES: ClipboardContent[] = [
  { text: 'Meeting notes for Tuesday', sourceApp: 'Obsidian' },
  { text: 'https://example.org/release-notes', sourceApp: 'firefox' },
  { filePaths: ['/home/ana/report.pdf', '/home/ana/budget.ods'], sourceApp: 'nautilus' },
  { text: 'git push origin main', sourceApp: 'gnome-terminal' },
  { text: 'SELECT * FROM clips WHERE pinned', sourceApp: 'dbeaver' },
];
// As the picker shows them.
const TITLES = ['SELECT * FROM clips WHERE pinned', 'git push origin main', '2 files: report.pdf, budget.ods', 'https://example.org/release-notes', 'Meeting notes for Tuesday'];

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({}, async (libraryDir) => {
    const library = await Library.create(libraryDir, { passphrase: TEST_PASSPHRASE });
    const clipboard = new MemoryClipboard();
    const monitor = new ClipboardMonitor({ reader: clipboard, sink: clipboardLibrarySink(library), settings: () => DEFAULT_CLIPBOARD_SETTINGS, pollMs: 3_600_000 });
    await monitor.start();
    for (const copy of COPIES) {
      clipboard.write(copy);
      await monitor.check();
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct copy times
    }
    await monitor.stop();
    await library.close();
  });
  // The first tab trades the URL's token for the session cookie the picker page then uses.
  await app.openTab();
});

afterAll(async () => {
  await app?.close();
});

interface SentRequest {
  method: string;
  params: Record<string, unknown>;
}

/** The picker page, with every API request it sends over its WebSocket recorded. */
async function openPicker(): Promise<{ page: Page; sent: SentRequest[] }> {
  const page = await app.context.newPage();
  const sent: SentRequest[] = [];
  page.on('websocket', (socket: WebSocket) => {
    socket.on('framesent', (frame) => {
      if (typeof frame.payload === 'string') sent.push(JSON.parse(frame.payload) as SentRequest);
    });
  });
  await page.goto(`${app.serve.origin}/picker.html`);
  await waitUntilReady(page);
  return { page, sent };
}

async function shownTitles(page: Page): Promise<string[]> {
  return page.getByTestId('picker-title').allTextContents();
}

async function pastes(sent: SentRequest[], count: number): Promise<SentRequest['params'][]> {
  await expect.poll(() => sent.filter((request) => request.method === 'pasteClipboardItem').length).toBe(count);
  return sent.filter((request) => request.method === 'pasteClipboardItem').map((request) => request.params);
}

async function idOf(page: Page, title: string): Promise<string> {
  return (await page.getByTestId('picker-item').filter({ hasText: title }).getAttribute('data-id'))!;
}

describe('the clipboard picker', () => {
  it('lists the history newest first and filters as you type', async () => {
    const { page } = await openPicker();
    expect(await shownTitles(page)).toEqual(TITLES);
    expect(await page.getByTestId('picker-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')))).toEqual(['text', 'text', 'files', 'link', 'text']);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('picker-filter');

    await page.keyboard.type('push');
    await expect.poll(() => shownTitles(page)).toEqual(['git push origin main']);
    await page.getByTestId('picker-filter').fill('NOTES');
    await expect.poll(() => shownTitles(page)).toEqual(['https://example.org/release-notes', 'Meeting notes for Tuesday']);
    // The source app counts too, and every word must match.
    await page.getByTestId('picker-filter').fill('firefox release');
    await expect.poll(() => shownTitles(page)).toEqual(['https://example.org/release-notes']);
    await page.getByTestId('picker-filter').fill('nothing like this');
    await expect.poll(() => page.getByTestId('picker-empty').textContent()).toBe('Nothing matches.');
    await saveScreenshot(page, 'clipboard-picker-filtered');
    await page.close();
  });

  it('Enter pastes the chosen item; 1–9 pick at once; Shift pastes as plain text', async () => {
    const { page, sent } = await openPicker();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    const [enter] = await pastes(sent, 1);
    expect(enter).toEqual({ id: await idOf(page, 'git push origin main'), asPlainText: false });
    await expect.poll(() => page.getByTestId('picker-status').textContent()).toBe('Copied: git push origin main');

    // Quick-pick: the fourth item (the link), as it is, then as plain text.
    await page.keyboard.press('4');
    const afterFour = await pastes(sent, 2);
    expect(afterFour[1]).toEqual({ id: await idOf(page, 'https://example.org/release-notes'), asPlainText: false });
    // A key pressed while a paste is on its way is not a second paste: wait for the answer.
    await expect.poll(() => page.getByTestId('picker-status').textContent()).toBe('Copied: https://example.org/release-notes');
    await page.keyboard.press('Shift+Digit4');
    const afterShiftFour = await pastes(sent, 3);
    expect(afterShiftFour[2]).toEqual({ id: await idOf(page, 'https://example.org/release-notes'), asPlainText: true });
    await expect.poll(() => page.getByTestId('picker-status').textContent()).toBe('Copied as plain text: https://example.org/release-notes');

    // While filtering, digits are part of the query; Alt+digit still picks, among what is shown.
    await page.keyboard.type('files 2');
    await expect.poll(() => shownTitles(page)).toEqual(['2 files: report.pdf, budget.ods']);
    await page.keyboard.press('Alt+Digit1');
    const afterAlt = await pastes(sent, 4);
    expect(afterAlt[3]).toEqual({ id: await idOf(page, '2 files'), asPlainText: false });
    await expect.poll(() => page.getByTestId('picker-status').textContent()).toMatch(/^Copied: 2 files/);
    // Shift+Enter on the filtered item: plain text.
    await page.keyboard.press('Shift+Enter');
    const afterShiftEnter = await pastes(sent, 5);
    expect(afterShiftEnter[4]).toEqual({ id: await idOf(page, '2 files'), asPlainText: true });
    await page.close();
  });

  it('what the core answers: the link rich (with its anchor) and plain, the files as files', async () => {
    const { page } = await openPicker();
    const answers: unknown[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => typeof frame.payload === 'string' && answers.push(JSON.parse(frame.payload))));
    await page.reload();
    await waitUntilReady(page);
    const answered = () => answers.filter((answer) => (answer as { result?: { payload?: unknown } }).result?.payload).length;
    // One at a time: a paste in flight takes no second one, and it is in flight until the page
    // has shown its outcome (the answer's frame arrives before the page has handled it).
    const keysAndOutcomes = [
      ['4', 'Copied: https://example.org/release-notes'],
      ['Shift+Digit4', 'Copied as plain text: https://example.org/release-notes'],
      ['3', 'Copied: 2 files: report.pdf, budget.ods'],
    ] as const;
    for (const [index, [key, outcome]] of keysAndOutcomes.entries()) {
      await page.keyboard.press(key);
      await expect.poll(answered).toBe(index + 1);
      await expect.poll(() => page.getByTestId('picker-status').textContent()).toBe(outcome);
    }
    const payloads = answers.map((answer) => (answer as { result?: { payload?: unknown; pasted?: boolean } }).result).filter((result) => result?.payload);
    expect(payloads).toEqual([
      { pasted: false, payload: { text: 'https://example.org/release-notes', html: '<a href="https://example.org/release-notes">https://example.org/release-notes</a>', imageClipId: null, filePaths: [] } },
      { pasted: false, payload: { text: 'https://example.org/release-notes', html: null, imageClipId: null, filePaths: [] } },
      { pasted: false, payload: { text: '/home/ana/report.pdf\n/home/ana/budget.ods', html: null, imageClipId: null, filePaths: ['/home/ana/report.pdf', '/home/ana/budget.ods'] } },
    ]);
    await page.close();
  });

  it('pins an item to the head of the list, and unpins it; Esc closes', async () => {
    const { page, sent } = await openPicker();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+p');
    await expect.poll(() => shownTitles(page)).toEqual(['Meeting notes for Tuesday', ...TITLES.slice(0, 4)]);
    expect(await page.getByTestId('picker-pin').first().getAttribute('aria-pressed')).toBe('true');
    // Pinned in the library: a new picker shows it first too.
    const second = await openPicker();
    expect(await shownTitles(second.page)).toEqual(['Meeting notes for Tuesday', ...TITLES.slice(0, 4)]);
    await second.page.getByTestId('picker-pin').first().click();
    await expect.poll(() => shownTitles(second.page)).toEqual(TITLES);
    await second.page.close();

    expect(sent.filter((request) => request.method === 'pinClipboardItem').map((request) => request.params)).toEqual([{ id: await idOf(page, 'Meeting notes'), pinned: true }]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.closed)).toBe('true');
    expect(sent.some((request) => request.method === 'pasteClipboardItem')).toBe(false);
    await page.close();
  });
});
