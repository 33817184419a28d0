// The command palette against a real core: opened with Ctrl+K (from a field too), every command
// that applies with its keys, found by a few letters, run with the keyboard or the mouse, and
// closed with Esc, giving the keyboard back to where it was.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { useSelectionStore } from '../../../renderer/src/stores/selection.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, press, type Mounted, unmountWithCore } from '../library/mount-library.js';

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;

beforeEach(async () => {
  core = await createTestCore();
  for (const title of ['First', 'Second', 'Third']) await core.api.importText({ text: `${title} clip`, title });
  restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
  mounted = mountWithCore(App, core);
  await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(3);
  await useSettingsStore(mounted.pinia).whenOpen();
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  delete document.documentElement.dataset.theme;
  await core.close();
});

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector);
const palette = () => $<HTMLDialogElement>('[data-testid="command-palette"]');
const paletteInput = () => $<HTMLInputElement>('[data-testid="palette-input"]')!;
const options = () => [...document.querySelectorAll<HTMLElement>('[data-testid="palette-option"]')];
const titles = () => options().map((option) => option.querySelector('.palette-title')?.textContent?.trim());

async function type(text: string): Promise<void> {
  paletteInput().value = text;
  paletteInput().dispatchEvent(new Event('input', { bubbles: true }));
  await nextTick();
}

async function pressInPalette(key: string): Promise<void> {
  press(key, { target: paletteInput() });
  await nextTick();
}

describe('the command palette', () => {
  test('Ctrl+K opens it even while typing in a field; it lists what applies now, with each command’s keys', async () => {
    const search = $<HTMLInputElement>('[data-testid="search-input"]')!;
    search.focus();
    expect(press('k', { ctrlKey: true, target: search }).defaultPrevented).toBe(true);
    await nextTick();
    expect(palette()?.open).toBe(true);
    expect(document.activeElement).toBe(paletteInput());

    expect(titles()).toEqual(expect.arrayContaining(['Search', 'Show keyboard shortcuts', 'Open settings', 'Open the selected clip', 'Theme: Dark', 'Theme: High contrast']));
    // Not the palette itself, not a hidden fallback, not a command that does not apply now (the theme already chosen).
    expect(titles()).not.toContain('Show all commands');
    expect(titles()).not.toContain('Close the clip');
    expect(titles()).not.toContain('Theme: System');
    const search_ = options().find((option) => option.dataset.commandId === 'focus-search')!;
    expect([...search_.querySelectorAll('kbd')].map((key) => key.textContent)).toEqual(['Ctrl', 'F']);

    // Combobox and listbox: focus stays in the field, the active option is named by aria-activedescendant.
    const input = paletteInput();
    expect(input.getAttribute('role')).toBe('combobox');
    expect(input.getAttribute('aria-controls')).toBe('palette-list');
    expect($('#palette-list')?.getAttribute('role')).toBe('listbox');
    const active = document.getElementById(input.getAttribute('aria-activedescendant') ?? '');
    expect(active?.getAttribute('role')).toBe('option');
    expect(active?.getAttribute('aria-selected')).toBe('true');
    expect(options().filter((option) => option.getAttribute('aria-selected') === 'true')).toHaveLength(1);
  });

  test('typing filters by a few letters in order; arrows move; Enter runs the command, closes, and gives focus back', async () => {
    const search = $<HTMLInputElement>('[data-testid="search-input"]')!;
    search.focus();
    press('k', { ctrlKey: true, target: search });
    await nextTick();

    await type('shks');
    expect(titles()[0]).toBe('Show keyboard shortcuts');
    expect([...options()[0]!.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['Sh', 'k', 's']);

    await type('theme');
    // Shorter titles with the same match first; the settings command matches too, and looser
    // matches (the letters scattered over words, as in "the timeline") come after.
    expect(titles().slice(0, 4)).toEqual(['Theme: Dark', 'Theme: Light', 'Theme: High contrast', 'Change the theme and colours']);
    for (const title of titles()) expect((title ?? '').toLowerCase()).toMatch(/t.*h.*e.*m.*e/);
    await pressInPalette('ArrowDown');
    expect(paletteInput().getAttribute('aria-activedescendant')).toBe('palette-option-1');
    await pressInPalette('ArrowUp');
    await pressInPalette('ArrowUp');
    // Wraps from the first to the last, and back.
    expect(paletteInput().getAttribute('aria-activedescendant')).toBe(`palette-option-${titles().length - 1}`);
    await pressInPalette('ArrowDown');
    await pressInPalette('ArrowDown');
    expect(paletteInput().getAttribute('aria-activedescendant')).toBe('palette-option-1');
    await pressInPalette('Enter');

    expect(palette()).toBeNull();
    expect(document.activeElement).toBe(search);
    await expect.poll(() => document.documentElement.dataset.theme).toBe('light');
    expect(useSettingsStore(mounted!.pinia).theme).toBe('light');
  });

  test('Esc closes it and gives the keyboard back; the mouse picks and runs a command', async () => {
    const button = $<HTMLButtonElement>('[data-testid="palette-button"]')!;
    button.focus();
    button.click();
    await nextTick();
    expect(palette()?.open).toBe(true);
    await pressInPalette('Escape');
    expect(palette()).toBeNull();
    expect(document.activeElement).toBe(button);

    button.click();
    await nextTick();
    const option = options().find((candidate) => candidate.dataset.commandId === 'show-shortcuts')!;
    option.dispatchEvent(new MouseEvent('mousemove', { bubbles: true }));
    await nextTick();
    expect(option.getAttribute('aria-selected')).toBe('true');
    option.click();
    await nextTick();
    expect(palette()).toBeNull();
    expect($<HTMLDialogElement>('[data-testid="shortcuts-dialog"]')?.open).toBe(true);
  });

  test('says when nothing matches; keys pressed in it do not move the view behind it', async () => {
    $<HTMLElement>('[data-testid="clip-grid"]')?.focus();
    const selection = useSelectionStore(mounted!.pinia);
    const before = selection.index;
    press('k', { ctrlKey: true });
    await nextTick();
    await pressInPalette('ArrowDown');
    await pressInPalette('End');
    expect(selection.index).toBe(before);

    await type('no such command anywhere');
    expect(options()).toHaveLength(0);
    expect($('[data-testid="palette-empty"]')?.textContent).toBe('No command matches “no such command anywhere”.');
    await pressInPalette('Enter');
    expect(palette()?.open).toBe(true);
    // Ctrl+K again closes it.
    press('k', { ctrlKey: true, target: paletteInput() });
    await nextTick();
    expect(palette()).toBeNull();
  });

  test('shows the keys the person set, not the defaults', async () => {
    await useSettingsStore(mounted!.pinia).setShortcuts({ 'focus-search': ['Mod+Shift+S', 'F3'] });
    press('k', { ctrlKey: true });
    await nextTick();
    await type('search');
    const option = options().find((candidate) => candidate.dataset.commandId === 'focus-search')!;
    expect([...option.querySelectorAll('.palette-keys kbd')].map((key) => key.textContent)).toEqual(['Ctrl', 'Shift', 'S', 'F3']);
  });
});
