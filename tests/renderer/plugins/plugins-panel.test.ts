// Settings → Plugins against a real core and library: the marketplace is searched only when asked;
// Details shows the permissions before anything is installed; Install asks again, listing them,
// and an unsigned package needs its own explicit choice; progress while installing; a refused
// package installs nothing and says why; an installed plugin's command runs against the library
// and shows its panel in a sandboxed frame; an update that adds a permission asks again; rollback;
// Remove asks first; a crash is shown with its reason; the log. All of it on the real plugin
// service with a real Verdaccio (plugins-harness.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { importText } from '../../../main/library/importer.js';
import { writeTestPlugin } from '../../helpers/registry.js';
import { tempDir } from '../../helpers/temp.js';
import { press } from '../library/mount-library.js';
import { allByTestId, byTestId, focusedTestId, openSettingsAt, tabOrder, text, typeInto } from '../models/ai-settings-harness.js';
import { permissionsIn, pluginHit, pluginRow, usePluginsHarness } from './plugins-harness.js';

const WORD_COUNT = 'clipshot-plugin-word-count';

/** A test plugin whose one command ("Say hello") runs `source` (the body of a function). */
async function publishTestPlugin(packageName: string, id: string, body: string): Promise<void> {
  const folder = await writeTestPlugin(await tempDir(), { packageName, id, version: '1.0.0', permissions: [], files: { 'index.js': `export default { commands: { '${id}.hello': () => { ${body} } } };\n` } });
  await harness.marketplace.publishSigned(folder);
}

function installRequests(): unknown[] {
  return harness.calls.filter((call) => call.method === 'pluginInstall').map((call) => call.params);
}

async function openPlugins(): Promise<void> {
  await openSettingsAt('plugins', 'plugins-installed');
}

async function search(words: string): Promise<void> {
  typeInto(byTestId<HTMLInputElement>('plugin-search-input')!, words);
  byTestId('plugin-search-submit')!.click();
  await expect.poll(() => text('plugin-search-status')).toMatch(/found\.$|^No plugin/);
}

async function showDetails(packageName: string): Promise<HTMLElement> {
  byTestId('plugin-hit-details', pluginHit(packageName))!.click();
  await expect.poll(() => byTestId('plugin-details-version', pluginHit(packageName))).not.toBeNull();
  return pluginHit(packageName);
}

async function askToInstall(packageName: string): Promise<HTMLDialogElement> {
  const hit = await showDetails(packageName);
  byTestId('plugin-install', hit)!.click();
  await expect.poll(() => byTestId('plugin-consent')).not.toBeNull();
  return byTestId<HTMLDialogElement>('plugin-consent')!;
}

async function install(packageName: string): Promise<void> {
  await search('');
  await askToInstall(packageName);
  byTestId('plugin-consent-agree')!.click();
  await expect.poll(() => byTestId('plugin-consent')).toBeNull();
}

const harness = usePluginsHarness();

