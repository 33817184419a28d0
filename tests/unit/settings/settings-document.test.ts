// The library's settings document: the same genesis on every device (so two that change settings
// offline merge), values checked on read (a peer's malformed value is left out, with the reason),
// and open to a window only while it has asked for it.
import * as Automerge from '@automerge/automerge';
import { ImmutableString } from '@automerge/automerge';
import type { AutomergeUrl } from '@automerge/automerge-repo';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIPBOARD_SETTINGS } from '../../../contract/clipboard-settings.js';
import { readSettings, SETTINGS_DOC_TYPE, settingsChangeMessage, type SettingsDoc } from '../../../contract/settings-document.js';
import { genesisSettings, settingsDocumentId } from '../../../main/library/documents/settings-document.js';
import { Library } from '../../../main/library/library.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { createTestLibrary } from '../../helpers/library.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

function load(): SettingsDoc {
  return Automerge.load<SettingsDoc>(genesisSettings());
}

describe('the settings document', () => {
  it('starts byte for byte the same on every device, so settings changed on two devices offline merge', () => {
    expect(Buffer.compare(Buffer.from(genesisSettings()), Buffer.from(genesisSettings()))).toBe(0);
    let left = load();
    let right = load();
    left = Automerge.change(left, (doc) => {
      doc.shortcuts['focus-search'] = new ImmutableString('Mod+Shift+S');
      doc.appearance.theme = new ImmutableString('dark');
    });
    right = Automerge.change(right, (doc) => {
      doc.shortcuts['palette.open'] = new ImmutableString('Mod+P');
      doc.appearance.accent = new ImmutableString('#7c3aed');
    });
    const merged = readSettings(Automerge.merge(left, right));
    expect(merged).toEqual({
      ok: true,
      problems: [],
      settings: { shortcuts: { 'focus-search': ['Mod+Shift+S'], 'palette.open': ['Mod+P'] }, theme: 'dark', accent: '#7c3aed', reducedMotion: 'system', customThemes: [], clipboard: DEFAULT_CLIPBOARD_SETTINGS },
    });
  });

  it('has an id derived from the library id: the same on every device of a library, different between libraries', () => {
    expect(settingsDocumentId('library-a')).toBe(settingsDocumentId('library-a'));
    expect(settingsDocumentId('library-a')).not.toBe(settingsDocumentId('library-b'));
  });

  it('reads what it can and names what it cannot: a peer’s malformed values are left out, the rest used', () => {
    const doc = Automerge.change(load(), (d) => {
      const shortcuts = d.shortcuts as Record<string, unknown>;
      shortcuts['focus-search'] = new ImmutableString('Mod+Shift+S Ctrl+F');
      shortcuts['open-clip'] = 'Enter'; // an older or other writer's plain string reads the same
      shortcuts['select-next'] = new ImmutableString('Hyper+X');
      shortcuts['select-previous'] = new ImmutableString('Tab');
      shortcuts['select-first'] = 42;
      shortcuts['select-last'] = new ImmutableString('A B C D E');
      shortcuts['no spaces allowed'] = new ImmutableString('X');
      shortcuts['trash-clip'] = new ImmutableString('');
      const appearance = d.appearance as Record<string, unknown>;
      appearance.theme = new ImmutableString('purple');
      appearance.accent = new ImmutableString('red');
      appearance.reducedMotion = new ImmutableString('sometimes');
      const themes = d.themes as Record<string, unknown>;
      themes['custom-good'] = { name: new ImmutableString('Good'), base: new ImmutableString('dark'), tokens: { bg: new ImmutableString('#000000') } };
      themes['custom-bad'] = { name: new ImmutableString('Bad'), tokens: { background: new ImmutableString('#000000'), text: new ImmutableString('black') } };
      themes['not-custom'] = { name: 'Sneaky', tokens: { bg: '#ffffff' } };
    });
    const read = readSettings(doc);
    expect(read.ok).toBe(true);
    const { settings, problems } = read as Extract<typeof read, { ok: true }>;
    expect(settings.shortcuts).toEqual({ 'focus-search': ['Mod+Shift+S', 'Ctrl+F'], 'open-clip': ['Enter'], 'trash-clip': [] });
    expect(settings.theme).toBe('system');
    expect(settings.accent).toBeNull();
    expect(settings.reducedMotion).toBe('system');
    expect(settings.customThemes).toEqual([{ id: 'custom-good', name: 'Good', base: 'dark', tokens: { bg: '#000000' } }]);
    expect(problems).toEqual([
      'shortcut override for select-next: unknown modifier "hyper" in "Hyper+X"; using its own keys',
      'shortcut override for select-previous: Tab: Tab moves between controls, so it cannot be a shortcut; using its own keys',
      'shortcut override for select-first: number is not a list of shortcuts; using its own keys',
      'shortcut override for select-last: more than 4 keys; using its own keys',
      'shortcut override for "no spaces allowed": not a command id',
      expect.stringMatching(/^custom theme custom-bad: tokens\.background: not a theme token .*; tokens\.text: "black" is not a colour/),
      'custom theme "not-custom": not a custom theme id',
      'theme "purple" is not a theme; using System',
      'accent "red" is not a #rrggbb colour; using the theme\'s accent',
      'reduced motion "sometimes" is not one of system, always, never; following the system',
    ]);
  });

  it('accepts an older shape (maps missing) with defaults, and refuses one from a newer version or of another kind', () => {
    const older = { schema: 1, type: SETTINGS_DOC_TYPE };
    expect(readSettings(older)).toEqual({ ok: true, problems: [], settings: { shortcuts: {}, theme: 'system', accent: null, reducedMotion: 'system', customThemes: [], clipboard: DEFAULT_CLIPBOARD_SETTINGS } });
    expect(readSettings({ ...older, schema: 2 })).toEqual({ ok: false, reason: 'written by a newer ClipShot (settings schema 2, this version reads up to 1)' });
    expect(readSettings({ schema: 1, type: 'clipshot/clip-shard' })).toEqual({ ok: false, reason: 'not a ClipShot settings document' });
    expect(readSettings(undefined)).toEqual({ ok: false, reason: 'not a ClipShot settings document' });
    expect(readSettings({ ...older, shortcuts: 'Mod+F', appearance: [] })).toMatchObject({ ok: true, problems: ['shortcuts is not a map; using every command’s own keys', 'appearance is not a map; using the default appearance'] });
  });
});

