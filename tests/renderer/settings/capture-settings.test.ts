// Settings → Capture against a real core (tests/helpers/direct-api.ts) with a real capture settings
// file and the library's real settings document: after-capture actions and the timer are saved as
// ticked; a global shortcut is changed by pressing the new keys (keyboard only), a clash with
// another action is said in words, Reset brings the default back; keys that cannot be a global
// shortcut are refused in words and change nothing; clipboard history is turned off, apps excluded,
// the size limit changed (a bad one refused), paused and resumed. Without a settings file (serve)
// the section says the desktop app has the screenshot settings and still offers clipboard history.
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { ClipShotApi } from '../../../contract/api.js';
import { nextTick } from 'vue';
import { loadClipboardSettings } from '../../../main/capture/clipboard/clipboard-settings-store.js';
import { CAPTURE_SETTINGS_FILE, CaptureSettingsStore } from '../../../main/capture/capture-settings.js';
import { capturePlatform, defaultShortcuts, shortcutLabel } from '../../../main/capture/capture-shortcuts.js';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, press, unmountWithCore, type Mounted } from '../library/mount-library.js';
import { allByTestId, byTestId, focusedTestId, openSettingsAt, text, typeInto } from '../models/ai-settings-harness.js';

let core: TestCore | null = null;
let mounted: Mounted | null = null;
let restoreViewport: () => void = () => undefined;
let store: CaptureSettingsStore | null = null;

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core?.close();
  core = null;
  store = null;
});

/** `api`: the window's API made from the core's (a transport that answers late, say). */
async function mountApp(withCaptureSettings: boolean, api?: (core: TestCore) => ClipShotApi): Promise<void> {
  core = await createTestCore(undefined, withCaptureSettings ? { captureSettings: async (library) => (store = await CaptureSettingsStore.open(path.join(library.paths.dir, CAPTURE_SETTINGS_FILE))) } : {});
  restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
  mounted = mountWithCore(App, core, api ? { api: api(core) } : {});
  await useSettingsStore(mounted.pinia).whenOpen();
}

const platform = capturePlatform(process.platform);
const row = (action: string) => document.querySelector<HTMLElement>(`[data-testid="global-shortcut"][data-action="${action}"]`)!;
const keysOf = (action: string) => [...row(action).querySelectorAll('kbd')].map((kbd) => kbd.textContent);
const checkbox = (testId: string) => byTestId<HTMLInputElement>(testId)!;

