import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureSettingsStore, DEFAULT_CAPTURE_SETTINGS, readCaptureSettings } from '../../../main/capture/capture-settings.js';
import { countDown, parseCaptureDelay } from '../../../main/capture/capture-timer.js';
import { tempDir } from '../../helpers/temp.js';

describe('capture settings', () => {
  it('keeps what is usable and names what is not', () => {
    const { settings, problems } = readCaptureSettings({
      afterCapture: { copy: false, openEditor: 'yes', teleport: true },
      shortcuts: { 'capture-region': 'ctrl+alt+r', 'capture-screen': 'Shift', 'capture-everything': 'F1' },
      delaySeconds: 7,
      lastRegion: { x: 1, y: 2, width: 3 },
      recordAudio: { microphone: true, systemAudio: 'loud', camera: true },
    });
    expect(settings.afterCapture).toEqual({ ...DEFAULT_CAPTURE_SETTINGS.afterCapture, copy: false });
    expect(settings.shortcuts).toEqual({ 'capture-region': ['Ctrl+Alt+R'] });
    expect(settings.delaySeconds).toBe(0);
    expect(settings.lastRegion).toBeNull();
    expect(settings.recordAudio).toEqual({ microphone: true, systemAudio: false });
    expect(problems).toEqual([
      'afterCapture.openEditor must be true or false',
      'afterCapture.teleport is not a setting',
      'shortcut for capture-screen: Shift: Shift alone is a modifier: hold it and press another key; using the default',
      'shortcuts: "capture-everything" is not a capture action',
      'delaySeconds must be one of 0, 3, 5, 10',
      'lastRegion is not a region; "repeat last region" waits for the next capture',
      'recordAudio.systemAudio must be true or false',
      'recordAudio.camera is not a setting',
    ]);
  });

  it('stores them on this device, remembers the last region, and refuses a bad change whole', async () => {
    const file = path.join(await tempDir(), 'capture-settings.json');
    const store = await CaptureSettingsStore.open(file);
    expect(store.current).toEqual(DEFAULT_CAPTURE_SETTINGS);
    await store.update({ afterCapture: { ...DEFAULT_CAPTURE_SETTINGS.afterCapture, openEditor: true }, delaySeconds: 5 });
    await store.rememberRegion({ x: 1440.5, y: 10, width: 200, height: 100 });
    await store.update({ recordAudio: { microphone: true, systemAudio: true } });
    await expect(store.update({ delaySeconds: 4 as 5 })).rejects.toThrow('the capture settings were not changed: delaySeconds must be one of 0, 3, 5, 10');
    const reopened = await CaptureSettingsStore.open(file);
    expect(reopened.problems).toEqual([]);
    expect(reopened.current).toMatchObject({ delaySeconds: 5, lastRegion: { x: 1440.5, y: 10, width: 200, height: 100 }, afterCapture: { openEditor: true }, recordAudio: { microphone: true, systemAudio: true } });
  });

  it('opens a damaged file with the defaults and says so', async () => {
    const file = path.join(await tempDir(), 'capture-settings.json');
    await fs.writeFile(file, '{"afterCapture": ');
    const store = await CaptureSettingsStore.open(file);
    expect(store.current).toEqual(DEFAULT_CAPTURE_SETTINGS);
    expect(store.problems[0]).toContain('is not JSON; using the defaults');
  });
});

describe('the capture timer', () => {
  it('reads whole seconds up to a minute', () => {
    expect(parseCaptureDelay('5')).toBe(5);
    expect(parseCaptureDelay(0)).toBe(0);
    expect(() => parseCaptureDelay('61')).toThrow('the delay is whole seconds from 0 to 60');
    expect(() => parseCaptureDelay('2.5')).toThrow(RangeError);
    expect(() => parseCaptureDelay('soon')).toThrow(RangeError);
  });

  it('counts down each second and stops when cancelled', async () => {
    const ticks: number[] = [];
    await countDown(3, { onTick: (left) => ticks.push(left), tickMs: 5 });
    expect(ticks).toEqual([3, 2, 1]);
    const aborter = new AbortController();
    const stopped = countDown(10, { tickMs: 5, signal: aborter.signal, onTick: (left) => left === 8 && aborter.abort(new Error('cancelled')) });
    await expect(stopped).rejects.toThrow('cancelled');
  });
});
