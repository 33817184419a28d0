// A capture through the real core: screenshots held for their overlays, a region saved as a clip
// through the import path (annotations as its edits), copied and pinned through a recording
// shell (the one part that needs Electron), the last region remembered, and Esc keeping nothing.
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../contract/api.js';
import type { Annotation } from '../../../contract/edits/annotations.js';
import { CaptureService, type CaptureShell } from '../../../main/capture/capture-service.js';
import { CaptureSettingsStore, DEFAULT_CAPTURE_SETTINGS } from '../../../main/capture/capture-settings.js';
import { captureTitle, cropScreenshot, screenshotName, sourceTags } from '../../../main/capture/save-capture.js';
import type { Library } from '../../../main/library/library.js';
import { renderEditedImage } from '../../../main/library/render/image-render.js';
import { busyPixels } from '../../helpers/fixtures.js';
import { createTestLibrary } from '../../helpers/library.js';

const SIZE = { width: 400, height: 300 };
const pixels = busyPixels(SIZE);
const screenshot = () => sharp(pixels, { raw: { ...SIZE, channels: 3 } }).png().toBuffer();
const display = { id: 'main', bounds: { x: 0, y: 0, width: 200, height: 150 }, scaleFactor: 2 };
const windows = [{ bounds: { x: 10, y: 10, width: 50, height: 40 }, title: 'Invoice #12 — Mail', app: 'Mail.app' }];
const arrow: Annotation = { id: 'a1', kind: 'arrow', z: 1, createdAt: 1, color: '#e53935', x1: 5, y1: 5, x2: 60, y2: 40, width: 4 };

let library: Library | null = null;
afterEach(async () => {
  await library?.close();
  library = null;
});

/** The shell's part (clipboard, windows) needs Electron: this one records what it was asked to do. */
function recordingShell() {
  const record = { copied: [] as Buffer[], pinned: [] as { at: unknown }[], quickAccess: [] as string[], finished: [] as string[][] };
  const shell: CaptureShell = {
    copyImage: async (png) => void record.copied.push(png),
    pin: (_png, at) => void record.pinned.push({ at }),
    showQuickAccess: (clipId) => void record.quickAccess.push(clipId),
    finished: (ids) => void record.finished.push([...ids]),
  };
  return Object.assign(record, { shell });
}

async function service(recording?: ReturnType<typeof recordingShell>) {
  const made = await createTestLibrary();
  library = made.library;
  const settings = await CaptureSettingsStore.open(path.join(made.dir, 'capture-settings.json'));
  const captures = new CaptureService(made.library, settings, recording ? { shell: recording.shell } : {});
  return { captures, settings, library: made.library };
}

const rgbAt = (data: Buffer, width: number, x: number, y: number) => [...data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];

