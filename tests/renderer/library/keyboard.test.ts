// Keyboard use of the library against a real core: selection by index across page boundaries,
// opening, trashing with undo, and keys typed into fields staying text.
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import App from '../../../renderer/src/App.vue';
import { useLibraryStore } from '../../../renderer/src/stores/library.js';
import { useResultsStore } from '../../../renderer/src/stores/results.js';
import { useSelectionStore } from '../../../renderer/src/stores/selection.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, press, type Mounted, unmountWithCore } from './mount-library.js';

const CLIPS = 25;
const PAGE_SIZE = 10;
let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;
/** Clip ids in title order, as the core lists them. */
let idsInOrder: string[];

beforeEach(async () => {
  core = await createTestCore();
  for (let number = 1; number <= CLIPS; number++) {
    const label = String(number).padStart(2, '0');
    await core.api.importText({ text: `Body of clip ${label}`, title: `Clip ${label}` });
  }
  idsInOrder = (await core.api.listClips({ orderBy: 'title', limit: 100 })).items.map((clip) => clip.id);

  // 800 px wide: 4 columns; 600 px high: 2 whole rows (232 px each) in view.
  restoreViewport = giveGridViewport(800, 600);
  mounted = mountWithCore(App, core);
  const results = useResultsStore(mounted.pinia);
  useLibraryStore(mounted.pinia).setOrder('title');
  await results.setPageSize(PAGE_SIZE);
  await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBeGreaterThan(0);
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core.close();
});

const grid = () => document.querySelector<HTMLElement>('[data-testid="clip-grid"]');
const selectedCard = () => document.querySelector<HTMLElement>('[data-testid="clip-card"][aria-selected="true"]');
const selection = () => useSelectionStore(mounted?.pinia);

async function pressOnGrid(key: string, times = 1): Promise<void> {
  for (let count = 0; count < times; count++) press(key, { target: grid() ?? document.body });
  await nextTick();
}

describe('moving the selection', () => {
  test('arrows move by one and by a row, across page boundaries, and the selected card is the clip at that index', async () => {
    grid()?.focus();
    await nextTick();
    expect(selection().index).toBe(0);

    await pressOnGrid('ArrowDown', 2);
    expect(selection().index).toBe(8);
    await pressOnGrid('ArrowRight', 2);
    // Index 10 opens the second page of 10.
    expect(selection().index).toBe(10);
    await expect.poll(() => selectedCard()?.dataset.clipId).toBe(idsInOrder[10]);
    expect(grid()?.getAttribute('aria-activedescendant')).toBe('clip-option-10');

    await pressOnGrid('ArrowDown', 3);
    expect(selection().index).toBe(22);
    await expect.poll(() => selectedCard()?.dataset.clipId).toBe(idsInOrder[22]);
    await pressOnGrid('ArrowLeft');
    expect(selection().index).toBe(21);
  });

  test('Home, End, Page Up and Page Down; up from the first row and down from the last stay put', async () => {
    grid()?.focus();
    await pressOnGrid('End');
    expect(selection().index).toBe(CLIPS - 1);
    await expect.poll(() => selectedCard()?.dataset.clipId).toBe(idsInOrder[CLIPS - 1]);
    await pressOnGrid('ArrowDown');
    expect(selection().index).toBe(CLIPS - 1);

    // Two rows of four are in view: a page is 8 clips.
    await pressOnGrid('PageUp');
    expect(selection().index).toBe(16);
    await pressOnGrid('Home');
    expect(selection().index).toBe(0);
    await pressOnGrid('ArrowUp');
    expect(selection().index).toBe(0);
    await pressOnGrid('PageDown');
    expect(selection().index).toBe(8);
    await pressOnGrid('ArrowLeft', 20);
    expect(selection().index).toBe(0);
  });

  test('a click selects; keys typed in the search box stay text', async () => {
    const cards = document.querySelectorAll<HTMLElement>('[data-testid="clip-card"]');
    cards[5]?.click();
    await nextTick();
    expect(selection().index).toBe(5);

    const search = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
    search?.focus();
    expect(document.activeElement).toBe(search);
    for (const key of ['ArrowDown', 'ArrowRight', 'End', 'Home', 'PageDown', 'Delete', 'Backspace', '?']) {
      expect(press(key, { target: search ?? undefined }).defaultPrevented).toBe(false);
    }
    // Enter in the search box runs the search at once; it opens nothing.
    press('Enter', { target: search ?? undefined });
    await flushPromises();
    expect(selection().index).toBe(5);
    expect(selection().openClipId).toBeNull();
    expect(document.querySelector('[data-testid="shortcuts-dialog"]')).toBeNull();
    expect(await core.api.countClips({})).toBe(CLIPS);
  });

  test('Ctrl+F focuses the search box from anywhere, and Esc there goes back to the clips', async () => {
    grid()?.focus();
    press('f', { ctrlKey: true });
    await nextTick();
    const search = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
    expect(document.activeElement).toBe(search);

    press('Escape', { target: search ?? undefined });
    await nextTick();
    expect(document.activeElement).toBe(grid());
  });
});

