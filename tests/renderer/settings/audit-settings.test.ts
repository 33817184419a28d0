// Settings → Audit against a real core (tests/helpers/direct-api.ts): the library's own log newest
// first with time, kind, actor and summary; "Load more" follows the core's cursor until the oldest
// entry; the kind filter asks the core again; Verify says the log is intact, and after one byte of
// an entry is changed in the encrypted database (opened with the library key, as an attacker holding
// it would) says which entry and why. Everything is reached with the keyboard.
import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { libraryPaths } from '../../../main/library/library-paths.js';
import { unlockWithSecretStore } from '../../../main/security/key-slots.js';
import { deriveLibrarySubkeys } from '../../../main/security/library-subkeys.js';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { giveGridViewport, mountWithCore, press, unmountWithCore, type Mounted } from '../library/mount-library.js';
import { allByTestId, byTestId, focusedTestId, openSettingsAt, text } from '../models/ai-settings-harness.js';

let core: TestCore | null = null;
let mounted: Mounted | null = null;
let restoreViewport: () => void = () => undefined;

afterEach(closeApp);

/** The app on a core whose log holds `exports` exports (bytes 1000·i) and then one key change. */
async function mountWithLog(exports: number): Promise<TestCore> {
  core = await createTestCore();
  for (let i = 1; i <= exports; i++) core.library.audit.record({ kind: 'export', actor: { type: 'device', id: 'app' }, details: { clipId: `clip${i}`, bytes: 1000 * i, format: 'png' } });
  core.library.audit.record({ kind: 'key-change', actor: { type: 'cli', id: 'clipshot' }, details: { action: 'add-passphrase' } });
  await mountApp(core);
  return core;
}

async function mountApp(testCore: TestCore): Promise<void> {
  restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
  mounted = mountWithCore(App, testCore);
  await useSettingsStore(mounted.pinia).whenOpen();
}

/** The app and its core closed (the library's database is held exclusively while open). */
async function closeApp(): Promise<void> {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core?.close();
  core = null;
}

const seqs = () => allByTestId('audit-entry').map((row) => Number(row.dataset.seq));
const cells = (seq: number) => [...document.querySelector(`[data-testid="audit-entry"][data-seq="${seq}"]`)!.querySelectorAll('td')].map((cell) => cell.textContent!.trim());

/** One statement on the closed library's database, opened with its key as an attacker holding it would. */
async function tamper(testCore: TestCore, sql: string): Promise<void> {
  const paths = libraryPaths(testCore.dir);
  const keys = deriveLibrarySubkeys(await unlockWithSecretStore(paths.keyFile, testCore.secretStore));
  const db = new Database(paths.database) as unknown as BetterSqlite3.Database;
  try {
    db.pragma(`hexkey='${keys.databaseKey.toString('hex')}'`);
    expect(db.prepare(sql).run().changes).toBe(1);
  } finally {
    db.close();
  }
}

describe('Settings → Audit', () => {
  test('newest first with time, kind, actor and summary; Load more until the oldest; the filter asks the core', async () => {
    await mountWithLog(60);
    await openSettingsAt('audit', 'audit-entries');
    // The library's own entries come too (the unlock when it was created), so count from the core.
    const total = (await core!.api.auditLog({ limit: 1000 })).entries.length;
    expect(total).toBeGreaterThanOrEqual(61);
    expect(seqs()).toHaveLength(50);
    expect(seqs()).toEqual([...seqs()].sort((a, b) => b - a));
    expect(seqs()[0]).toBe(total);
    const newest = cells(total);
    expect(newest.slice(1)).toEqual(['Key change', 'Command line (clipshot)', 'action: add-passphrase']);
    expect(Date.parse(document.querySelector(`[data-seq="${total}"] time`)!.getAttribute('datetime')!)).toBeLessThanOrEqual(Date.now());
    const sixtieth = Number(allByTestId('audit-entry').find((row) => cells(Number(row.dataset.seq))[3]!.startsWith('clipId: clip60'))!.dataset.seq);
    expect(cells(sixtieth).slice(1)).toEqual(['Export', 'This device (app)', 'clipId: clip60 · 58.6 KB · format: png']);

    // Keyboard: Tab reaches Load more, Enter (a button's click) loads the rest; the focus lands on the first new entry.
    const more = byTestId<HTMLButtonElement>('audit-more')!;
    more.focus();
    more.click();
    await expect.poll(() => seqs().length).toBe(total);
    expect(seqs()).toEqual(Array.from({ length: total }, (_, i) => total - i));
    expect(byTestId('audit-more')).toBeNull();
    expect(document.activeElement).toBe(allByTestId('audit-entry')[50]);

    const kind = byTestId<HTMLSelectElement>('audit-kind')!;
    kind.value = 'key-change';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => seqs()).toEqual([total]);
    kind.value = 'pair';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => text('audit-empty')).toBe('No device paired entries.');
    kind.value = 'export';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => seqs().length).toBe(50);
    expect(allByTestId('audit-entry').every((row) => row.dataset.kind === 'export')).toBe(true);
  });

  test('Verify says the log is intact, then names the entry in which one byte was changed', async () => {
    const testCore = await mountWithLog(5);
    await openSettingsAt('audit', 'audit-entries');
    byTestId('audit-verify')!.focus();
    byTestId('audit-verify')!.click();
    await expect.poll(() => text('audit-verify-result')).toMatch(/^The audit log is intact: \d+ entries checked; its head is signed with the library key\.$/);
    expect(byTestId('audit-verify-result')!.getAttribute('role')).toBe('status');

    const target = (await testCore.api.auditLog({ kind: 'export' })).entries.find((entry) => entry.details.clipId === 'clip3')!.seq;
    await closeApp();
    await tamper(testCore, `UPDATE audit_log SET details = replace(details, '3000', '3001') WHERE seq = ${target}`);
    core = await createTestCore(undefined, { reopen: { dir: testCore.dir, secretStore: testCore.secretStore } });
    await mountApp(core);
    await openSettingsAt('audit', 'audit-entries');
    byTestId('audit-verify')!.focus();
    byTestId('audit-verify')!.click();
    await expect.poll(() => byTestId('audit-verify-result')?.dataset.ok).toBe('false');
    expect(text('audit-verify-result')).toBe(`The audit log failed the check at entry ${target}: entry ${target} was changed after it was written (its content no longer gives its hash).`);
    expect(byTestId('audit-verify-result')!.getAttribute('role')).toBe('alert');
    expect(focusedTestId()).toBe('audit-verify');
  });

  test('the Audit tab is reached with the arrow keys from Plugins', async () => {
    await mountWithLog(1);
    await openSettingsAt('plugins', 'settings-tab-plugins');
    const plugins = byTestId('settings-tab-plugins')!;
    plugins.focus();
    press('ArrowRight');
    await expect.poll(() => focusedTestId()).toBe('settings-tab-audit');
    await expect.poll(() => byTestId('audit-entries')).not.toBeNull();
    expect(byTestId('settings-tab-audit')!.getAttribute('aria-selected')).toBe('true');
  });
});
