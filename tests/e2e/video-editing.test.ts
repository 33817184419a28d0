// Trimming a video in Chromium against a real `clipshot serve`: set the in point with the keyboard,
// drag the out point, export MP4 and GIF through the menu with progress, download them and
// measure them with ffmpeg; undo, and the edits still there after a reload.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureVideo } from '../helpers/video-measure.js';
import { writeKeyframedMp4 } from '../unit/import/fixtures.js';
import { saveScreenshot, startApp, waitUntilReady, type AppHarness } from './app-harness.js';

const FRAME_MS = 40;
let app: AppHarness;
let files: string;

beforeAll(async () => {
  app = await startApp();
  files = await fs.mkdtemp(path.join(path.dirname(app.libraryDir), 'files-'));
  // Six seconds at 25 fps with a tone, a keyframe every second.
  await writeKeyframedMp4(path.join(files, 'walkthrough.mp4'), { seconds: 6, keyframeSeconds: 1 });
  const page = await app.openTab();
  await page.getByTestId('import-input').setInputFiles([path.join(files, 'walkthrough.mp4')]);
  await page.getByTestId('clip-card').filter({ hasText: 'walkthrough' }).waitFor({ timeout: 20_000 });
  await page.close();
});

afterAll(async () => {
  await app?.close();
});

async function openVideo(page: Page): Promise<void> {
  await page.getByTestId('clip-card').filter({ hasText: 'walkthrough' }).first().dblclick();
  await page.getByTestId('video-editor').waitFor();
}

const valueOf = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute('aria-valuenow'));

/** Starts an export from the menu, records every progress value shown, and saves the download. */
async function exportThroughMenu(page: Page, format: 'mp4' | 'gif', name: string): Promise<{ file: string; progressSeen: number[] }> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="video-export-progress"]');
      if (bar) seen.push(bar.value);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.getByTestId('video-export-button').click();
  await page.getByTestId(`video-export-${format}`).click();
  const job = page.getByTestId('video-export-job');
  await expect.poll(() => job.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('video-export-download').click()]);
  const file = path.join(files, name);
  await download.saveAs(file);
  const progressSeen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
  return { file, progressSeen };
}