describe('acting on the selected clip', () => {
  test('Enter and Space on a focused button are the button’s: no clip opens and the browser presses it', async () => {
    grid()?.focus();
    await pressOnGrid('ArrowRight');
    const settings = document.querySelector<HTMLButtonElement>('[data-testid="settings-button"]')!;
    settings.focus();
    const enter = press('Enter', { target: settings });
    const space = press(' ', { target: settings });
    await nextTick();
    // Not taken (the browser turns the key into a click), and the library did not act on it.
    expect([enter.defaultPrevented, space.defaultPrevented]).toEqual([false, false]);
    expect(selection().openClipId).toBeNull();
    // The same key on the grid still opens the selected clip.
    await pressOnGrid('Enter');
    await expect.poll(() => selection().openClipId).toBe(idsInOrder[1]);
  });

  test('Enter opens the clip view and Esc closes it, back on the same clip', async () => {
    grid()?.focus();
    await pressOnGrid('ArrowRight', 3);
    await pressOnGrid('Enter');
    await expect.poll(() => selection().openClipId).toBe(idsInOrder[3]);
    await expect.poll(() => document.querySelector('[data-testid="clip-overlay"]')).not.toBeNull();

    // The clip view is a chunk of its own, loaded on first use.
    await expect.poll(() => document.querySelector('[data-testid="clip-detail"]'), { timeout: 15_000 }).not.toBeNull();
    press('Escape', { target: document.body });
    await expect.poll(() => selection().openClipId).toBeNull();
    expect(document.querySelector('[data-testid="clip-overlay"]')).toBeNull();
    expect(selection().index).toBe(3);
  });

  test('Delete moves the selected clip to the trash, Undo brings it back; in the Trash, Delete restores', async () => {
    grid()?.focus();
    await pressOnGrid('ArrowRight', 2);
    const id = idsInOrder[2];
    await pressOnGrid('Delete');

    await expect.poll(() => document.querySelector('[data-testid="toast"]')?.textContent).toContain('Moved “Clip 03” to the trash');
    expect((await core.api.getClip({ id: id ?? '' })).deletedAt).not.toBeNull();
    await expect.poll(() => useResultsStore(mounted?.pinia).count).toBe(CLIPS - 1);
    // The selection stays at its index, now the next clip.
    expect(selection().index).toBe(2);
    await expect.poll(() => selectedCard()?.dataset.clipId).toBe(idsInOrder[3]);

    document.querySelector<HTMLElement>('[data-testid="toast-action"]')?.click();
    await expect.poll(async () => (await core.api.getClip({ id: id ?? '' })).deletedAt).toBeNull();
    await expect.poll(() => useResultsStore(mounted?.pinia).count).toBe(CLIPS);

    await core.api.trashClips({ ids: [id ?? ''] });
    const trashEntry = document.querySelector<HTMLElement>('[data-testid="nav-trash"]');
    // As a mouse click would, the click moves focus to the sidebar.
    trashEntry?.focus();
    trashEntry?.click();
    await expect.poll(() => document.querySelector('[data-testid="clip-card"]')?.getAttribute('data-clip-id')).toBe(id);
    grid()?.focus();
    await pressOnGrid('Delete');
    await expect.poll(async () => (await core.api.getClip({ id: id ?? '' })).deletedAt).toBeNull();
    await expect.poll(() => document.querySelector('[data-testid="empty-state"]')?.textContent).toContain('The trash is empty');
  });
});
