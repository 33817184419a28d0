// The capture overlay in Chromium against a real `clipshot serve` holding a fixture screenshot
// (--capture-input): drag a region that snaps to a window, nudge it with the keys, draw an arrow
// with the editor's tool, press Enter, and the saved clip is exactly the region's pixels plus the
// arrow; Esc saves nothing.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startServe, type RunningServe } from '../helpers/browser.js';
import { busyPixels, writeBusyPng } from '../helpers/fixtures.js';
import { saveScreenshot } from './app-harness.js';

const SCREEN = { width: 800, height: 500 };
const WINDOWS = [
  { bounds: { x: 100, y: 80, width: 300, height: 200 }, title: 'Release notes — Editor', app: 'TextEdit' },
  { bounds: { x: 500, y: 250, width: 250, height: 200 }, title: 'Terminal', app: 'Terminal' },
];
const screen = busyPixels(SCREEN);
let browser: Browser;
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-capture-e2e-'));
  await writeBusyPng(work, 'screen.png', SCREEN);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await fs.rm(work, { recursive: true, force: true });
});

interface Overlay {
  serve: RunningServe;
  context: BrowserContext;
  page: Page;
  captureId: string;
}
const running: Overlay[] = [];

afterEach(async () => {
  for (const overlay of running.splice(0)) {
    await overlay.context.close();
    await overlay.serve.stop();
  }
});

/** A serve on a new library holding the fixture as a capture, and its overlay open in a tab. */
async function openOverlay(name: string): Promise<Overlay> {
  const captureId = `${name.padEnd(8, '0').slice(0, 8)}${'0'.repeat(24)}`.replace(/[^0-9a-f]/g, 'a');
  const input = path.join(work, `${name}.json`);
  await fs.writeFile(input, JSON.stringify({ screenshot: 'screen.png', id: captureId, windows: WINDOWS }));
  const serve = await startServe(path.join(work, `library-${name}`), {}, ['--capture-input', input]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(serve.url);
  await page.goto(`${serve.origin}/capture.html?capture=${captureId}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  const overlay = { serve, context, page, captureId };
  running.push(overlay);
  return overlay;
}

/** Where a screenshot pixel is on the page (the overlay fits the screenshot into the tab). */
async function pagePoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('capture-canvas').boundingBox())!;
  const scale = box.width / SCREEN.width;
  return { x: box.x + x * scale, y: box.y + y * scale };
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const start = await pagePoint(page, ...from);
  const end = await pagePoint(page, ...to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 10 });
  await page.mouse.up();
}

const regionOf = (page: Page) => page.getByTestId('capture-region').getAttribute('data-region');

/** One API request over serve's WebSocket, from the page (its cookie authenticates it). */
function apiCall(page: Page, method: string, params: unknown): Promise<{ result?: unknown; error?: { code: string; message: string } }> {
  return page.evaluate(
    ({ method, params }) =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`ws://${location.host}/api`);
        socket.onerror = () => reject(new Error('the API socket failed'));
        socket.onopen = () => socket.send(JSON.stringify({ id: 1, method, params }));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { id?: number };
          if (message.id !== 1) return;
          socket.close();
          resolve(message);
        };
      }),
    { method, params },
  ) as Promise<{ result?: unknown; error?: { code: string; message: string } }>;
}

const screenAt = (x: number, y: number) => [...screen.subarray((y * SCREEN.width + x) * 3, (y * SCREEN.width + x) * 3 + 3)];