function toggle(input: HTMLInputElement): void {
  input.checked = !input.checked;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Change…, then the keys as a person presses them, on the element that has the focus. */
async function pressNewKeys(action: string, key: string, modifiers: KeyboardEventInit): Promise<void> {
  const change = row(action).querySelector<HTMLButtonElement>('[data-testid="global-shortcut-change"]')!;
  change.focus();
  change.click();
  await expect.poll(() => focusedTestId()).toBe('shortcut-capture');
  press(key, modifiers);
}

describe('Settings → Capture', () => {
  test('after-capture actions and the timer are saved in this device’s settings file as chosen', async () => {
    await mountApp(true);
    await openSettingsAt('capture', 'global-shortcut');
    expect(checkbox('after-capture-copy').checked).toBe(true);
    expect(checkbox('after-capture-openEditor').checked).toBe(false);
    toggle(checkbox('after-capture-copy'));
    await expect.poll(() => store!.current.afterCapture.copy).toBe(false);
    toggle(checkbox('after-capture-openEditor'));
    await expect.poll(() => store!.current.afterCapture.openEditor).toBe(true);
    expect(store!.current.afterCapture).toEqual({ copy: false, save: true, quickAccess: true, openEditor: true, analyse: true });

    const delay = byTestId<HTMLSelectElement>('capture-delay')!;
    delay.value = '5';
    delay.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => store!.current.delaySeconds).toBe(5);
    // On disk too (the store is ahead of its file until the write lands).
    await expect.poll(async () => (await CaptureSettingsStore.open(store!.file)).current).toMatchObject({ delaySeconds: 5, afterCapture: { copy: false, openEditor: true } });
  });

  test('every global shortcut is listed; new keys are pressed, a clash is said, Reset brings the default back', async () => {
    await mountApp(true);
    await openSettingsAt('capture', 'global-shortcut');
    const defaults = defaultShortcuts(platform);
    expect(allByTestId('global-shortcut').map((element) => element.dataset.action)).toEqual(['capture-region', 'capture-window', 'capture-screen', 'capture-repeat', 'clipboard-picker']);
    expect(keysOf('clipboard-picker')).toEqual(defaults['clipboard-picker'].map((spec) => shortcutLabel(spec, platform)));
    expect(row('capture-region').querySelector<HTMLButtonElement>('[data-testid="global-shortcut-reset"]')!.disabled).toBe(true);

    // The picker's keys given to "Capture a window" as well: saved, and the clash said in words.
    await pressNewKeys('capture-window', 'v', { ctrlKey: true, altKey: true, code: 'KeyV' });
    await expect.poll(() => store!.current.shortcuts['capture-window']).toBeDefined();
    await expect.poll(() => keysOf('capture-window')).toEqual(keysOf('clipboard-picker'));
    await expect.poll(() => text('capture-conflicts')).toMatch(/is given to both “Capture a window” and “Open the clipboard history”; give one of them other keys/);
    expect(focusedTestId()).not.toBe('shortcut-capture');

    const reset = row('capture-window').querySelector<HTMLButtonElement>('[data-testid="global-shortcut-reset"]')!;
    expect(reset.disabled).toBe(false);
    reset.click();
    await expect.poll(() => store!.current.shortcuts['capture-window']).toBeUndefined();
    await expect.poll(() => keysOf('capture-window')).toEqual(defaults['capture-window'].map((spec) => shortcutLabel(spec, platform)));
    expect(allByTestId('capture-conflict').filter((item) => item.dataset.kind === 'duplicate')).toEqual([]);

    // Esc while pressing new keys changes nothing.
    await pressNewKeys('capture-screen', 'Escape', {});
    await expect.poll(() => byTestId('shortcut-capture')).toBeNull();
    expect(store!.current.shortcuts).toEqual({});
  });

  test('a key that would stop working in every other app is refused in words and nothing changes', async () => {
    await mountApp(true);
    await openSettingsAt('capture', 'global-shortcut');
    const before = keysOf('capture-screen');
    await pressNewKeys('capture-screen', 'F5', { code: 'F5' });
    await expect.poll(() => text('capture-refusal')).toMatch(/^Could not change the shortcut: the shortcuts were not changed: F5 alone would stop that key working in every other app/);
    expect(keysOf('capture-screen')).toEqual(before);
    expect(store!.current.shortcuts).toEqual({});
  });

  test('changes are answered in the order they were made: a late answer to an earlier one does not hide a later refusal', async () => {
    let answerFirst: () => void = () => undefined;
    const firstAnswered = new Promise<void>((resolve) => (answerFirst = resolve));
    let calls = 0;
    await mountApp(true, (testCore) => ({
      ...testCore.api,
      // The first change is applied by the core at once, but its answer reaches the window late.
      changeClipboardSettings: async (params) => {
        const answer = await testCore.api.changeClipboardSettings(params);
        if (++calls === 1) await firstAnswered;
        return answer;
      },
    }));
    await openSettingsAt('capture', 'clipboard-history-settings');
    toggle(checkbox('clipboard-enabled'));
    typeInto(byTestId<HTMLInputElement>('clipboard-max-size')!, '0.0001');
    byTestId('clipboard-max-size-save')!.click();
    setTimeout(answerFirst, 300);
    await firstAnswered;
    await expect.poll(() => text('capture-refusal')).toBe('Could not change the size limit: the size limit must be between 1 KB and 512 MB');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(text('capture-refusal')).toBe('Could not change the size limit: the size limit must be between 1 KB and 512 MB');
    expect(checkbox('clipboard-enabled').checked).toBe(false);
  });

  test('clipboard history: off, excluded apps, size limit (a bad one refused), pause and resume', async () => {
    await mountApp(true);
    await openSettingsAt('capture', 'clipboard-history-settings');
    const library = core!.library;
    expect(checkbox('clipboard-enabled').checked).toBe(true);
    toggle(checkbox('clipboard-enabled'));
    await expect.poll(async () => (await loadClipboardSettings(library)).enabled).toBe(false);

    const excluded = byTestId<HTMLTextAreaElement>('clipboard-excluded')!;
    excluded.value = 'KeePassXC\n\n1Password\nkeepassxc';
    excluded.dispatchEvent(new Event('input', { bubbles: true }));
    byTestId('clipboard-excluded-save')!.click();
    await expect.poll(async () => (await loadClipboardSettings(library)).excludedApps).toEqual(['KeePassXC', '1Password']);
    await expect.poll(() => excluded.value).toBe('KeePassXC\n1Password');

    const size = byTestId<HTMLInputElement>('clipboard-max-size')!;
    expect(size.value).toBe('100');
    typeInto(size, '0.0001');
    byTestId('clipboard-max-size-save')!.click();
    await expect.poll(() => text('capture-refusal')).toBe('Could not change the size limit: the size limit must be between 1 KB and 512 MB');
    expect((await loadClipboardSettings(library)).maxItemBytes).toBe(100 * 1024 * 1024);
    typeInto(size, '5');
    press('Enter', { target: size });
    await expect.poll(async () => (await loadClipboardSettings(library)).maxItemBytes).toBe(5 * 1024 * 1024);
    await expect.poll(() => byTestId('capture-refusal')).toBeNull();

    const before = Date.now();
    byTestId('clipboard-pause-60')!.click();
    await expect.poll(() => byTestId('clipboard-resume')).not.toBeNull();
    const until = (await loadClipboardSettings(library)).pausedUntil!;
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(text('clipboard-pause-state')).toMatch(/^Paused until .+\. Resume now$/);
    byTestId('clipboard-resume')!.click();
    await expect.poll(async () => (await loadClipboardSettings(library)).pausedUntil).toBeNull();
    await expect.poll(() => byTestId('clipboard-pause-15')).not.toBeNull();
  });

  test('the Capture tab is reached with the arrow keys; without a settings file the screenshots part says where they are set', async () => {
    await mountApp(false);
    byTestId('settings-button')!.click();
    await nextTick();
    const appearance = byTestId('settings-tab-appearance')!;
    appearance.click();
    await nextTick();
    appearance.focus();
    press('ArrowRight');
    await expect.poll(() => focusedTestId()).toBe('settings-tab-capture');
    await expect.poll(() => byTestId('capture-unsupported')).not.toBeNull();
    expect(text('capture-unsupported')).toMatch(/set in the ClipShot desktop app/);
    expect(byTestId('global-shortcut')).toBeNull();
    await expect.poll(() => byTestId('clipboard-enabled')).not.toBeNull();
  });
});
