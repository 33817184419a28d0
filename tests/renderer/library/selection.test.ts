// Selecting many clips against a real core: click, Shift-click, Ctrl-click, select-all as a query
// minus exclusions, Shift+arrows across pages never shown, a rubber band, and a bulk tag made
// from the selection bar that Ctrl+Z undoes as one step.
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
  for (let number = 1; number <= CLIPS; number++) await core.api.importText({ text: `Body ${number}`, title: `Clip ${String(number).padStart(2, '0')}` });
  idsInOrder = (await core.api.listClips({ orderBy: 'title', limit: 100 })).items.map((clip) => clip.id);
  // 800 px wide: 4 columns of 183 px; 600 px high: 2 whole rows in view.
  restoreViewport = giveGridViewport(800, 600);
  mounted = mountWithCore(App, core);
  useLibraryStore(mounted.pinia).setOrder('title');
  await useResultsStore(mounted.pinia).setPageSize(PAGE_SIZE);
  await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBeGreaterThan(0);
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core.close();
});

const selection = () => useSelectionStore(mounted?.pinia);
const grid = () => document.querySelector<HTMLElement>('[data-testid="clip-grid"]')!;
const card = (index: number) => document.querySelector<HTMLElement>(`[data-testid="clip-card"][data-index="${index}"]`)!;
const selectedIndexes = () => [...document.querySelectorAll<HTMLElement>('[data-testid="clip-card"][aria-selected="true"]')].map((element) => Number(element.dataset.index));

function click(index: number, modifiers: MouseEventInit = {}): void {
  card(index).dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ...modifiers }));
}

describe('selecting with the mouse', () => {
  test('a click selects one; Shift-click a range; Ctrl-click adds and takes out', async () => {
    click(1);
    await nextTick();
    expect(selection().multi).toBeNull();
    expect(selection().count).toBe(1);
    expect(selectedIndexes()).toEqual([1]);

    click(6, { shiftKey: true });
    await flushPromises();
    expect(selection().count).toBe(6);
    expect(selectedIndexes()).toEqual([1, 2, 3, 4, 5, 6]);

    click(3, { ctrlKey: true });
    await flushPromises();
    expect(selectedIndexes()).toEqual([1, 2, 4, 5, 6]);
    click(0, { ctrlKey: true });
    await flushPromises();
    expect(selectedIndexes()).toEqual([0, 1, 2, 4, 5, 6]);
    // The ids go to the core in list order, whatever order they were picked in.
    expect(selection().toApiSelection()).toEqual({ ids: [0, 1, 2, 4, 5, 6].map((index) => idsInOrder[index]) });
    expect(document.querySelector('[data-testid="selection-count"]')?.textContent).toBe('6 clips selected');

    // A plain click starts over.
    click(7);
    await nextTick();
    expect(selectedIndexes()).toEqual([7]);
    expect(selection().multi).toBeNull();
  });

  test('a rubber band on the empty space selects the cards it touches', async () => {
    // happy-dom lays nothing out: the grid sits at the page's top left, so client and content coordinates agree.
    grid().dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true, button: 0, clientX: 2, clientY: 2 }));
    window.dispatchEvent(new MouseEvent('mousemove', { clientX: 120, clientY: 120 }));
    window.dispatchEvent(new MouseEvent('mousemove', { clientX: 300, clientY: 300 }));
    await nextTick();
    expect(document.querySelector('[data-testid="rubber-band"]')).not.toBeNull();
    // Columns 0 and 1 (16–199 and 211–394 px), rows 0 and 1 (16–236 and 248–468 px).
    expect(selectedIndexes()).toEqual([0, 1, 4, 5]);
    window.dispatchEvent(new MouseEvent('mouseup', { clientX: 300, clientY: 300 }));
    await flushPromises();
    expect(document.querySelector('[data-testid="rubber-band"]')).toBeNull();
    expect(selection().toApiSelection()).toEqual({ ids: [0, 1, 4, 5].map((index) => idsInOrder[index]) });

    // With Ctrl held, a second band adds to the first.
    grid().dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true, button: 0, clientX: 790, clientY: 2, ctrlKey: true }));
    window.dispatchEvent(new MouseEvent('mousemove', { clientX: 700, clientY: 100 }));
    window.dispatchEvent(new MouseEvent('mouseup', { clientX: 700, clientY: 100 }));
    await flushPromises();
    expect(selection().count).toBe(5);
    expect(selectedIndexes()).toEqual([0, 1, 3, 4, 5]);

    // A press on the empty space that does not drag clears the selection.
    grid().dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true, button: 0, clientX: 2, clientY: 2 }));
    window.dispatchEvent(new MouseEvent('mouseup', { clientX: 2, clientY: 2 }));
    await nextTick();
    expect(selection().multi).toBeNull();
  });
});

