// Remapping shortcuts in Settings against a real core: the next key combination is captured and
// saved in the settings document, the listener, the "?" list and aria-keyshortcuts follow it, a
// conflict is shown with the choice to reassign or cancel, and keys that cannot be shortcuts are
// refused with the reason.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { readSettings } from '../../../contract/settings-document.js';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, press, type Mounted, unmountWithCore } from '../library/mount-library.js';

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;

beforeEach(async () => {
  core = await createTestCore();
  restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
  mounted = mountWithCore(App, core);
  await expect.poll(() => $('[data-testid="empty-state"]')).not.toBeNull();
  await useSettingsStore(mounted.pinia).whenOpen();
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core.close();
});

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector);
const row = (commandId: string) => $(`[data-testid="shortcut-row"][data-command-id="${commandId}"]`)!;
const keysShown = (commandId: string) => [...row(commandId).querySelectorAll('[data-testid="shortcut-keys"] .key')].map((key) => [...key.querySelectorAll('kbd')].map((part) => part.textContent).join('+'));
const capture = () => $('[data-testid="shortcut-capture"]');
const storedShortcuts = () => core.library.settings.read((doc) => (doc ? readSettings(doc) : null)).then((read) => (read?.ok ? read.settings.shortcuts : null));

async function openKeyboardSettings(): Promise<void> {
  $('[data-testid="settings-button"]')!.click();
  await nextTick();
  expect($<HTMLDialogElement>('[data-testid="settings-dialog"]')?.open).toBe(true);
  expect($('[data-testid="settings-tab-keyboard"]')?.getAttribute('aria-selected')).toBe('true');
}

async function closeSettings(): Promise<void> {
  $('[data-testid="settings-close"]')!.click();
  await expect.poll(() => $('[data-testid="settings-dialog"]')).toBeNull();
}

async function startCapture(commandId: string, mode: 'change' | 'add' = 'change'): Promise<HTMLElement> {
  row(commandId).querySelector<HTMLButtonElement>(`[data-testid="shortcut-${mode}"]`)!.click();
  await nextTick();
  const element = capture()!;
  expect(document.activeElement).toBe(element);
  return element;
}

async function pressIn(element: HTMLElement, key: string, options: KeyboardEventInit = {}): Promise<void> {
  press(key, { target: element, ...options });
  await nextTick();
}

