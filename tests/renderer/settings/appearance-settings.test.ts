// The Appearance section of Settings against a real core: theme and motion choices, the accent,
// and custom themes imported (from a file or pasted; a bad one refused with one line per mistake),
// exported as the same JSON, and deleted.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { parseThemeFile, readThemeDefinition } from '../../../contract/themes.js';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, type Mounted, unmountWithCore } from '../library/mount-library.js';

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;

beforeEach(async () => {
  core = await createTestCore();
  restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
  mounted = mountWithCore(App, core);
  await useSettingsStore(mounted.pinia).whenOpen();
  $('[data-testid="settings-button"]')!.click();
  await nextTick();
  $('[data-testid="settings-tab-appearance"]')!.click();
  await nextTick();
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  const root = document.documentElement;
  for (const attribute of ['theme', 'contrast', 'motion']) delete root.dataset[attribute];
  root.removeAttribute('style');
  await core.close();
});

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector);
const settings = () => useSettingsStore(mounted!.pinia);
const root = () => document.documentElement;

function choose(testId: string): void {
  const radio = $<HTMLInputElement>(`[data-testid="${testId}"]`)!;
  radio.checked = true;
  radio.dispatchEvent(new Event('change', { bubbles: true }));
}

async function paste(text: string): Promise<void> {
  const area = $<HTMLTextAreaElement>('[data-testid="theme-import-text"]')!;
  area.value = text;
  area.dispatchEvent(new Event('input', { bubbles: true }));
  await nextTick();
  $('[data-testid="theme-import-paste"]')!.click();
  await nextTick();
}

describe('the Appearance section', () => {
  test('switches the theme and the motion setting, the tabs answer the arrow keys', async () => {
    expect($('[data-testid="settings-tab-appearance"]')?.getAttribute('aria-selected')).toBe('true');
    choose('theme-option-high-contrast');
    await expect.poll(() => root().dataset.theme).toBe('high-contrast');
    choose('theme-option-dark');
    await expect.poll(() => root().dataset.theme).toBe('dark');
    expect($<HTMLSelectElement>('[data-testid="theme-select"]')?.value).toBe('dark');

    choose('motion-option-always');
    await expect.poll(() => root().dataset.motion).toBe('reduce');
    choose('motion-option-never');
    await expect.poll(() => root().dataset.motion).toBeUndefined();
    expect(settings().reducedMotion).toBe('never');

    $('[data-testid="settings-tab-appearance"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await nextTick();
    await nextTick();
    expect($('[data-testid="keyboard-settings"]')).not.toBeNull();
    expect(document.activeElement).toBe($('[data-testid="settings-tab-keyboard"]'));
  });

  test('sets an accent from a preset or the colour input, shows the contrast of text on it, and goes back to the theme’s', async () => {
    $('[data-testid="accent-preset-green"]')!.click();
    await expect.poll(() => root().style.getPropertyValue('--accent')).toBe('#1a7f37');
    expect($('[data-testid="accent-contrast"]')?.textContent).toMatch(/Text on it is white, 5\.\d:1\./);
    expect($('[data-testid="accent-preset-green"]')?.getAttribute('aria-pressed')).toBe('true');

    const input = $<HTMLInputElement>('[data-testid="accent-input"]')!;
    input.value = '#FFD60A';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => settings().accent).toBe('#ffd60a');
    await expect.poll(() => $('[data-testid="accent-contrast"]')?.textContent).toMatch(/Text on it is black, 1[34]\.\d:1\./);

    $('[data-testid="accent-reset"]')!.click();
    await expect.poll(() => settings().accent).toBeNull();
    expect(root().style.getPropertyValue('--accent')).toBe('');
    expect($('[data-testid="accent-contrast"]')).toBeNull();
  });

  test('imports a pasted theme and applies it; a bad one is refused with every mistake on its own line', async () => {
    await paste('{"name": "Nope", "tokens": {"background": "#000", "text": "black"}, "extra": 1}');
    const errors = $('[data-testid="theme-import-errors"]')!;
    expect(errors.getAttribute('role')).toBe('alert');
    expect(errors.querySelector('p')?.textContent).toBe('the pasted theme was not imported:');
    expect([...errors.querySelectorAll('li')].map((line) => line.textContent)).toEqual(
      (parseThemeFile('{"name": "Nope", "tokens": {"background": "#000", "text": "black"}, "extra": 1}') as { errors: string[] }).errors,
    );
    expect(settings().customThemes).toEqual([]);

    await paste('{"name": "Midnight", "base": "dark", "tokens": {"bg": "#0b1020", "text": "#e6e9f2"}}');
    await expect.poll(() => settings().customThemes.map((theme) => theme.name)).toEqual(['Midnight']);
    expect($('[data-testid="theme-import-errors"]')).toBeNull();
    await expect.poll(() => root().style.getPropertyValue('--bg')).toBe('#0b1020');
    expect(root().dataset.theme).toBe('dark');
    expect($<HTMLInputElement>('[data-testid="theme-option-' + settings().customThemes[0]!.id + '"]')?.checked).toBe(true);
  });

  test('imports a theme file, exports a theme as the JSON it came from, and deletes it', async () => {
    const input = $<HTMLInputElement>('[data-testid="theme-import-file"]')!;
    const file = new File(['{"name": "From a file", "tokens": {"bg": "#fdf6e3", "accent": "#b58900"}}'], 'paper.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => settings().customThemes.map((theme) => theme.name)).toEqual(['From a file']);

    const bad = new File(['not a theme at all'], 'broken.json');
    Object.defineProperty(input, 'files', { value: [bad], configurable: true });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => $('[data-testid="theme-import-errors"] p')?.textContent).toBe('broken.json was not imported:');

    // Export: the download's content reads back as the same theme.
    const downloads: { name: string; blob: Blob }[] = [];
    const originalCreate = URL.createObjectURL;
    const originalClick = HTMLAnchorElement.prototype.click;
    const blobs = new Map<string, Blob>();
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    };
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, blob: blobs.get(this.href)! });
    };
    try {
      $('[data-testid="custom-theme-export"]')!.click();
    } finally {
      URL.createObjectURL = originalCreate;
      HTMLAnchorElement.prototype.click = originalClick;
    }
    expect(downloads.map((download) => download.name)).toEqual(['from-a-file.clipshot-theme.json']);
    const exported = JSON.parse(await downloads[0]!.blob.text()) as unknown;
    expect(readThemeDefinition(exported)).toEqual({ ok: true, theme: { name: 'From a file', base: 'light', tokens: { bg: '#fdf6e3', accent: '#b58900' } } });

    $('[data-testid="custom-theme-delete"]')!.click();
    await expect.poll(() => settings().customThemes).toEqual([]);
    expect(settings().theme).toBe('system');
    await expect.poll(() => root().style.getPropertyValue('--bg')).toBe('');
  });
});
