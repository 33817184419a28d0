// The capture and clipboard history settings through the real API service (requests and answers
// through JSON, tests/helpers/direct-api.ts) on a real library and a real settings file: the
// defaults, changes that reach the file and the settings document, shortcuts back to their
// default, conflicts in words, bad input refused in words with nothing changed, and 'unsupported'
// where there is no settings file. The handlers on a fixed platform, for the exact words.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../../contract/api.js';
import { createCaptureSettingsHandlers } from '../../../main/api/capture-settings-handlers.js';
import { CAPTURE_SETTINGS_FILE, CaptureSettingsStore } from '../../../main/capture/capture-settings.js';
import { capturePlatform, defaultShortcuts, shortcutLabel } from '../../../main/capture/capture-shortcuts.js';
import { loadClipboardSettings } from '../../../main/capture/clipboard/clipboard-settings-store.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { createTestLibrary } from '../../helpers/library.js';

let core: TestCore | null = null;
let closeLibrary: (() => Promise<void>) | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
  await closeLibrary?.();
  closeLibrary = null;
});

async function coreWithSettings(): Promise<{ core: TestCore; file: () => string; store: CaptureSettingsStore }> {
  let file = '';
  let store: CaptureSettingsStore | null = null;
  core = await createTestCore(undefined, {
    captureSettings: async (library) => {
      file = path.join(library.paths.dir, CAPTURE_SETTINGS_FILE);
      return (store = await CaptureSettingsStore.open(file));
    },
  });
  return { core, file: () => file, store: store! };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('capture settings through the API', () => {
  test('start at the defaults: every global shortcut (the picker’s too) with this platform’s keys', async () => {
    const { core } = await coreWithSettings();
    const view = await core.api.captureSettings({});
    const platform = capturePlatform(process.platform);
    expect(view.afterCapture).toEqual({ copy: true, save: true, quickAccess: true, openEditor: false, analyse: true });
    expect(view.delaySeconds).toBe(0);
    expect(view.shortcuts.map((shortcut) => shortcut.action)).toEqual(['capture-region', 'capture-window', 'capture-screen', 'capture-repeat', 'clipboard-picker']);
    const picker = view.shortcuts.find((shortcut) => shortcut.action === 'clipboard-picker')!;
    expect(picker).toMatchObject({ label: 'Open the clipboard history', custom: false, keys: defaultShortcuts(platform)['clipboard-picker'] });
    expect(picker.keyLabels).toEqual(picker.defaultLabels);
    expect(view.problems).toEqual([]);
  });

  test('changes reach the settings file, a shortcut can go back to its default, and the file is read again the same', async () => {
    const { core, file } = await coreWithSettings();
    const platform = capturePlatform(process.platform);
    let view = await core.api.changeCaptureSettings({ afterCapture: { copy: false, openEditor: true }, delaySeconds: 5, shortcuts: { 'capture-region': ['Ctrl+Alt+R'], 'capture-repeat': [] } });
    expect(view.afterCapture).toEqual({ copy: false, save: true, quickAccess: true, openEditor: true, analyse: true });
    expect(view.delaySeconds).toBe(5);
    const region = view.shortcuts.find((shortcut) => shortcut.action === 'capture-region')!;
    expect(region).toMatchObject({ keys: ['Ctrl+Alt+R'], keyLabels: [shortcutLabel('Ctrl+Alt+R', platform)], custom: true });
    expect(view.shortcuts.find((shortcut) => shortcut.action === 'capture-repeat')).toMatchObject({ keys: [], custom: true });
    const written = JSON.parse(await fs.readFile(file(), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ delaySeconds: 5, shortcuts: { 'capture-region': ['Ctrl+Alt+R'], 'capture-repeat': [] }, afterCapture: { copy: false, openEditor: true } });

    view = await core.api.changeCaptureSettings({ shortcuts: { 'capture-region': null } });
    expect(view.shortcuts.find((shortcut) => shortcut.action === 'capture-region')).toMatchObject({ keys: defaultShortcuts(platform)['capture-region'], custom: false });
    expect(view.shortcuts.find((shortcut) => shortcut.action === 'capture-repeat')).toMatchObject({ keys: [], custom: true });
    const reread = await CaptureSettingsStore.open(file());
    expect(reread.current.shortcuts).toEqual({ 'capture-repeat': [] });
    expect(reread.current.delaySeconds).toBe(5);
  });

  test('keys that cannot be a shortcut are refused in words and change nothing; a clash is kept and said', async () => {
    const { core, file } = await coreWithSettings();
    const bare = await refusal(core.api.changeCaptureSettings({ delaySeconds: 3, shortcuts: { 'capture-window': ['W'] } }));
    expect(bare.code).toBe('invalid-edit');
    expect(bare.message).toMatch(/^the shortcuts were not changed: W alone would stop that key working in every other app/);
    const nonsense = await refusal(core.api.changeCaptureSettings({ shortcuts: { 'capture-window': ['Hyper+W'] } }));
    expect(nonsense.message).toMatch(/is not a shortcut/);
    await expect(fs.stat(file())).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await core.api.captureSettings({})).delaySeconds).toBe(0);

    const view = await core.api.changeCaptureSettings({ shortcuts: { 'capture-window': ['Ctrl+Alt+V'], 'clipboard-picker': ['Ctrl+Alt+V'] } });
    const clash = view.conflicts.filter((conflict) => conflict.kind === 'duplicate');
    expect(clash).toHaveLength(1);
    expect(clash[0]!.problem).toMatch(/is given to both “Capture a window” and “Open the clipboard history”; give one of them other keys$/);
  });

  test('a bad request is refused by its schema', async () => {
    const { core } = await coreWithSettings();
    expect((await refusal(core.api.changeCaptureSettings({ delaySeconds: 7 }))).message).toMatch(/the timer is one of 0, 3, 5, 10 seconds/);
    expect((await refusal(core.api.changeCaptureSettings({ shortcuts: { 'capture-everything': ['Ctrl+1'] } } as never))).code).toBe('invalid-request');
    expect((await refusal(core.api.changeCaptureSettings({ afterCapture: { print: true } } as never))).code).toBe('invalid-request');
  });

  test('keys the OS refused at the last registration are reported while they are still chosen', async () => {
    const { core, store } = await coreWithSettings();
    const registrations: string[][] = [];
    store.onShortcutsChanged((settings) => {
      registrations.push(settings.shortcuts['capture-screen'] ?? []);
      store.refusedShortcuts = [{ action: 'capture-screen', keys: 'Ctrl+Alt+S', kind: 'taken', problem: 'Ctrl+Alt+S for “Capture the screen” is taken by another app' }];
    });
    let view = await core.api.changeCaptureSettings({ shortcuts: { 'capture-screen': ['Ctrl+Alt+S'] } });
    expect(registrations).toEqual([['Ctrl+Alt+S']]);
    expect(view.conflicts.filter((conflict) => conflict.kind === 'taken').map((conflict) => conflict.problem)).toEqual(['Ctrl+Alt+S for “Capture the screen” is taken by another app']);
    // The timer is not a shortcut: nothing is registered again.
    await core.api.changeCaptureSettings({ delaySeconds: 10 });
    expect(registrations).toHaveLength(1);
    view = await core.api.changeCaptureSettings({ shortcuts: { 'capture-screen': ['Ctrl+Alt+Shift+S'] } });
    expect(view.conflicts.filter((conflict) => conflict.kind === 'taken')).toEqual([]);
  });

  test('without a settings file (serve) the methods say the desktop app has them', async () => {
    core = await createTestCore();
    const error = await refusal(core.api.captureSettings({}));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/desktop app/);
  });
});

