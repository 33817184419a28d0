// Clipboard history settings live in the library's settings document, checked on the way in and out.
import * as Automerge from '@automerge/automerge';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_CLIPBOARD_SETTINGS } from '../../../contract/clipboard-settings.js';
import { readSettings, type SettingsDoc } from '../../../contract/settings-document.js';
import { changeClipboardSettings, loadClipboardSettings } from '../../../main/capture/clipboard/clipboard-settings-store.js';
import { genesisSettings } from '../../../main/library/documents/settings-document.js';
import { InvalidEditError } from '../../../main/library/errors.js';
import { Library } from '../../../main/library/library.js';
import type { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { createTestLibrary } from '../../helpers/library.js';

let library: Library;
let dir: string;
let store: MemorySecretStore;

beforeEach(async () => {
  ({ library, dir, store } = await createTestLibrary());
});

afterEach(async () => {
  await library.close();
});

it('defaults to on, 100 MB, no excluded apps, not paused', async () => {
  expect(await loadClipboardSettings(library)).toEqual({ enabled: true, excludedApps: [], maxItemBytes: 100 * 1024 * 1024, pausedUntil: null });
});

it('changes are kept in the settings document and survive reopening the library', async () => {
  const until = Date.now() + 3_600_000;
  await changeClipboardSettings(library, { enabled: false, excludedApps: [' KeePassXC ', 'keepassxc', '', '1Password'], maxItemBytes: 5 * 1024 * 1024, pausedUntil: until });
  await changeClipboardSettings(library, { enabled: true });
  await library.close();
  library = await Library.open(dir, { method: 'secret-store', store });
  expect(await loadClipboardSettings(library)).toEqual({ enabled: true, excludedApps: ['KeePassXC', '1Password'], maxItemBytes: 5 * 1024 * 1024, pausedUntil: until });
  const read = await library.settings.read((doc) => readSettings(doc));
  expect(read).toMatchObject({ ok: true, problems: [], settings: { clipboard: { enabled: true, excludedApps: ['KeePassXC', '1Password'] } } });
  await changeClipboardSettings(library, { pausedUntil: null });
  expect((await loadClipboardSettings(library)).pausedUntil).toBeNull();
});

it('refuses a bad size limit or pause, changing nothing', async () => {
  await expect(changeClipboardSettings(library, { maxItemBytes: 12 })).rejects.toThrow(InvalidEditError);
  await expect(changeClipboardSettings(library, { maxItemBytes: 2 ** 40 })).rejects.toThrow(/between 1 KB and 512 MB/);
  await expect(changeClipboardSettings(library, { enabled: false, pausedUntil: Number.NaN })).rejects.toThrow(/paused until/);
  expect(await loadClipboardSettings(library)).toEqual(DEFAULT_CLIPBOARD_SETTINGS);
});

it("a peer's malformed values are left out and named; the rest is used", () => {
  const doc = Automerge.change(Automerge.load<SettingsDoc>(genesisSettings()), (draft) => {
    (draft as unknown as Record<string, unknown>).clipboardEnabled = 'yes';
    (draft as unknown as Record<string, unknown>).clipboardMaxItemBytes = -5;
    draft.clipboardExcludedApps = new Automerge.ImmutableString('Slack\nslack\nSignal');
    (draft as unknown as Record<string, unknown>).clipboardPausedUntil = 'later';
  });
  const read = readSettings(doc);
  expect(read.ok && read.settings.clipboard).toEqual({ enabled: true, excludedApps: ['Slack', 'Signal'], maxItemBytes: DEFAULT_CLIPBOARD_SETTINGS.maxItemBytes, pausedUntil: null });
  expect(read.ok && read.problems).toEqual([
    'clipboard history: "enabled" is not true or false; recording',
    'clipboard history: the size limit must be between 1 KB and 512 MB; using 100 MB',
    'clipboard history: "paused until" is not a time; not paused',
  ]);
});