describe('the settings document in the core', () => {
  it('is open to a window only once it asked (openSettingsDocument), and until a moment after its session ends', async () => {
    core = await createTestCore(undefined, { closedWindowGraceMs: 300 });
    const { library } = core;
    const window = core.openWindow();
    expect(library.settings.isOpenToPeers).toBe(false);
    const { documentUrl } = await window.api.openSettingsDocument({});
    expect(documentUrl).toBe(`automerge:${settingsDocumentId(library.documentNamespace)}`);
    expect(library.settings.isOpenToPeers).toBe(true);
    // Asking again in the same session does not hold it open twice.
    await window.api.openSettingsDocument({});
    window.close();
    // Edits the window sent just before closing may still be on their way (another connection).
    expect(library.settings.isOpenToPeers).toBe(true);
    await expect.poll(() => library.settings.isOpenToPeers).toBe(false);
    await expect(core.api.openSettingsDocument({ everything: true } as never)).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('a window that never asked cannot sync it: the core refuses to share it', async () => {
    core = await createTestCore();
    const { library } = core;
    await library.write(() => library.settings.handle());
    const access = library.repo.shareConfig.access;
    const documentId = settingsDocumentId(library.documentNamespace);
    expect(await access('window-x' as never, documentId)).toBe(false);
    await core.api.openSettingsDocument({});
    expect(await access('window-x' as never, documentId)).toBe(true);
  });

  it('takes what a window writes through its own Repo', async () => {
    core = await createTestCore();
    const handle = await core.settings.open();
    handle.change(
      (doc) => {
        doc.appearance.theme = new ImmutableString('high-contrast');
        doc.shortcuts['focus-search'] = new ImmutableString('Mod+Shift+S');
      },
      { message: settingsChangeMessage('appearance') },
    );
    const { library } = core;
    await expect
      .poll(() => library.settings.read((doc) => (doc ? readSettings(doc) : null)))
      .toMatchObject({ ok: true, settings: { theme: 'high-contrast', shortcuts: { 'focus-search': ['Mod+Shift+S'] } } });
  });

  it('is saved: there after the library is closed and opened again', async () => {
    const { library, dir, store } = await createTestLibrary();
    expect(await library.settings.read((doc) => doc)).toBeNull();
    await library.write(() => library.settings.change(settingsChangeMessage('appearance'), (doc) => (doc.appearance.reducedMotion = new ImmutableString('always'))));
    await library.close();
    const reopened = await Library.open(dir, { method: 'secret-store', store });
    try {
      expect(await reopened.settings.read((doc) => (doc ? readSettings(doc) : null))).toMatchObject({ ok: true, settings: { reducedMotion: 'always' } });
    } finally {
      await reopened.close();
    }
  });

  it('windows reach it through their own Repo by the URL the core gives', async () => {
    core = await createTestCore();
    const { documentUrl } = await core.api.openSettingsDocument({});
    const handle = await core.settings.open();
    expect(handle.url).toBe(documentUrl as AutomergeUrl);
    expect(readSettings(handle.doc())).toMatchObject({ ok: true });
  });
});

