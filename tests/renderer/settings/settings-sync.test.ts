// Settings shared by windows through the core's settings document: what one window changes the
// others see at once (and apply: colours, motion), and a peer's malformed value is left out with
// the reason while the rest is used.
import { ImmutableString } from '@automerge/automerge';
import { createPinia, disposePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApp } from 'vue';
import { settingsChangeMessage } from '../../../contract/settings-document.js';
import App from '../../../renderer/src/App.vue';
import { SETTINGS_DOCUMENTS_KEY, type SettingsDocuments } from '../../../renderer/src/documents/settings-documents.js';
import { useThemeRegistry } from '../../../renderer/src/settings/theme-registry.js';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, type Mounted, unmountWithCore } from '../library/mount-library.js';

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;
const piniasToDispose: Pinia[] = [];

beforeEach(async () => {
  core = await createTestCore();
  restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  for (const pinia of piniasToDispose.splice(0)) disposePinia(pinia);
  restoreViewport();
  const root = document.documentElement;
  for (const attribute of ['theme', 'contrast', 'motion']) delete root.dataset[attribute];
  root.removeAttribute('style');
  await core.close();
});

/** Another window's settings store: its own Pinia, its own Repo and API session. */
async function settingsOfNewWindow(): Promise<ReturnType<typeof useSettingsStore>> {
  return settingsStoreOver(core.openWindow().settings);
}

async function settingsStoreOver(documents: SettingsDocuments): Promise<ReturnType<typeof useSettingsStore>> {
  const app = createApp({});
  const pinia = createPinia();
  app.use(pinia);
  app.provide(SETTINGS_DOCUMENTS_KEY, documents);
  piniasToDispose.push(pinia);
  const store = app.runWithContext(() => useSettingsStore(pinia));
  await store.whenOpen();
  return store;
}

const root = () => document.documentElement;

