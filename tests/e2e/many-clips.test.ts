// Many clips in Chromium against a real `clipshot serve`: selecting by click, Shift, Ctrl, rubber
// band and select-all; a bulk tag on 520 clips undone in one step; the timeline's brush and the
// jump to a date.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { saveScreenshot, startApp, type AppHarness } from './app-harness.js';

const CLIPS = 520;
const DAY_MS = 86_400_000;
/** Clip i was captured at noon (UTC) on day i after this. */
const FIRST_DAY = Date.UTC(2023, 0, 1);

let app: AppHarness;

beforeAll(async () => {
  // Seeded with the CLI before serve opens the library: one import of 520 small text files, each
  // file's modification time (its capture time) a day after the previous one.
  app = await startApp({}, async (libraryDir, work) => {
    const inbox = path.join(work, 'inbox');
    await fs.mkdir(inbox);
    for (let i = 0; i < CLIPS; i++) {
      const file = path.join(inbox, `note-${String(i).padStart(3, '0')}.txt`);
      await fs.writeFile(file, `Note ${i}: a small text clip for the many-clips test.`);
      const noon = new Date(FIRST_DAY + i * DAY_MS + DAY_MS / 2);
      await fs.utimes(file, noon, noon);
    }
    const imported = await runCli(['--library', libraryDir, 'import', inbox]);
    if (imported.code !== 0) throw new Error(`seeding failed: ${imported.stderr}`);
  });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const cards = (page: Page) => page.getByTestId('clip-card');
const selectionCount = (page: Page) => page.getByTestId('selection-count').textContent();

/** How many clips carry a tag, asked of the running serve through the CLI (its control socket). */
async function taggedCount(tag: string): Promise<number> {
  const listed = await runCli(['--library', app.libraryDir, 'list', '--tag', tag, '--limit', '1000', '--json']);
  if (listed.code !== 0) throw new Error(listed.stderr);
  return (JSON.parse(listed.stdout) as { items: unknown[] }).items.length;
}

async function zipEntryNames(bytes: Buffer): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))));
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      names.push(entry.fileName);
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return names;
}

async function openLibrary(): Promise<Page> {
  const page = await app.openTab();
  await cards(page).first().locator('time').waitFor();
  return page;
}