describe('selecting with the keyboard', () => {
  test('Shift+arrows stretch from the anchor; Shift+End reaches clips on pages never shown', async () => {
    grid().focus();
    press('ArrowRight', { target: grid() });
    press('ArrowRight', { shiftKey: true, target: grid() });
    press('ArrowDown', { shiftKey: true, target: grid() });
    await flushPromises();
    expect(selection().index).toBe(6);
    expect(selectedIndexes()).toEqual([1, 2, 3, 4, 5, 6]);

    press('End', { shiftKey: true, target: grid() });
    await flushPromises();
    // Pages of 10: 11 to 24 were never fetched for the grid; their ids were read for the selection.
    expect(selection().toApiSelection()).toEqual({ ids: idsInOrder.slice(1) });

    press('Escape', { target: grid() });
    await nextTick();
    expect(selection().multi).toBeNull();
  });

  test('Ctrl+arrows move the focus alone; Space adds the focused clip, but on a button it presses the button', async () => {
    grid().focus();
    press('ArrowRight', { target: grid() });
    press('ArrowRight', { ctrlKey: true, target: grid() });
    press('ArrowRight', { ctrlKey: true, target: grid() });
    await flushPromises();
    expect(selection().index).toBe(3);
    expect(selectedIndexes()).toEqual([1]);
    press(' ', { target: grid() });
    await flushPromises();
    expect(selectedIndexes()).toEqual([1, 3]);
    expect(card(3).classList.contains('focused')).toBe(true);

    const button = document.querySelector<HTMLElement>('[data-testid="bulk-tag"]')!;
    button.focus();
    expect(press(' ', { target: button }).defaultPrevented).toBe(false);
    expect(selectedIndexes()).toEqual([1, 3]);
  });

  test('Ctrl+A selects the whole list as a query; exclusions travel with it; a bulk tag and one Ctrl+Z', async () => {
    grid().focus();
    press('a', { ctrlKey: true, target: grid() });
    await nextTick();
    expect(selection().count).toBe(CLIPS);
    expect(selectedIndexes().length).toBeGreaterThan(0);
    expect(selection().toApiSelection()).toEqual({ query: { orderBy: 'title', direction: 'asc' } });

    click(2, { ctrlKey: true });
    await flushPromises();
    expect(selection().count).toBe(CLIPS - 1);
    expect(selection().toApiSelection()).toEqual({ query: { orderBy: 'title', direction: 'asc' }, except: [idsInOrder[2]] });

    document.querySelector<HTMLElement>('[data-testid="bulk-tag"]')!.click();
    await flushPromises();
    const input = document.querySelector<HTMLInputElement>('[data-testid="bulk-label-input"]')!;
    expect(document.activeElement).toBe(input);
    input.value = 'reviewed';
    input.dispatchEvent(new Event('input'));
    await nextTick();
    document.querySelector<HTMLElement>('[data-testid="bulk-label-add"]')!.click();
    await expect.poll(() => document.querySelector('[data-testid="toast"]')?.textContent).toContain(`Tag “reviewed” on ${CLIPS - 1} clips`);
    expect(await core.api.countClips({ tag: 'reviewed' })).toBe(CLIPS - 1);
    expect(await core.api.countClips({ tag: 'reviewed', text: 'Clip 03' })).toBe(0);

    grid().focus();
    press('z', { ctrlKey: true, target: grid() });
    await expect.poll(() => [...document.querySelectorAll('[data-testid="toast"]')].some((toast) => toast.textContent?.includes('Undone: Tag “reviewed”'))).toBe(true);
    expect(await core.api.countClips({ tag: 'reviewed' })).toBe(0);
    press('z', { ctrlKey: true, shiftKey: true, target: grid() });
    await expect.poll(() => core.api.countClips({ tag: 'reviewed' })).toBe(CLIPS - 1);
  });

  test('Delete with several clips selected trashes them all, and the toast undoes it', async () => {
    click(0);
    click(2, { shiftKey: true });
    await flushPromises();
    press('Delete', { target: grid() });
    await expect.poll(() => core.api.countClips({ trash: true })).toBe(3);
    // The trashed clips left the list, and the selection with them.
    await expect.poll(() => selection().multi).toBeNull();
    await expect.poll(() => document.querySelector('[data-testid="toast"]')?.textContent).toContain('Moved 3 clips to the trash');
    document.querySelector<HTMLElement>('[data-testid="toast-action"]')!.click();
    await expect.poll(() => core.api.countClips({ trash: true })).toBe(0);
  });
});