describe('editing a video in the browser', () => {
  it('shows the filmstrip and the waveform on the timeline, within the content security policy', async () => {
    const page = await app.openTab();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await openVideo(page);
    const strip = page.getByTestId('video-frames');
    await expect.poll(() => strip.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.getByTestId('video-waveform').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('trim-start-handle').getAttribute('aria-valuetext')).toBe('0:00.00');
    await saveScreenshot(page, 'video-editor');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trims with the keyboard and a drag, exports the MP4 with progress, and it lasts as long as the trim', async () => {
    const page = await app.openTab();
    await openVideo(page);
    await page.getByTestId('video-waveform').waitFor({ timeout: 20_000 });

    // In point: the playhead moved two seconds with Shift+→, then I.
    const playhead = page.getByTestId('video-playhead');
    await playhead.focus();
    await playhead.press('Shift+ArrowRight');
    await playhead.press('Shift+ArrowRight');
    expect(await valueOf(page, 'video-playhead')).toBe(2000);
    await page.keyboard.press('i');
    await expect.poll(() => valueOf(page, 'trim-start-handle')).toBe(2000);

    // Out point: the end handle dragged to three quarters of the track, then one frame back by key.
    const track = (await page.getByTestId('video-track').boundingBox())!;
    const handle = (await page.getByTestId('trim-end-handle').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(track.x + track.width * 0.6, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.move(track.x + track.width * 0.75, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    const dragged = await valueOf(page, 'trim-end-handle');
    expect(Math.abs(dragged - 4500)).toBeLessThan(200);
    await page.getByTestId('trim-end-handle').press('ArrowLeft');
    await expect.poll(() => valueOf(page, 'trim-end-handle')).toBe(dragged - FRAME_MS);
    const endMs = dragged - FRAME_MS;
    expect(await page.getByTestId('video-trim-summary').textContent()).toContain('Keeps 0:02.00–');
    await saveScreenshot(page, 'video-trimmed');

    const { file, progressSeen } = await exportThroughMenu(page, 'mp4', 'trimmed.mp4');
    expect(progressSeen.length).toBeGreaterThan(0);
    const measured = await measureVideo(file);
    expect(measured.videoCodec).toBe('h264');
    expect(measured.audioCodec).toBe('aac');
    expect(Math.abs(measured.playedMs - (endMs - 2000))).toBeLessThanOrEqual(2 * FRAME_MS);
    await saveScreenshot(page, 'video-exported');

    // The grid shows the trimmed duration the core derived.
    await expect.poll(() => page.getByTestId('clip-card').filter({ hasText: 'walkthrough' }).first().textContent(), { timeout: 10_000 }).toMatch(/0:0[23]/);
    await page.close();
  });

  it('exports the same trim as a GIF', async () => {
    const page = await app.openTab();
    await openVideo(page);
    await expect.poll(() => valueOf(page, 'trim-start-handle')).toBe(2000);
    const endMs = await valueOf(page, 'trim-end-handle');
    const { file } = await exportThroughMenu(page, 'gif', 'trimmed.gif');
    const measured = await measureVideo(file);
    expect(measured.videoCodec).toBe('gif');
    expect(Math.abs(measured.frames - ((endMs - 2000) / 1000) * 15)).toBeLessThanOrEqual(2);
    await page.close();
  });

  it('plays only the kept part: from the in point, stopping at the out point', async () => {
    const page = await app.openTab();
    await openVideo(page);
    await expect.poll(() => valueOf(page, 'trim-start-handle')).toBe(2000);
    const endMs = await valueOf(page, 'trim-end-handle');
    const player = page.getByTestId('clip-video');
    await page.getByTestId('video-play').click();
    await expect.poll(() => player.evaluate((video: HTMLVideoElement) => !video.paused)).toBe(true);
    await expect.poll(() => player.evaluate((video: HTMLVideoElement) => video.paused), { timeout: 15_000 }).toBe(true);
    expect(Math.abs((await player.evaluate((video: HTMLVideoElement) => video.currentTime)) * 1000 - endMs)).toBeLessThanOrEqual(2 * FRAME_MS);
    expect(await page.getByTestId('video-play').textContent()).toBe('Play trimmed');
    await page.close();
  });

  it('undoes and redoes a trim; a named marker and a poster frame reach another tab; all of it stays after a reload', async () => {
    const page = await app.openTab();
    await openVideo(page);
    await expect.poll(() => valueOf(page, 'trim-start-handle')).toBe(2000);
    const end = page.getByTestId('trim-end-handle');
    const endBefore = await valueOf(page, 'trim-end-handle');
    await end.focus();
    await end.press('End');
    await expect.poll(() => valueOf(page, 'trim-end-handle')).toBe(6020);
    await page.keyboard.press('Control+z');
    await expect.poll(() => valueOf(page, 'trim-end-handle')).toBe(endBefore);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => valueOf(page, 'trim-end-handle')).toBe(6020);

    await page.getByTestId('video-playhead').focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('m');
    const label = page.getByTestId('video-marker-label');
    await label.fill('the good part');
    await label.press('Enter');

    // A second window on the same clip: the marker arrives through the core, and its poster frame comes back.
    const other = await app.openTab();
    await openVideo(other);
    await expect.poll(() => other.getByTestId('video-marker-label').inputValue(), { timeout: 10_000 }).toBe('the good part');
    await other.getByTestId('video-playhead').focus();
    await other.keyboard.press('Shift+ArrowRight');
    await other.keyboard.press('Shift+ArrowRight');
    await other.keyboard.press('Shift+ArrowRight');
    await other.keyboard.press('p');
    await page.getByTestId('video-poster-tick').waitFor({ timeout: 10_000 });
    await other.close();

    await page.reload();
    await waitUntilReady(page);
    await openVideo(page);
    await expect.poll(() => page.getByTestId('video-marker-label').inputValue()).toBe('the good part');
    expect(await valueOf(page, 'trim-start-handle')).toBe(2000);
    expect(await valueOf(page, 'trim-end-handle')).toBe(6020);
    await page.getByTestId('video-poster-tick').waitFor();
    await saveScreenshot(page, 'video-marker');
    await page.close();
  });
});