describe('capture overlay', () => {
  it('saves exactly the snapped, nudged region with the arrow drawn on it', async () => {
    const { page, serve } = await openOverlay('enter');
    // The pointer shows where it is, in the screenshot's pixels, and the window under it.
    const hover = await pagePoint(page, 200, 150);
    await page.mouse.move(hover.x, hover.y);
    await expect.poll(() => page.getByTestId('capture-coordinates').textContent()).toBe('200, 150');
    await expect.poll(() => page.getByTestId('capture-window-hint').getAttribute('width')).toBe('300');
    await page.getByTestId('capture-magnifier').waitFor();

    // A drag that ends a few pixels off the window's corners lands exactly on them.
    await drag(page, [104, 84], [395, 276]);
    expect(await regionOf(page)).toBe('100,80,300,200');

    // Arrows move by one pixel; with Shift they resize.
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'Shift+ArrowRight', 'Shift+ArrowRight', 'Shift+ArrowRight', 'Shift+ArrowUp']) await page.keyboard.press(key);
    expect(await regionOf(page)).toBe('102,81,303,199');
    const region = { x: 102, y: 81, width: 303, height: 199 };

    // A: the editor's arrow tool; drawn inside the region.
    await page.keyboard.press('a');
    expect(await page.getByTestId('capture-tool-arrow').getAttribute('aria-pressed')).toBe('true');
    await drag(page, [150, 120], [300, 220]);
    await expect.poll(() => page.locator('[data-testid="capture-canvas"] path').count()).toBeGreaterThan(1);

    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('capture-overlay').getAttribute('data-state')).toBe('saved');
    await saveScreenshot(page, 'capture-overlay-saved');
    const clipId = (await page.getByTestId('capture-overlay').getAttribute('data-clip-id'))!;
    expect(clipId).toMatch(/^[0-9a-z]{26}$/);

    const response = await page.context().request.get(`${serve.origin}/media/${clipId}/rendered?format=png`);
    expect(response.status()).toBe(200);
    const { data, info } = await sharp(await response.body()).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([region.width, region.height]);
    // The arrow's bounds in the clip, with room for its head and the stroke's width.
    const arrow = { x0: 150 - region.x - 24, y0: 120 - region.y - 24, x1: 300 - region.x + 24, y1: 220 - region.y + 24 };
    let outsideDiffering = 0;
    let insideDiffering = 0;
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const got = [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
        const same = got.join() === screenAt(region.x + x, region.y + y).join();
        const inArrow = x >= arrow.x0 && x <= arrow.x1 && y >= arrow.y0 && y <= arrow.y1;
        if (!same && inArrow) insideDiffering++;
        if (!same && !inArrow) outsideDiffering++;
      }
    }
    expect(outsideDiffering).toBe(0);
    // A 4-pixel stroke about 180 pixels long, and its head.
    expect(insideDiffering).toBeGreaterThan(500);

    // The window the region came from names the clip; its app is a facet tag.
    const clip = (await apiCall(page, 'getClip', { id: clipId })).result as { title: string; tags: string[]; kind: string; sourceName: string };
    expect(clip).toMatchObject({ kind: 'image', title: 'Release notes — Editor', tags: ['app:textedit'] });
    expect(clip.sourceName).toMatch(/^Screenshot \d{4}-\d\d-\d\d at \d\d\.\d\d\.\d\d\.png$/);
  });

  it('saves nothing on Esc, and the capture is gone', async () => {
    const { page, serve, captureId } = await openOverlay('esc');
    // A click (no drag) takes the whole window under the pointer.
    const inWindow = await pagePoint(page, 600, 300);
    await page.mouse.click(inWindow.x, inWindow.y);
    expect(await regionOf(page)).toBe('500,250,250,200');
    await page.keyboard.press('r');
    await drag(page, [520, 270], [700, 400]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('capture-overlay').getAttribute('data-state')).toBe('cancelled');
    expect(await page.getByTestId('capture-status').textContent()).toBe('Cancelled: nothing was saved.');

    expect((await apiCall(page, 'countClips', {})).result).toBe(0);
    expect((await apiCall(page, 'captureInput', { captureId })).error?.code).toBe('not-found');
    const screenshot = await page.context().request.get(`${serve.origin}/captures/${captureId}/screenshot`);
    expect(screenshot.status()).toBe(404);
  });
});