describe('settings shared by windows', () => {
  test('what one window changes, another sees at once; either can change it back', async () => {
    const left = await settingsOfNewWindow();
    const right = await settingsOfNewWindow();
    expect(left.status).toBe('ready');

    await left.setTheme('dark');
    await left.setShortcuts({ 'focus-search': ['Mod+Shift+S'] });
    await left.setAccent('#7c3aed');
    await left.setReducedMotion('always');
    const id = await left.saveCustomTheme({ name: 'Midnight', base: 'dark', tokens: { bg: '#0b1020', accent: '#f5a524' } });

    await expect.poll(() => right.theme).toBe('dark');
    await expect.poll(() => right.customThemes.map((theme) => theme.name)).toEqual(['Midnight']);
    expect(right.shortcuts).toEqual({ 'focus-search': ['Mod+Shift+S'] });
    expect(right.accent).toBe('#7c3aed');
    expect(right.reducedMotion).toBe('always');

    await right.setTheme(id);
    await right.resetAllShortcuts();
    await expect.poll(() => left.theme).toBe(id);
    await expect.poll(() => left.shortcuts).toEqual({});
    await right.deleteCustomTheme(id);
    // Deleting the theme in use goes back to the system theme, everywhere.
    await expect.poll(() => left.customThemes).toEqual([]);
    expect(left.theme).toBe('system');
  });

  test('a value from a peer that is not valid is left out, with the reason; the rest is used', async () => {
    const window = await settingsOfNewWindow();
    await window.setShortcuts({ 'focus-search': ['Mod+Shift+S'] });
    await core.library.write(() =>
      core.library.settings.change(settingsChangeMessage('appearance'), (doc) => {
        doc.appearance.accent = new ImmutableString('hotpink');
        doc.appearance.theme = new ImmutableString('light');
        (doc.shortcuts as Record<string, unknown>)['open-clip'] = new ImmutableString('Ctrl+Banana+Q');
      }),
    );
    await expect.poll(() => window.theme).toBe('light');
    expect(window.accent).toBeNull();
    expect(window.shortcuts).toEqual({ 'focus-search': ['Mod+Shift+S'] });
    expect(window.problems).toEqual([
      'shortcut override for open-clip: unknown modifier "banana" in "Ctrl+Banana+Q"; using its own keys',
      'accent "hotpink" is not a #rrggbb colour; using the theme\'s accent',
    ]);

    // The Settings dialog says so too.
    mounted = mountWithCore(App, core);
    await useSettingsStore(mounted.pinia).whenOpen();
    document.querySelector<HTMLButtonElement>('[data-testid="settings-button"]')!.click();
    await expect.poll(() => document.querySelector('[data-testid="settings-problems"]')?.textContent).toMatch(/could not be used: .*hotpink/);
  });

  test('a window applies what another chose: theme, custom tokens, accent with readable text, reduced motion', async () => {
    mounted = mountWithCore(App, core);
    await useSettingsStore(mounted.pinia).whenOpen();
    const other = await settingsOfNewWindow();

    await other.setTheme('high-contrast');
    await expect.poll(() => root().dataset.theme).toBe('high-contrast');

    const id = await other.saveCustomTheme({ name: 'Paper', base: 'light', tokens: { bg: '#fdf6e3', text: '#2b2b2b' } });
    await other.setTheme(id);
    await expect.poll(() => root().style.getPropertyValue('--bg')).toBe('#fdf6e3');
    expect(root().dataset.theme).toBe('light');
    expect(root().style.getPropertyValue('--text')).toBe('#2b2b2b');

    await other.setAccent('#ffd60a');
    await expect.poll(() => root().style.getPropertyValue('--accent')).toBe('#ffd60a');
    expect(root().style.getPropertyValue('--accent-text')).toBe('#000000');
    await other.setAccent('#1a237e');
    await expect.poll(() => root().style.getPropertyValue('--accent-text')).toBe('#ffffff');

    expect(root().dataset.motion).toBeUndefined();
    await other.setReducedMotion('always');
    await expect.poll(() => root().dataset.motion).toBe('reduce');

    // Back to the system theme: no override left on <html>, the copy for the next first paint too.
    await other.setTheme('system');
    await other.setAccent(null);
    await expect.poll(() => root().dataset.theme).toBeUndefined();
    expect(root().style.getPropertyValue('--bg')).toBe('');
    expect(root().style.getPropertyValue('--accent')).toBe('');
    expect(JSON.parse(localStorage.getItem('clipshot.appearance') ?? 'null')).toEqual({ dataTheme: null, tokens: {}, followContrast: true, reducedMotion: 'always' });
  });

  test('a theme a provider adds (as plugins will) can be chosen and is applied; once it is gone, the system theme is used and the reason given', async () => {
    mounted = mountWithCore(App, core);
    const settings = useSettingsStore(mounted.pinia);
    await settings.whenOpen();
    const registry = useThemeRegistry(mounted.pinia);
    const unregister = registry.register({
      themes: () => [{ id: 'plugin-ocean-deep', name: 'Deep ocean', source: 'plugin', definition: { name: 'Deep ocean', base: 'dark', tokens: { bg: '#001f3f', accent: '#39cccc' } } }],
    });
    expect(registry.themes.map((theme) => theme.name)).toContain('Deep ocean');
    await settings.setTheme('plugin-ocean-deep');
    await expect.poll(() => root().style.getPropertyValue('--bg')).toBe('#001f3f');
    expect(root().dataset.theme).toBe('dark');
    // The theme names its accent but not the text on it: that is worked out.
    expect(root().style.getPropertyValue('--accent-text')).toBe('#000000');

    unregister();
    await expect.poll(() => root().style.getPropertyValue('--bg')).toBe('');
    expect(registry.active.problem).toBe('The chosen theme (plugin-ocean-deep) is not in this library any more, so the system theme is used.');
    expect(settings.theme).toBe('plugin-ocean-deep');
  });

  test('a window without the settings document keeps the defaults and says why a change cannot be saved', async () => {
    const broken: SettingsDocuments = { open: () => Promise.reject(new Error('the core is gone')) };
    const window = await settingsStoreOver(broken);
    expect(window.status).toBe('failed');
    expect(window.theme).toBe('system');
    await expect(window.setTheme('dark')).rejects.toThrow('The settings could not be opened: the core is gone');
  });
});