describe('many clips in a browser', () => {
  it('selects all 520 clips, tags them in one operation, and one Ctrl+Z untags them all', async () => {
    const page = await openLibrary();
    await cards(page).first().click();
    await page.keyboard.press('Control+a');
    await expect.poll(() => selectionCount(page)).toBe(`${CLIPS} clips selected`);
    expect(await cards(page).first().getAttribute('aria-selected')).toBe('true');

    await page.getByTestId('bulk-tag').click();
    await page.getByTestId('bulk-label-input').fill('batch');
    await page.getByTestId('bulk-label-add').click();
    await page.getByTestId('toast').filter({ hasText: `Tag “batch” on ${CLIPS} clips` }).waitFor({ timeout: 60_000 });
    expect(await taggedCount('batch')).toBe(CLIPS);
    await expect.poll(() => page.getByTestId('nav-tag-batch').textContent()).toContain(String(CLIPS));
    await saveScreenshot(page, 'many-clips-bulk-tagged');

    await page.keyboard.press('Control+z');
    await page.getByTestId('toast').filter({ hasText: `Undone: Tag “batch” on ${CLIPS} clips` }).waitFor({ timeout: 60_000 });
    expect(await taggedCount('batch')).toBe(0);
    await expect.poll(() => page.getByTestId('nav-tag-batch').count()).toBe(0);
    // Redo is one step too.
    await page.keyboard.press('Control+Shift+z');
    await page.getByTestId('toast').filter({ hasText: 'Redone' }).waitFor({ timeout: 60_000 });
    expect(await taggedCount('batch')).toBe(CLIPS);
    await page.keyboard.press('Control+z');
    await page.getByTestId('toast').filter({ hasText: 'Undone' }).last().waitFor({ timeout: 60_000 });
    await expect.poll(() => taggedCount('batch')).toBe(0);
    await page.close();
  });

  it('selects with Shift-click, Ctrl-click and a rubber band', async () => {
    const page = await openLibrary();
    const card = (index: number) => page.locator(`[data-testid="clip-card"][data-index="${index}"]`);
    await card(0).click();
    await card(3).click({ modifiers: ['Shift'] });
    await expect.poll(() => selectionCount(page)).toBe('4 clips selected');
    await card(5).click({ modifiers: ['Control'] });
    await expect.poll(() => selectionCount(page)).toBe('5 clips selected');
    await card(0).click({ modifiers: ['Control'] });
    await expect.poll(() => selectionCount(page)).toBe('4 clips selected');
    expect(await card(0).getAttribute('aria-selected')).toBe('false');
    expect(await card(3).getAttribute('aria-selected')).toBe('true');

    // A band from the grid's empty top-left corner to the middle of the second card of the second row.
    const grid = (await page.getByTestId('clip-grid').boundingBox())!;
    const columns = await page.evaluate(() => {
      const tops = [...document.querySelectorAll('[data-testid="clip-card"]')].map((element) => element.getBoundingClientRect().top);
      return tops.filter((top) => top === tops[0]).length;
    });
    const target = (await card(columns + 1).boundingBox())!;
    await page.mouse.move(grid.x + 4, grid.y + 4);
    await page.mouse.down();
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 8 });
    await page.getByTestId('rubber-band').waitFor();
    await saveScreenshot(page, 'many-clips-rubber-band');
    await page.mouse.up();
    await expect.poll(() => selectionCount(page)).toBe('4 clips selected');
    for (const index of [0, 1, columns, columns + 1]) expect(await card(index).getAttribute('aria-selected')).toBe('true');
    expect(await card(2).getAttribute('aria-selected')).toBe('false');

    // Those four, exported as a zip the browser downloads.
    const downloading = page.waitForEvent('download', { timeout: 30_000 });
    await page.getByTestId('bulk-export-zip').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('ClipShot 4 clips.zip');
    const names = await zipEntryNames(await fs.readFile(await download.path()));
    const titles = await Promise.all([0, 1, columns, columns + 1].map((index) => card(index).locator('.title').textContent()));
    expect(names.sort()).toEqual(titles.map((title) => `${title}.txt`).sort());

    // Shift+arrows stretch it from the focused clip; Esc clears it.
    await card(10).click();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => selectionCount(page)).toBe('3 clips selected');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('selection-bar').count()).toBe(0);
    await page.close();
  });

  it('brushing the timeline filters the grid to that stretch of time, and Esc clears it', async () => {
    const page = await openLibrary();
    await page.getByTestId('timeline-toggle').click();
    const bars = page.getByTestId('timeline-bar');
    await expect.poll(() => bars.count()).toBeGreaterThan(3);
    const chart = (await page.getByTestId('timeline-chart').boundingBox())!;
    await page.mouse.move(chart.x + chart.width * 0.3, chart.y + 20);
    await page.mouse.down();
    await page.mouse.move(chart.x + chart.width * 0.45, chart.y + 20, { steps: 6 });
    await page.mouse.up();

    const chip = page.getByTestId('date-range-chip');
    await chip.waitFor();
    const from = Number(await chip.getAttribute('data-from'));
    const to = Number(await chip.getAttribute('data-to'));
    expect(to).toBeGreaterThan(from);
    const expected = Array.from({ length: CLIPS }, (_, i) => FIRST_DAY + i * DAY_MS + DAY_MS / 2).filter((time) => time >= from && time < to).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(CLIPS);
    // Every card in the grid now lies in the range, and there are as many as the range holds.
    await expect.poll(async () => {
      const times = await cards(page).locator('time').evaluateAll((elements) => elements.map((element) => Date.parse(element.getAttribute('datetime') ?? '')));
      return times.length > 0 && times.every((time) => time >= from && time < to);
    }).toBe(true);
    const listed = await runCli(['--library', app.libraryDir, 'list', '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--limit', '1000', '--json']);
    expect((JSON.parse(listed.stdout) as { items: unknown[] }).items).toHaveLength(expected);
    // The grid tells assistive technology how many clips its list has: exactly those of the range.
    await expect.poll(() => cards(page).first().getAttribute('aria-setsize')).toBe(String(expected));
    await saveScreenshot(page, 'many-clips-timeline-brushed');

    await page.getByTestId('timeline-chart').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => chip.count()).toBe(0);
    await expect.poll(() => cards(page).first().getAttribute('aria-setsize')).toBe(String(CLIPS));
    await page.getByTestId('timeline-hide').click();
    await page.close();
  });

  it('jumps to a date: the grid scrolls to the clips of that day', async () => {
    const page = await openLibrary();
    // G shows the timeline and puts the cursor in its date field.
    await cards(page).first().click();
    await page.keyboard.press('g');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('jump-date-input');
    await page.getByTestId('jump-date-input').fill('2023-06-15');
    await page.getByTestId('jump-date-go').click();
    const selected = page.locator('[data-testid="clip-card"][aria-selected="true"]');
    await expect.poll(async () => (await selected.locator('time').getAttribute('datetime').catch(() => null)) ?? '', { timeout: 20_000 }).toMatch(/^2023-06-15T12:00/);
    // Newest first: the 354 clips captured after that day come before it.
    expect(await selected.getAttribute('data-index')).toBe(String(CLIPS - 166));
    const grid = (await page.getByTestId('clip-grid').boundingBox())!;
    const box = (await selected.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(grid.y);
    expect(box.y + box.height).toBeLessThanOrEqual(grid.y + grid.height);
    await saveScreenshot(page, 'many-clips-jump-to-date');
    await page.close();
  });
});