describe('remapping a shortcut', () => {
  test('Settings open with Ctrl+, (from a field too) and from the palette, each at its section', async () => {
    const search = $<HTMLInputElement>('[data-testid="search-input"]')!;
    search.focus();
    expect(press(',', { ctrlKey: true, target: search }).defaultPrevented).toBe(true);
    await nextTick();
    expect($<HTMLDialogElement>('[data-testid="settings-dialog"]')?.open).toBe(true);
    expect($('[data-testid="keyboard-settings"]')).not.toBeNull();
    await closeSettings();

    press('k', { ctrlKey: true });
    await nextTick();
    document.querySelector<HTMLElement>('[data-testid="palette-option"][data-command-id="settings.appearance"]')!.click();
    await nextTick();
    expect($('[data-testid="settings-tab-appearance"]')?.getAttribute('aria-selected')).toBe('true');
    expect($('[data-testid="appearance-settings"]')).not.toBeNull();
  });

  test('captures the next keys, saves them in the settings document, and every part of the app uses them', async () => {
    await openKeyboardSettings();
    expect(keysShown('focus-search')).toEqual(['Ctrl+F']);
    const element = await startCapture('focus-search');
    // Modifiers alone wait for the key.
    await pressIn(element, 'Control', { ctrlKey: true });
    await pressIn(element, 'Shift', { ctrlKey: true, shiftKey: true });
    expect(capture()?.textContent?.trim()).toBe('Ctrl+Shift+…');
    await pressIn(element, 'S', { ctrlKey: true, shiftKey: true });

    expect(capture()).toBeNull();
    await expect.poll(() => keysShown('focus-search')).toEqual(['Ctrl+Shift+S']);
    expect(row('focus-search').dataset.remapped).toBe('true');
    expect($('[data-testid="shortcut-outcome"]')?.textContent).toBe('Search: Ctrl+Shift+S.');
    await expect.poll(storedShortcuts).toEqual({ 'focus-search': ['Mod+Shift+S'] });
    await closeSettings();

    // The listener: the new keys focus the search, the old ones no longer do.
    $('[data-testid="clip-grid"]')?.focus();
    expect(press('f', { ctrlKey: true }).defaultPrevented).toBe(false);
    await nextTick();
    expect(document.activeElement).not.toBe($('[data-testid="search-input"]'));
    expect(press('S', { ctrlKey: true, shiftKey: true }).defaultPrevented).toBe(true);
    await expect.poll(() => document.activeElement).toBe($('[data-testid="search-input"]'));

    // The "?" list.
    $('[data-testid="shortcuts-button"]')!.click();
    await nextTick();
    const entries = [...document.querySelectorAll('[data-testid="shortcuts-dialog"] dd')];
    const searchEntry = entries.find((entry) => entry.textContent === 'Search')!;
    expect([...searchEntry.previousElementSibling!.querySelectorAll('kbd')].map((key) => key.textContent)).toEqual(['Ctrl', 'Shift', 'S']);
  });

  test('a key another command has is a conflict: shown, then cancelled or reassigned', async () => {
    await openKeyboardSettings();
    let element = await startCapture('focus-search');
    await pressIn(element, 'k', { ctrlKey: true });
    const conflict = $('[data-testid="shortcut-conflict"]')!;
    expect(conflict.querySelector('#conflict-text')?.textContent?.trim()).toBe('Ctrl+K already runs “Show all commands” (General). Give it to “Search” instead?');
    expect(document.activeElement).toBe($('[data-testid="shortcut-reassign"]'));

    $('[data-testid="shortcut-conflict-cancel"]')!.click();
    await nextTick();
    expect($('[data-testid="shortcut-conflict"]')).toBeNull();
    expect(keysShown('focus-search')).toEqual(['Ctrl+F']);
    expect(await storedShortcuts()).toEqual({});

    element = await startCapture('focus-search');
    await pressIn(element, 'k', { ctrlKey: true });
    $('[data-testid="shortcut-reassign"]')!.click();
    await expect.poll(() => keysShown('focus-search')).toEqual(['Ctrl+K']);
    expect(keysShown('palette.open')).toEqual([]);
    expect(row('palette.open').textContent).toContain('No keys');
    await expect.poll(storedShortcuts).toEqual({ 'focus-search': ['Mod+K'], 'palette.open': [] });
    await closeSettings();

    // Ctrl+K now searches; the palette's button no longer announces a shortcut.
    $('[data-testid="clip-grid"]')?.focus();
    press('k', { ctrlKey: true });
    await expect.poll(() => document.activeElement).toBe($('[data-testid="search-input"]'));
    expect($('[data-testid="command-palette"]')).toBeNull();
    expect($('[data-testid="palette-button"]')?.hasAttribute('aria-keyshortcuts')).toBe(false);
  });

  test('keys that cannot be shortcuts are refused with the reason; Esc cancels and changes nothing', async () => {
    await openKeyboardSettings();
    const element = await startCapture('focus-search');
    await pressIn(element, 'Tab');
    expect($('[data-testid="shortcut-refusal"]')?.textContent).toBe('Tab moves between controls, so it cannot be a shortcut.');
    expect(document.activeElement).toBe(element);

    await pressIn(element, 'Shift', { shiftKey: true });
    element.dispatchEvent(new KeyboardEvent('keyup', { key: 'Shift', bubbles: true, cancelable: true }));
    await nextTick();
    expect($('[data-testid="shortcut-refusal"]')?.textContent).toBe('Shift alone is a modifier: hold it and press another key.');

    // Esc cancels (and does not close the dialog).
    await pressIn(element, 'Escape');
    expect(capture()).toBeNull();
    expect($<HTMLDialogElement>('[data-testid="settings-dialog"]')?.open).toBe(true);
    expect(keysShown('focus-search')).toEqual(['Ctrl+F']);
    expect(await storedShortcuts()).toEqual({});
  });

  test('keys are added and removed one by one; reset goes back to a command’s own keys, reset all to every command’s', async () => {
    await openKeyboardSettings();
    const element = await startCapture('focus-search', 'add');
    await pressIn(element, 'F3');
    await expect.poll(() => keysShown('focus-search')).toEqual(['Ctrl+F', 'F3']);

    row('focus-search').querySelector<HTMLButtonElement>('[data-testid="shortcut-remove"]')!.click();
    await expect.poll(() => keysShown('focus-search')).toEqual(['F3']);
    expect(row('focus-search').querySelector('[data-testid="shortcut-remove"]')?.getAttribute('aria-label')).toBe('Remove F3 from Search');

    await pressIn(await startCapture('show-shortcuts'), 'h');
    await expect.poll(() => keysShown('show-shortcuts')).toEqual(['H']);
    await expect.poll(storedShortcuts).toEqual({ 'focus-search': ['F3'], 'show-shortcuts': ['H'] });

    row('focus-search').querySelector<HTMLButtonElement>('[data-testid="shortcut-reset"]')!.click();
    await expect.poll(() => keysShown('focus-search')).toEqual(['Ctrl+F']);
    expect(row('focus-search').querySelector<HTMLButtonElement>('[data-testid="shortcut-reset"]')?.disabled).toBe(true);
    await expect.poll(storedShortcuts).toEqual({ 'show-shortcuts': ['H'] });

    $('[data-testid="shortcuts-reset-all"]')!.click();
    await expect.poll(() => keysShown('show-shortcuts')).toEqual(['?']);
    await expect.poll(storedShortcuts).toEqual({});
  });

  test('the filter finds commands by title or by key', async () => {
    await openKeyboardSettings();
    const filter = $<HTMLInputElement>('[data-testid="shortcut-filter"]')!;
    filter.value = 'ctrl+f';
    filter.dispatchEvent(new Event('input', { bubbles: true }));
    await nextTick();
    expect([...document.querySelectorAll<HTMLElement>('[data-testid="shortcut-row"]')].map((element) => element.dataset.commandId)).toEqual(['focus-search']);
    filter.value = 'theme';
    filter.dispatchEvent(new Event('input', { bubbles: true }));
    await nextTick();
    expect([...document.querySelectorAll<HTMLElement>('[data-testid="shortcut-row"]')].map((element) => element.dataset.commandId).sort()).toEqual([
      'settings.appearance',
      'theme.dark',
      'theme.high-contrast',
      'theme.light',
      'theme.system',
    ]);
  });
});