describe('capture service', () => {
  it('gives the overlay its display, the windows in screenshot pixels, and the settings', async () => {
    const { captures } = await service();
    const [id] = await captures.open('region', [{ display, image: await screenshot() }], windows);
    expect(captures.input(id!)).toEqual({
      captureId: id,
      mode: 'region',
      display,
      screenshot: SIZE,
      windows: [{ rect: { x: 20, y: 20, width: 100, height: 80 }, title: 'Invoice #12 — Mail', app: 'Mail.app' }],
      lastRegion: null,
      afterCapture: DEFAULT_CAPTURE_SETTINGS.afterCapture,
      canPin: false,
    });
    expect(captures.screenshot(id!).mime).toBe('image/png');
  });

  it('saves the region as a clip with the annotations as edits, copies it, and remembers the region', async () => {
    const shell = recordingShell();
    const { captures, settings, library } = await service(shell);
    const [id] = await captures.open('region', [{ display, image: await screenshot() }], windows, { capturedAt: Date.UTC(2025, 2, 14, 9, 26, 53) });
    const ended = captures.ended(id!);
    const region = { x: 20, y: 20, width: 100, height: 80 };
    const saved = await captures.save({ captureId: id!, region, annotations: [arrow], trigger: 'enter' });
    expect(saved).toMatchObject({ duplicateOf: null, copied: true, pinned: false, outcome: { save: true, copy: true } });
    expect(await ended).toEqual(saved);

    const clip = library.get(saved.clipId!);
    expect(clip).toMatchObject({ kind: 'image', title: 'Invoice #12 — Mail', tags: ['app:mail'], capturedAt: Date.UTC(2025, 2, 14, 9, 26, 53), media: { width: 100, height: 80, mime: 'image/png' } });
    // The original is exactly the region; the arrow is an edit on it.
    const original = await sharp(await library.blobs.readAll(clip.media!.blob)).raw().toBuffer({ resolveWithObject: true });
    expect(rgbAt(original.data, 100, 0, 0)).toEqual(rgbAt(pixels, SIZE.width, 20, 20));
    expect(rgbAt(original.data, 100, 99, 79)).toEqual(rgbAt(pixels, SIZE.width, 119, 99));
    const rendered = await renderEditedImage(library, clip.id, 'png');
    expect(shell.copied[0]!.equals(rendered.bytes)).toBe(true);
    expect(shell.quickAccess).toEqual([clip.id]);
    expect(shell.finished).toEqual([[id]]);
    expect(settings.current.lastRegion).toEqual({ x: 10, y: 10, width: 50, height: 40 });

    // The capture is over: its screenshot is gone, and the next overlay offers the region again.
    expect(() => captures.input(id!)).toThrow(ApiError);
    const [next] = await captures.open('region', [{ display, image: await screenshot() }], []);
    expect(captures.input(next!).lastRegion).toEqual(region);
  });

  it('copies without saving when the settings say so, with the annotations burned in', async () => {
    const shell = recordingShell();
    const { captures, settings, library } = await service(shell);
    await settings.update({ afterCapture: { ...DEFAULT_CAPTURE_SETTINGS.afterCapture, save: false } });
    const [id] = await captures.open('region', [{ display, image: await screenshot() }], []);
    const saved = await captures.save({ captureId: id!, region: { x: 0, y: 0, width: 80, height: 60 }, annotations: [arrow], trigger: 'copy' });
    expect(saved).toMatchObject({ clipId: null, copied: true });
    expect(library.count()).toBe(0);
    const copied = await sharp(shell.copied[0]!).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([copied.info.width, copied.info.height]).toEqual([80, 60]);
    expect(rgbAt(copied.data, 80, 79, 0)).toEqual(rgbAt(pixels, SIZE.width, 79, 0));
    expect(rgbAt(copied.data, 80, 32, 22)).not.toEqual(rgbAt(pixels, SIZE.width, 32, 22));
  });

  it('pins through the shell, and a browser host leaves the copy to the page', async () => {
    const shell = recordingShell();
    const pinning = await service(shell);
    const [pinId] = await pinning.captures.open('region', [{ display, image: await screenshot() }], []);
    const pinned = await pinning.captures.save({ captureId: pinId!, region: { x: 40, y: 40, width: 20, height: 20 }, annotations: [], trigger: 'pin' });
    expect(pinned.pinned).toBe(true);
    expect(shell.pinned).toEqual([{ at: { x: 20, y: 20, width: 10, height: 10 } }]);
    await library?.close();

    const browser = await service();
    const [id] = await browser.captures.open('screen', [{ display, image: await screenshot() }], []);
    expect(browser.captures.input(id!).canPin).toBe(false);
    const saved = await browser.captures.save({ captureId: id!, region: { x: 0, y: 0, ...SIZE }, annotations: [], trigger: 'enter' });
    expect(saved).toMatchObject({ copied: false, pinned: false, outcome: { copy: true } });
    expect(browser.library.get(saved.clipId!).title).toBe(screenshotName(browser.library.get(saved.clipId!).capturedAt));
  });

  it('keeps the capture when the region is outside the screenshot, and keeps nothing on cancel', async () => {
    const shell = recordingShell();
    const { captures, library } = await service(shell);
    const [id] = await captures.open('region', [{ display, image: await screenshot() }], []);
    await expect(captures.save({ captureId: id!, region: { x: 390, y: 0, width: 20, height: 20 }, annotations: [], trigger: 'enter' })).rejects.toThrow('the region (20 × 20 at 390, 0) is not inside the 400 × 300 screenshot');
    expect(captures.input(id!).captureId).toBe(id);
    const ended = captures.ended(id!);
    captures.cancel(id!);
    expect(await ended).toBeNull();
    expect(library.count()).toBe(0);
    expect(shell.finished).toEqual([[id]]);
    expect(() => captures.cancel(id!)).toThrow('no capture');
  });

  it('refuses a screenshot that is not an image', async () => {
    const { captures } = await service();
    await expect(captures.open('region', [{ display, image: Buffer.from('not a picture') }], [])).rejects.toThrow('cannot be decoded as an image');
  });
});

describe('captured clips', () => {
  it('crop exactly, and say where a region does not fit', async () => {
    const png = await cropScreenshot(await screenshot(), { x: 7, y: 9, width: 3, height: 2 });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([3, 2]);
    expect(rgbAt(data, 3, 2, 1)).toEqual(rgbAt(pixels, SIZE.width, 9, 10));
    await expect(cropScreenshot(await screenshot(), { x: 0, y: 299, width: 1, height: 2 })).rejects.toThrow('not inside the 400 × 300 screenshot');
    await expect(cropScreenshot(Buffer.from('x'), { x: 0, y: 0, width: 1, height: 1 })).rejects.toThrow('cannot be decoded');
  });

  it('are named by the window, else the app, else the time, and tagged with the app', () => {
    expect(captureTitle({ app: 'Firefox', windowTitle: 'Release notes\n— Mozilla Firefox' }, 0)).toBe('Release notes — Mozilla Firefox');
    expect(captureTitle({ app: 'Firefox' }, 0)).toBe('Firefox');
    expect(captureTitle(undefined, new Date(2025, 0, 2, 3, 4, 5).getTime())).toBe('Screenshot 2025-01-02 at 03.04.05');
    expect(sourceTags({ app: 'Google Chrome.exe' })).toEqual(['app:google-chrome']);
    expect(sourceTags({ app: '  ' })).toEqual([]);
    expect(sourceTags(undefined)).toEqual([]);
  });
});