describe('the Plugins panel', () => {

  test('starts with no plugins, and asks the registry nothing until a search', async () => {
    await openPlugins();
    expect(text('plugins-none')).toBe('No plugins are installed. Find some in the marketplace below.');
    expect(text('plugin-registry')).toBe(harness.marketplace.registry.url);
    expect(harness.calls.map((call) => call.method)).toEqual(['pluginList']);
    expect(text('plugin-search-status')).toBe('');
  });

  test('search finds plugins by their words, and says when none match', async () => {
    await openPlugins();
    await search('');
    expect(text('plugin-search-status')).toBe('4 plugins found.');
    expect(allByTestId('plugin-hit').map((hit) => hit.dataset.package).sort()).toEqual(['clipshot-plugin-colour-palette', 'clipshot-plugin-gallery-exporter', 'clipshot-plugin-theme-solarized', WORD_COUNT]);
    await search('dominant colours');
    // A registry's search knows packages, not plugin ids: a hit is titled by its package until its details are read.
    expect(allByTestId('plugin-hit').map((hit) => text('plugin-hit-title', hit))).toEqual(['clipshot-plugin-colour-palette']);
    expect(text('plugin-hit-description', pluginHit('clipshot-plugin-colour-palette'))).toBe('Finds the dominant colours of an image or video clip and suggests colour names as tags.');
    await search('spreadsheet');
    expect(text('plugin-search-status')).toBe('No plugin matches “spreadsheet”.');
    expect(byTestId('plugin-search-results')).toBeNull();
    expect(harness.calls.filter((call) => call.method === 'pluginSearch').map((call) => call.params)).toEqual([
      { query: '', limit: 30 },
      { query: 'dominant colours', limit: 30 },
      { query: 'spreadsheet', limit: 30 },
    ]);
  });

  test('Details shows what the plugin may do before anything is installed; Install asks again; Cancel and Esc install nothing', async () => {
    await openPlugins();
    await search('word');
    const hit = await showDetails(WORD_COUNT);
    expect(byTestId('plugin-hit-details', hit)!.getAttribute('aria-expanded')).toBe('true');
    expect(permissionsIn('plugin-details-permissions', hit)).toEqual(['clips:read', 'ui:panel']);
    expect([...byTestId('plugin-details-permissions', hit)!.querySelectorAll('li .text')].map((item) => item.textContent)).toEqual(['Read your clips: titles, notes, tags and text', 'Show a panel in ClipShot']);
    expect(text('plugin-details-signature', hit)).toBe('Signed by a publisher you trust');
    expect(text('plugin-details-compatible', hit)).toBe('Yes');

    byTestId('plugin-install', hit)!.click();
    await expect.poll(() => byTestId('plugin-consent')).not.toBeNull();
    const dialog = byTestId<HTMLDialogElement>('plugin-consent')!;
    expect(dialog.open).toBe(true);
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Install clipshot.word-count 1.0.0?');
    expect(text('plugin-consent-what')).toBe('clipshot.word-count would be allowed to:');
    expect(permissionsIn('plugin-consent-permissions')).toEqual(['clips:read', 'ui:panel']);
    expect(byTestId('plugin-consent-unsigned')).toBeNull();
    expect(focusedTestId()).toBe('plugin-consent-agree');

    byTestId('plugin-consent-cancel')!.click();
    await expect.poll(() => byTestId('plugin-consent')).toBeNull();
    expect(focusedTestId()).toBe('plugin-install');
    byTestId('plugin-install', hit)!.click();
    await expect.poll(() => byTestId('plugin-consent')).not.toBeNull();
    press('Escape', { target: byTestId('plugin-consent-agree')! });
    await expect.poll(() => byTestId('plugin-consent')).toBeNull();
    expect(harness.calls.map((call) => call.method)).not.toContain('pluginInstall');
    expect((await harness.core.api.pluginList({})).plugins).toEqual([]);
  });

  test('Install shows its progress, then the plugin under Installed with what it may do and its signature', async () => {
    await openPlugins();
    await search('');
    await askToInstall(WORD_COUNT);
    byTestId('plugin-consent-agree')!.click();
    await expect.poll(() => byTestId('plugin-consent')).toBeNull();
    expect(text('plugin-hit-outcome', pluginHit(WORD_COUNT))).toBe('Installed Word count 1.0.0. It is listed under Installed.');
    expect(text('plugin-hit-installed', pluginHit(WORD_COUNT))).toBe('Installed (1.0.0)');
    const row = pluginRow('clipshot.word-count');
    expect(text('plugin-title', row)).toBe('Word count');
    expect(text('plugin-version', row)).toBe('1.0.0');
    expect(text('plugin-status', row)).toBe('Not running (starts when needed)');
    expect(text('plugin-signature', row)).toBe(`Signed by a trusted publisher, key ${harness.marketplace.publisher.fingerprint}`);
    expect(text('plugin-source', row)).toBe(`Marketplace (${WORD_COUNT})`);
    expect(permissionsIn('plugin-permissions', row)).toEqual(['clips:read', 'ui:panel']);
    const request = installRequests()[0] as { operationId: string };
    expect(request).toEqual({ packageName: WORD_COUNT, version: '1.0.0', consent: { permissions: ['clips:read', 'ui:panel'], allowUnsigned: false }, operationId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const stages = harness.events.flatMap((event) => (event.type === 'plugin-progress' && event.progress.operationId === request.operationId ? [event.progress.stage] : []));
    expect([...new Set(stages)]).toEqual(['resolving', 'downloading', 'verifying', 'extracting', 'activating']);
  });

  test('an unsigned package is installed only after its own explicit choice', async () => {
    await openPlugins();
    await search('palette');
    await askToInstall('clipshot-plugin-colour-palette');
    expect(text('plugin-details-signature', pluginHit('clipshot-plugin-colour-palette'))).toBe('Not signed by a publisher you trust');
    expect(text('plugin-consent-unsigned')).toContain('This package is not signed by a publisher you trust.');
    const agree = byTestId<HTMLButtonElement>('plugin-consent-agree')!;
    expect(agree.disabled).toBe(true);
    expect(focusedTestId()).toBe('plugin-consent-allow-unsigned');
    byTestId<HTMLInputElement>('plugin-consent-allow-unsigned')!.click();
    await nextTick();
    expect(agree.disabled).toBe(false);
    agree.click();
    await expect.poll(() => byTestId('plugin-consent')).toBeNull();
    expect(text('plugin-signature', pluginRow('clipshot.colour-palette'))).toBe('Unsigned (you allowed it)');
    expect((installRequests()[0] as { consent: unknown }).consent).toEqual({ permissions: ['blobs:read'], allowUnsigned: true });
  });

  test('a tampered package installs nothing, and the dialog says why', async () => {
    // The tarball in the registry's storage is changed after publishing: its sha512 no longer matches.
    const tarball = path.join(harness.marketplace.registry.storage, WORD_COUNT, `${WORD_COUNT}-1.0.0.tgz`);
    const bytes = await fs.readFile(tarball);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await fs.writeFile(tarball, bytes);
    await openPlugins();
    await search('');
    await askToInstall(WORD_COUNT);
    byTestId('plugin-consent-agree')!.click();
    await expect.poll(() => text('plugin-consent-failure')).toMatch(new RegExp(`^Could not install \\S+: the tarball of ${WORD_COUNT}@1\\.0\\.0 does not match the registry's integrity`));
    expect(byTestId('plugin-consent-failure')!.getAttribute('role')).toBe('alert');
    expect(text('plugin-consent-agree')).toBe('Install');
    expect(byTestId('plugin-list')).toBeNull();
    expect((await harness.core.api.pluginList({})).plugins).toEqual([]);
  });

  test('a command runs against the library, says what it found, shows its panel in a sandboxed frame, and logs', async () => {
    for (const words of ['one two three', 'four five']) await importText(harness.core.library, words);
    await openPlugins();
    await install(WORD_COUNT);
    const row = pluginRow('clipshot.word-count');
    const run = byTestId('plugin-run', row)!;
    expect(run.textContent?.trim()).toBe('Run “Text statistics”');
    run.click();
    await expect.poll(() => byTestId('plugin-run-result', row)).not.toBeNull();
    expect(JSON.parse(byTestId('plugin-run-result', row)!.querySelector('pre')!.textContent!)).toMatchObject({ clips: 2, words: 5, lines: 2, complete: true });
    await expect.poll(() => text('plugin-status', row)).toBe('Running');

    const frame = byTestId<HTMLIFrameElement>('plugin-panel-frame', row)!;
    expect(text('plugin-panel-title', row)).toBe('Text statistics');
    expect(frame.getAttribute('sandbox')).toBe('allow-scripts');
    expect(frame.getAttribute('src')).toBe('/plugin-panels/clipshot.word-count/1.0.0/panel/index.html');
    expect(frame.getAttribute('title')).toBe('Text statistics');
    byTestId('plugin-panel-close', row)!.click();
    await nextTick();
    expect(byTestId('plugin-panel-frame', row)).toBeNull();

    byTestId('plugin-logs-toggle', row)!.click();
    await expect.poll(() => allByTestId('plugin-log-entry', row).map((entry) => [entry.dataset.level, entry.querySelector('.message')?.textContent])).toContainEqual(['info', 'counted 5 words in 2 text clips']);
  });

  test('a command that fails says so in words', async () => {
    await publishTestPlugin('clipshot-plugin-thrower', 'test.thrower', "throw new Error('there is nothing to greet');");
    await openPlugins();
    await install('clipshot-plugin-thrower');
    byTestId('plugin-run', pluginRow('test.thrower'))!.click();
    await expect.poll(() => text('plugin-failure', pluginRow('test.thrower'))).toMatch(/^Could not run “Say hello”: .*there is nothing to greet/);
  });

  test('an update that adds a permission asks again, naming it; the version before stays for a rollback', async () => {
    await openPlugins();
    await install(WORD_COUNT);
    const row = () => pluginRow('clipshot.word-count');
    byTestId('plugin-update', row())!.click();
    await expect.poll(() => text('plugin-outcome', row())).toBe('Word count is up to date: 1.0.0 is the newest version for this ClipShot.');
    expect(byTestId('plugin-rollback', row())).toBeNull();

    await harness.marketplace.publishSigned(await harness.marketplace.exampleVariant(await tempDir(), 'word-count', { version: '1.1.0', permissions: ['clips:read', 'ui:panel', 'clipboard'] }));
    byTestId('plugin-update', row())!.click();
    await expect.poll(() => byTestId('plugin-consent')).not.toBeNull();
    const dialog = byTestId<HTMLDialogElement>('plugin-consent')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Update clipshot.word-count from 1.0.0 to 1.1.0?');
    expect(text('plugin-consent-what')).toBe('This version asks for more than the one installed. clipshot.word-count would be allowed to:');
    const added = byTestId('plugin-consent-permissions')!.querySelector<HTMLElement>('li.added')!;
    expect([added.dataset.permission, added.querySelector('.new')?.textContent]).toEqual(['clipboard', 'New']);
    expect(text('plugin-consent-agree')).toBe('Allow and update');

    // Cancel keeps the installed version as it is.
    byTestId('plugin-consent-cancel')!.click();
    await expect.poll(() => byTestId('plugin-consent')).toBeNull();
    expect(focusedTestId()).toBe('plugin-update');
    expect(text('plugin-version', row())).toBe('1.0.0');

    byTestId('plugin-update', row())!.click();
    await expect.poll(() => byTestId('plugin-consent-agree')).not.toBeNull();
    byTestId('plugin-consent-agree')!.click();
    await expect.poll(() => text('plugin-version', row())).toBe('1.1.0');
    expect(text('plugin-outcome', row())).toBe('Updated Word count to 1.1.0. The version before stays installed for a rollback.');
    expect(permissionsIn('plugin-permissions', row())).toEqual(['clips:read', 'ui:panel', 'clipboard']);
    expect((harness.calls.find((call) => call.method === 'pluginUpdate')!.params as { consent: unknown }).consent).toEqual({ permissions: ['clips:read', 'ui:panel', 'clipboard'], allowUnsigned: false });
    expect(text('plugin-versions', row())).toBe('1.1.0, 1.0.0');

    expect([...byTestId<HTMLSelectElement>('plugin-rollback-version', row())!.options].map((option) => option.value)).toEqual(['1.0.0']);
    expect(byTestId('plugin-rollback', row())!.getAttribute('aria-label')).toBe('Roll Word count back to 1.0.0');
    byTestId('plugin-rollback', row())!.click();
    await expect.poll(() => text('plugin-version', row())).toBe('1.0.0');
    expect(text('plugin-outcome', row())).toBe('Rolled Word count back to 1.0.0.');
    expect(harness.calls.find((call) => call.method === 'pluginRollback')!.params).toEqual({ id: 'clipshot.word-count', version: '1.0.0' });
  });

  test('Remove asks first and says what it deletes; Esc keeps the plugin', async () => {
    await openPlugins();
    await install(WORD_COUNT);
    const row = pluginRow('clipshot.word-count');
    byTestId('plugin-remove', row)!.click();
    await nextTick();
    await nextTick();
    expect(text('plugin-remove-confirm', row)).toContain('Remove Word count?');
    expect(text('plugin-remove-confirm', row)).toContain('deletes every installed version (1.0.0) and what it stored. Your clips stay as they are.');
    expect(focusedTestId()).toBe('plugin-remove-cancel');
    press('Escape', { target: document.activeElement! });
    await nextTick();
    await nextTick();
    expect(byTestId('plugin-remove-confirm', row)).toBeNull();
    expect(focusedTestId()).toBe('plugin-remove');

    byTestId('plugin-remove', row)!.click();
    await nextTick();
    byTestId('plugin-remove-confirm-button', row)!.click();
    await expect.poll(() => byTestId('plugins-none')).not.toBeNull();
    expect((await harness.core.api.pluginList({})).plugins).toEqual([]);
    await expect(fs.access(path.join(harness.pluginsDir, 'clipshot.word-count'))).rejects.toThrow();
  });

  test('a plugin whose process died shows Crashed with why, as the host reports it', async () => {
    await publishTestPlugin('clipshot-plugin-crasher', 'test.crasher', "setTimeout(() => { throw new Error('boom'); }, 50); return 'bye';");
    await openPlugins();
    await install('clipshot-plugin-crasher');
    byTestId('plugin-run', pluginRow('test.crasher'))!.click();
    const row = () => pluginRow('test.crasher');
    await expect.poll(() => text('plugin-status', row())).toBe('Crashed');
    expect(text('plugin-problem', row())).toMatch(/exited unexpectedly/);
    byTestId('plugin-logs-toggle', row())!.click();
    await expect.poll(() => allByTestId('plugin-log-entry', row()).some((entry) => entry.dataset.level === 'error' && /boom/.test(entry.textContent ?? ''))).toBe(true);
    expect(byTestId('plugin-problem', row())!.getAttribute('role')).toBe('alert');
  });

  test('the panel’s controls are named and in reading order', async () => {
    await openPlugins();
    await install(WORD_COUNT);
    const panel = byTestId('plugins-panel')!;
    // The word count's own hit has its details open, without Install (it is installed).
    expect(tabOrder(panel)).toEqual(['plugin-run', 'plugin-update', 'plugin-logs-toggle', 'plugin-remove', 'plugin-search-input', 'plugin-search-submit', 'plugin-hit-details', 'plugin-hit-details', 'plugin-hit-details', 'plugin-hit-details']);
    expect(panel.querySelectorAll('[tabindex]:not([tabindex="-1"]):not([tabindex="0"])')).toHaveLength(0);
    expect(byTestId('plugin-update')!.getAttribute('aria-label')).toBe('Update Word count');
    expect(byTestId('plugin-remove')!.getAttribute('aria-label')).toBe('Remove Word count');
    const input = byTestId<HTMLInputElement>('plugin-search-input')!;
    expect(document.querySelector(`label[for="${input.id}"]`)?.textContent).toBe('Search plugins');
  });
});
