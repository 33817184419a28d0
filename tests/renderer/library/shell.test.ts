// The window around the grid: theme, connection banner, error toasts, the shortcuts list, search debounce.
import { createPinia, disposePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { nextTick } from 'vue';
import { ObservableConnectionStatus } from '../../../renderer/src/api/connection-status.js';
import App from '../../../renderer/src/App.vue';
import { SLOW_CONNECT_MS } from '../../../renderer/src/stores/connection.js';
import { SEARCH_DEBOUNCE_MS, useLibraryStore } from '../../../renderer/src/stores/library.js';
import { readSettings } from '../../../contract/settings-document.js';
import { applyAppearance, readSystemPreferences } from '../../../renderer/src/settings/appearance.js';
import { APPEARANCE_STORAGE_KEY, LEGACY_THEME_STORAGE_KEY, readAppearanceCopy } from '../../../renderer/src/settings/appearance-copy.js';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { useCommandStore } from '../../../renderer/src/stores/commands.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { countingApi, giveGridViewport, mountWithCore, press, type Mounted, unmountWithCore } from './mount-library.js';

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;

beforeEach(async () => {
  core = await createTestCore();
  restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core.close();
});

const $ = (selector: string) => document.querySelector<HTMLElement>(selector);

describe('theme', () => {
  test('follows the system until overridden; the override is saved in the settings document, applied at once and kept for the next first paint', async () => {
    mounted = mountWithCore(App, core);
    const select = $('[data-testid="theme-select"]') as HTMLSelectElement;
    expect(select.value).toBe('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
    await useSettingsStore(mounted.pinia).whenOpen();

    select.value = 'dark';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => document.documentElement.dataset.theme).toBe('dark');
    expect(readAppearanceCopy().dataTheme).toBe('dark');
    const stored = await core.library.settings.read((doc) => (doc ? readSettings(doc) : null));
    expect(stored).toMatchObject({ ok: true, settings: { theme: 'dark' } });

    // A new window paints with the copy before its settings arrive.
    delete document.documentElement.dataset.theme;
    applyAppearance(readAppearanceCopy(), readSystemPreferences());
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  test('a stored copy that is not an appearance is ignored; a theme chosen before settings were synced is carried into them', async () => {
    localStorage.setItem(APPEARANCE_STORAGE_KEY, '{"dataTheme":"purple","tokens":{"bg":"url(https://example.com/x.png)","text":"#123456"}}');
    expect(readAppearanceCopy()).toEqual({ dataTheme: null, tokens: { text: '#123456' }, followContrast: false, reducedMotion: 'system' });
    localStorage.setItem(APPEARANCE_STORAGE_KEY, 'not json');
    expect(readAppearanceCopy().dataTheme).toBeNull();

    localStorage.clear();
    localStorage.setItem(LEGACY_THEME_STORAGE_KEY, 'light');
    mounted = mountWithCore(App, core);
    await expect.poll(async () => (await core.library.settings.read((doc) => (doc ? readSettings(doc) : null)))?.ok && useSettingsStore(mounted!.pinia).theme).toBe('light');
    expect(localStorage.getItem(LEGACY_THEME_STORAGE_KEY)).toBeNull();
    expect(document.documentElement.dataset.theme).toBe('light');
  });
});

describe('connection', () => {
  test('a lost connection is shown while it lasts; once back, the window catches up by itself', async () => {
    const status = new ObservableConnectionStatus('connected');
    const { api, calls } = countingApi(core.api);
    mounted = mountWithCore(App, core, { status, api });
    await expect.poll(() => $('[data-testid="empty-state"]')).not.toBeNull();
    expect($('[data-testid="connection-banner"]')).toBeNull();

    status.set('reconnecting');
    await nextTick();
    expect($('[data-testid="connection-banner"]')?.textContent?.trim()).toBe('Connection to ClipShot lost — reconnecting…');
    status.set('offline');
    await nextTick();
    expect($('[data-testid="connection-banner"]')?.dataset.state).toBe('offline');

    // Events sent while the connection was down never arrived: coming back refetches what is shown.
    const before = { counts: calls.get('countClips') ?? 0, overviews: calls.get('overview') ?? 0 };
    status.set('connected');
    await nextTick();
    expect($('[data-testid="connection-banner"]')).toBeNull();
    expect(calls.get('countClips')).toBe(before.counts + 1);
    expect(calls.get('overview')).toBe(before.overviews + 1);
  });

  test('while the first connection opens nothing is said, unless it takes long; the first connect is no recovery', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const status = new ObservableConnectionStatus('reconnecting');
      const { api, calls } = countingApi(core.api);
      mounted = mountWithCore(App, core, { status, api });
      await nextTick();
      expect($('[data-testid="connection-banner"]')).toBeNull();
      vi.advanceTimersByTime(SLOW_CONNECT_MS);
      await nextTick();
      expect($('[data-testid="connection-banner"]')?.textContent?.trim()).toBe('Connecting to ClipShot…');

      const counted = calls.get('countClips');
      status.set('connected');
      await nextTick();
      expect($('[data-testid="connection-banner"]')).toBeNull();
      expect(calls.get('countClips')).toBe(counted);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('errors', () => {
  test('a request the core refuses shows its reason in a toast, in plain words', async () => {
    mounted = mountWithCore(App, core);
    await expect.poll(() => $('[data-testid="empty-state"]')).not.toBeNull();
    const input = $('[data-testid="search-input"]') as HTMLInputElement;
    input.value = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await expect.poll(() => $('[data-testid="toast"]')?.textContent ?? '').toContain('more than 32 words');
    expect($('[data-testid="toast"]')?.dataset.kind).toBe('error');
    expect($('[data-testid="toast"]')?.getAttribute('role')).toBe('alert');
  });
});

describe('shortcuts list', () => {
  test('"?" lists every registered command that has keys, Esc closes it', async () => {
    mounted = mountWithCore(App, core);
    press('?', { shiftKey: true, target: document.body });
    await nextTick();
    const dialog = $('[data-testid="shortcuts-dialog"]') as HTMLDialogElement | null;
    expect(dialog?.open).toBe(true);
    const listed = [...(dialog?.querySelectorAll('dd') ?? [])].map((entry) => entry.textContent);
    const registered = useCommandStore(mounted.pinia)
      .commands.filter((command) => !command.hidden && command.keys.length > 0)
      .map((command) => command.title);
    expect(listed.sort()).toEqual(registered.sort());
    expect(listed).toEqual(expect.arrayContaining(['Select the clip below', 'Open the selected clip', 'Search', 'Show keyboard shortcuts']));
    expect(dialog?.textContent).toContain('Ctrl');

    press('Escape', { target: dialog ?? undefined });
    await nextTick();
    expect($('[data-testid="shortcuts-dialog"]')).toBeNull();
  });
});

describe('search debounce', () => {
  test('the query follows the search box only once typing pauses', () => {
    vi.useFakeTimers();
    try {
      const pinia = createPinia();
      const library = useLibraryStore(pinia);
      for (const typed of ['t', 'ta', 'tax']) {
        library.setSearchInput(typed);
        vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 20);
      }
      expect(library.searchInput).toBe('tax');
      expect(library.listQuery.text).toBeUndefined();
      vi.advanceTimersByTime(20);
      expect(library.listQuery.text).toBe('tax*');

      library.setSearchInput('taxes');
      library.commitSearch();
      expect(library.listQuery.text).toBe('taxes*');
      disposePinia(pinia);
    } finally {
      vi.useRealTimers();
    }
  });
});
