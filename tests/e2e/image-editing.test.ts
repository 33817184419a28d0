// Editing an image in Chromium against a real `clipshot serve`: every annotation kind drawn with
// the mouse, undo and redo, a reload and more editing, exports checked by their pixels (the arrow
// where it was drawn, redactions that hide what they cover), crop and rotate, and the clipboard.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyPixels, writeBusyPng } from '../helpers/fixtures.js';
import { saveScreenshot, startApp, type AppHarness } from './app-harness.js';

const SIZE = { width: 640, height: 400 };
let app: AppHarness;
let files: string;
let original: Buffer;

beforeAll(async () => {
  app = await startApp();
  files = await fs.mkdtemp(path.join(path.dirname(app.libraryDir), 'files-'));
  await writeBusyPng(files, 'settings-screen.png', SIZE);
  original = busyPixels(SIZE);
});

afterAll(async () => {
  await app?.close();
});

const annotationTargets = (page: Page) => page.getByTestId('annotation-target');

async function openScreenshot(page: Page): Promise<void> {
  await page.getByTestId('clip-card').filter({ hasText: 'settings-screen' }).first().dblclick();
  await page.getByTestId('editor-canvas').waitFor();
  await page.getByTestId('editor-canvas').focus();
}

/** Where an image pixel is on the page, whatever the canvas's fitted size (the picture is not rotated here). */
async function screenPoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const canvas = page.getByTestId('editor-canvas');
  const box = (await canvas.boundingBox())!;
  const viewBox = (await canvas.getAttribute('viewBox'))!.split(' ').map(Number);
  const scale = box.width / viewBox[2]!;
  return { x: box.x + x * scale, y: box.y + y * scale };
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const start = await screenPoint(page, ...from);
  const end = await screenPoint(page, ...to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
}

async function click(page: Page, x: number, y: number): Promise<void> {
  const point = await screenPoint(page, x, y);
  await page.mouse.click(point.x, point.y);
}

/** Exports through the editor's own download link, and decodes what was downloaded. */
async function exportPng(page: Page): Promise<{ width: number; height: number; at(x: number, y: number): number[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('editor-export-png').click()]);
  const file = await download.path();
  const { data, info } = await sharp(await fs.readFile(file)).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, at: (x, y) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)] };
}

const originalAt = (x: number, y: number) => [...original.subarray((y * SIZE.width + x) * 3, (y * SIZE.width + x) * 3 + 3)];

function meanDifference(exported: Awaited<ReturnType<typeof exportPng>>, region: { x: number; y: number; w: number; h: number }): number {
  let total = 0;
  let count = 0;
  for (let y = region.y; y < region.y + region.h; y++) {
    for (let x = region.x; x < region.x + region.w; x++) {
      const a = exported.at(x, y);
      const b = originalAt(x, y);
      for (let c = 0; c < 3; c++) total += Math.abs(a[c]! - b[c]!);
      count += 3;
    }
  }
  return total / count;
}

const RED = [0xe5, 0x39, 0x35];
const BLUE = [0x1e, 0x88, 0xe5];
const BLUR = { x: 40, y: 250, w: 160, h: 100 };
const PIXELATE = { x: 240, y: 250, w: 160, h: 100 };
const BOX = { x: 440, y: 250, w: 160, h: 100 };
const SPOT = { x: 280, y: 150, w: 140, h: 70 };