describe('clipboard history settings through the API', () => {
  test('read the defaults, change every one, and pause for a while and resume', async () => {
    core = await createTestCore();
    expect(await core.api.clipboardSettings({})).toEqual({ enabled: true, excludedApps: [], maxItemBytes: 100 * 1024 * 1024, pausedUntil: null, paused: false });
    const before = Date.now();
    const view = await core.api.changeClipboardSettings({ enabled: false, excludedApps: [' KeePassXC ', 'keepassxc', '1Password'], maxItemBytes: 5 * 1024 * 1024, pauseMinutes: 30 });
    expect(view).toMatchObject({ enabled: false, excludedApps: ['KeePassXC', '1Password'], maxItemBytes: 5 * 1024 * 1024, paused: true });
    expect(view.pausedUntil).toBeGreaterThanOrEqual(before + 30 * 60_000);
    expect(view.pausedUntil).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect(await loadClipboardSettings(core.library)).toMatchObject({ enabled: false, excludedApps: ['KeePassXC', '1Password'] });
    expect(await core.api.changeClipboardSettings({ pauseMinutes: 0 })).toMatchObject({ pausedUntil: null, paused: false, enabled: false });
  });

  test('a size limit out of bounds is refused in words and changes nothing', async () => {
    core = await createTestCore();
    const error = await refusal(core.api.changeClipboardSettings({ enabled: false, maxItemBytes: 10 }));
    expect(error.code).toBe('invalid-edit');
    expect(error.message).toBe('the size limit must be between 1 KB and 512 MB');
    expect(await core.api.clipboardSettings({})).toMatchObject({ enabled: true, maxItemBytes: 100 * 1024 * 1024 });
    expect((await refusal(core.api.changeClipboardSettings({ pauseMinutes: -1 }))).code).toBe('invalid-request');
  });
});

describe('the handlers on a given platform', () => {
  test('on macOS the defaults are ⌘ keys and the ones macOS keeps for itself are said with the fix', async () => {
    const { library } = await createTestLibrary();
    closeLibrary = () => library.close();
    const store = await CaptureSettingsStore.open(path.join(library.paths.dir, CAPTURE_SETTINGS_FILE));
    const handlers = createCaptureSettingsHandlers(library, store, { platform: 'darwin' });
    const view = await handlers.captureSettings({});
    expect(view.shortcuts.map((shortcut) => shortcut.keyLabels[0])).toEqual(['⇧⌘4', '⇧⌘5', '⇧⌘3', '⇧⌘6', '⌃⌘V']);
    expect(view.conflicts.map((conflict) => conflict.kind)).toEqual(['reserved', 'reserved', 'reserved']);
    expect(view.conflicts[0]!.problem).toMatch(/System Settings › Keyboard › Keyboard Shortcuts › Screenshots/);
  });
});
