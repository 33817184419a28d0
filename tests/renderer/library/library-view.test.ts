// The library view against a real core: cards, search with highlighted (and escaped) matches,
// sidebar counts, empty states, sorting, and the first-paint marker end-to-end tests wait on.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import App from '../../../renderer/src/App.vue';
import { FIRST_PAINT_MARK } from '../../../renderer/src/composables/use-first-paint.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, type Mounted, unmountWithCore } from './mount-library.js';

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;

beforeEach(async () => {
  core = await createTestCore();
  restoreViewport = giveGridViewport(800, 600);
  delete document.documentElement.dataset.ready;
  performance.clearMarks(FIRST_PAINT_MARK);
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core.close();
});

const $ = (selector: string) => document.querySelector<HTMLElement>(selector);
const cardTitles = () => [...document.querySelectorAll('[data-testid="clip-card"] .title')].map((title) => title.textContent);
const emptyText = () => $('[data-testid="empty-state"]')?.textContent ?? null;

function typeSearch(text: string): void {
  const input = $('[data-testid="search-input"]') as HTMLInputElement;
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function mountApp(): void {
  mounted = mountWithCore(App, core);
}

describe('an empty library', () => {
  test('says how to add clips, marks the first paint, and tells a failed search and an empty trash apart', async () => {
    mountApp();
    await expect.poll(emptyText).toContain('No clips yet — drop files here or press Import');
    await expect.poll(() => document.documentElement.dataset.ready).toBe('true');
    expect(performance.getEntriesByName(FIRST_PAINT_MARK)).toHaveLength(1);

    typeSearch('zebra');
    await expect.poll(emptyText).toContain('No clips match “zebra”');

    typeSearch('');
    $('[data-testid="nav-trash"]')?.click();
    await expect.poll(emptyText).toContain('The trash is empty');
  });
});

describe('a library with clips', () => {
  beforeEach(async () => {
    await core.api.importText({ text: 'Quarterly tax figures for the accountant', title: 'Tax notes' });
    await core.api.importText({ text: 'Recipe: tomato soup with basil', title: 'Soup' });
    await core.api.importText({ text: '<img src=x onerror="window.hacked=1"> payload', title: '<script>window.hacked = 1</script> Taxing title' });
  });

  test('shows a card per clip with its title, kind and date, and counts in the sidebar', async () => {
    mountApp();
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(3);
    await expect.poll(() => document.documentElement.dataset.ready).toBe('true');
    expect(cardTitles()).toContain('Soup');
    const soup = [...document.querySelectorAll<HTMLElement>('[data-testid="clip-card"]')].find((card) => card.textContent?.includes('Soup'));
    expect(soup?.querySelector('.badge')?.textContent).toBe('Text');
    expect(soup?.querySelector('time')?.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(soup?.querySelector('.text-preview')?.textContent).toBe('Recipe: tomato soup with basil');

    await expect.poll(() => $('[data-testid="nav-all"]')?.textContent).toContain('3');
    expect($('[data-testid="nav-kind-text"]')?.textContent).toContain('3');
    expect($('[data-testid="nav-kind-image"]')?.textContent).toContain('0');
    expect($('[data-testid="nav-trash"]')?.textContent).toContain('0');
  });

  test('search replaces the grid once typing pauses, marking matches by word prefix — as text, never markup', async () => {
    mountApp();
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(3);

    typeSearch('tax');
    // The grid has not moved yet: the search waits for a pause in typing.
    expect(document.querySelectorAll('[data-testid="clip-card"]')).toHaveLength(3);
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(2);
    expect(cardTitles().sort()).toEqual(['<script>window.hacked = 1</script> Taxing title', 'Tax notes']);

    const marks = [...document.querySelectorAll('[data-testid="clip-card"] mark')].map((mark) => mark.textContent);
    expect(marks).toEqual(expect.arrayContaining(['Tax', 'tax']));
    // "Taxing" begins with "tax": its first three letters are marked.
    expect(marks).toContain('Tax');
    const grid = $('[data-testid="clip-grid"]');
    expect(grid?.querySelector('script')).toBeNull();
    expect(grid?.querySelector('img')).toBeNull();
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();

    typeSearch('script');
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(1);
    const title = $('[data-testid="clip-card"] .title');
    expect(title?.textContent).toBe('<script>window.hacked = 1</script> Taxing title');
    expect([...(title?.querySelectorAll('mark') ?? [])].map((mark) => mark.textContent)).toEqual(['script', 'script']);
    expect(title?.querySelector('script')).toBeNull();
  });

  test('Esc in the search box clears the search and the grid comes back', async () => {
    mountApp();
    typeSearch('soup');
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(1);
    const input = $('[data-testid="search-input"]') as HTMLInputElement;
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await nextTick();
    expect(input.value).toBe('');
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(3);
  });

  test('sorting by title, both ways', async () => {
    mountApp();
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(3);
    const field = $('[data-testid="sort-field"]') as HTMLSelectElement;
    field.value = 'title';
    field.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(cardTitles).toEqual(['<script>window.hacked = 1</script> Taxing title', 'Soup', 'Tax notes']);
    $('[data-testid="sort-direction"]')?.click();
    await expect.poll(cardTitles).toEqual(['Tax notes', 'Soup', '<script>window.hacked = 1</script> Taxing title']);
  });

  test('a change made elsewhere shows up, and the selected clip stays selected where it moved', async () => {
    mountApp();
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(3);
    const cards = document.querySelectorAll<HTMLElement>('[data-testid="clip-card"]');
    cards[1]?.click();
    const selectedId = cards[1]?.dataset.clipId;

    // Another window (its own session on the same core) adds a clip; captured now, it sorts first.
    const other = core.openWindow();
    await other.api.importText({ text: 'From the other window', title: 'Elsewhere' });
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(4);
    await expect.poll(() => $('[data-testid="nav-all"]')?.textContent).toContain('4');
    expect(cardTitles()[0]).toBe('Elsewhere');
    const selected = $('[data-testid="clip-card"][aria-selected="true"]');
    expect(selected?.dataset.clipId).toBe(selectedId);
    expect(selected?.dataset.index).toBe('2');

    // Trashed elsewhere: the clip that takes its place is selected.
    await other.api.trashClips({ ids: [selectedId ?? ''] });
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(3);
    expect($('[data-testid="clip-card"][aria-selected="true"]')?.dataset.index).toBe('2');
  });

  test('filters by kind and tag from the sidebar, with an empty state that offers the way back', async () => {
    mountApp();
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(3);
    $('[data-testid="nav-kind-image"]')?.click();
    await expect.poll(emptyText).toContain('No images');
    $('[data-testid="empty-state-action"]')?.click();
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(3);

    const [soup] = (await core.api.listClips({ text: 'soup' })).items;
    await core.api.changeTags({ id: soup?.id ?? '', add: ['kitchen'] });
    await expect.poll(() => $('[data-testid="nav-tag-kitchen"]')?.textContent).toContain('1');
    $('[data-testid="nav-tag-kitchen"]')?.click();
    await expect.poll(cardTitles).toEqual(['Soup']);
    expect($('[data-testid="nav-tag-kitchen"]')?.getAttribute('aria-current')).toBe('page');
  });
});