describe('editing an image in the browser', () => {
  it('draws every kind of annotation with the mouse, undoes and redoes, and exports what is shown', async () => {
    const page = await app.openTab();
    await page.getByTestId('import-input').setInputFiles([path.join(files, 'settings-screen.png')]);
    await page.getByTestId('clip-card').filter({ hasText: 'settings-screen' }).first().waitFor({ timeout: 20_000 });
    await openScreenshot(page);

    // The spotlight first: it dims what lies below it in the stack, and the checks below read the arrow's own colour.
    const drags: [string, [number, number], [number, number]][] = [
      ['s', [SPOT.x, SPOT.y], [SPOT.x + SPOT.w, SPOT.y + SPOT.h]],
      ['a', [40, 40], [240, 40]],
      ['l', [40, 90], [240, 140]],
      ['r', [280, 30], [380, 110]],
      ['e', [400, 30], [500, 110]],
      ['p', [520, 30], [600, 110]],
      ['h', [40, 180], [240, 180]],
      ['b', [BLUR.x, BLUR.y], [BLUR.x + BLUR.w, BLUR.y + BLUR.h]],
      ['x', [PIXELATE.x, PIXELATE.y], [PIXELATE.x + PIXELATE.w, PIXELATE.y + PIXELATE.h]],
      ['k', [BOX.x, BOX.y], [BOX.x + BOX.w, BOX.y + BOX.h]],
    ];
    for (const [key, from, to] of drags) {
      await page.keyboard.press(key);
      await drag(page, from, to);
    }
    await page.keyboard.press('n');
    await click(page, 470, 170);
    await click(page, 520, 170);
    await page.keyboard.press('t');
    await click(page, 560, 160);
    await page.getByTestId('editor-text-input').waitFor();
    await page.keyboard.type('Tap here');
    await page.keyboard.press('Enter');
    await expect.poll(() => annotationTargets(page).count()).toBe(13);
    await saveScreenshot(page, 'image-editor-every-annotation');

    await page.keyboard.press('Control+z');
    await expect.poll(() => annotationTargets(page).count()).toBe(12);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => annotationTargets(page).count()).toBe(13);

    const exported = await exportPng(page);
    expect([exported.width, exported.height]).toEqual([640, 400]);
    // The arrow is where it was drawn: its shaft runs along y = 40 from x = 40.
    for (const x of [60, 120, 180]) expect(exported.at(x, 40)).toEqual(RED);
    expect(meanDifference(exported, BLUR)).toBeGreaterThan(15);
    expect(meanDifference(exported, PIXELATE)).toBeGreaterThan(15);
    // The solid box hides its region completely: one colour, every pixel.
    for (let y = BOX.y; y < BOX.y + BOX.h; y++) for (let x = BOX.x; x < BOX.x + BOX.w; x++) expect(exported.at(x, y)).toEqual([0, 0, 0]);
    // Inside the spotlight, where nothing else was drawn, the picture is untouched; outside it is dimmed.
    expect(meanDifference(exported, { x: SPOT.x + 10, y: SPOT.y + 5, w: SPOT.w - 20, h: SPOT.h - 10 })).toBe(0);
    expect(meanDifference(exported, { x: 0, y: 370, w: 640, h: 30 })).toBeGreaterThan(40);
    await page.close();
  });

  it('keeps the edits across a reload, and they can be changed: the arrow recoloured and moved', async () => {
    const page = await app.openTab();
    await openScreenshot(page);
    await expect.poll(() => annotationTargets(page).count()).toBe(13);
    await page.keyboard.press('v');
    await click(page, 140, 40);
    await expect.poll(() => page.getByTestId('editor-status').textContent()).toMatch(/^Arrow \(\d+ of 13\) selected/);
    await page.getByTestId('color-1e88e5').click();
    await drag(page, [140, 40], [140, 60]);
    await page.getByTestId('editor-canvas').focus();
    await page.keyboard.press('ArrowDown');
    await saveScreenshot(page, 'image-editor-after-reload');

    const exported = await exportPng(page);
    for (const x of [60, 120, 180]) expect(exported.at(x, 61)).toEqual(BLUE);
    expect(exported.at(120, 40)).not.toEqual(RED);
    expect(exported.at(120, 40)).not.toEqual(BLUE);
    await page.close();
  });

  it('crops and rotates: the export is the crop turned, and the grid shows the edited thumbnail', async () => {
    const page = await app.openTab();
    await openScreenshot(page);
    await page.keyboard.press('c');
    await drag(page, [20, 20], [420, 320]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('editor-canvas').getAttribute('viewBox')).toBe('0 0 400 300');
    await page.getByTestId('editor-rotate-right').click();
    await expect.poll(() => page.getByTestId('editor-canvas').getAttribute('viewBox')).toBe('0 0 300 400');
    await saveScreenshot(page, 'image-editor-cropped-rotated');
    const exported = await exportPng(page);
    expect([exported.width, exported.height]).toEqual([300, 400]);
    // Turned clockwise about the crop (20, 20)–(420, 320): image pixel (300, 200), in the spotlight, lands at (119, 280).
    expect(exported.at(119, 280)).toEqual(originalAt(300, 200));

    await page.getByRole('button', { name: 'Close' }).click();
    const thumbnail = page.getByTestId('clip-card').filter({ hasText: 'settings-screen' }).first().locator('img');
    await expect.poll(() => thumbnail.getAttribute('src'), { timeout: 20_000 }).toMatch(/\/thumbnail\?v=[0-9a-f]{64}$/);
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && [img.naturalWidth, img.naturalHeight].join('x'))).toBe('240x320');
    await saveScreenshot(page, 'library-with-edited-thumbnail');
    await page.close();
  });

  it('copies the edited image to the clipboard', async () => {
    const page = await app.openTab();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.serve.origin });
    await openScreenshot(page);
    await page.getByTestId('editor-copy').click();
    await expect.poll(() => page.getByTestId('editor-toolbar').getByRole('status').textContent()).toBe('Copied');
    const copied = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const blob = await item!.getType('image/png');
      const bitmap = await createImageBitmap(blob);
      return [bitmap.width, bitmap.height];
    });
    expect(copied).toEqual([300, 400]);
    await page.close();
  });

  it('two tabs editing the same image see each other’s annotations', async () => {
    const first = await app.openTab();
    const second = await app.openTab();
    await openScreenshot(first);
    await openScreenshot(second);
    const before = await annotationTargets(first).count();
    await second.keyboard.press('k');
    await drag(second, [10, 10], [60, 60]);
    await expect.poll(() => annotationTargets(first).count()).toBe(before + 1);
    await first.close();
    await second.close();
  });
});
