// The Solarized themes as a person gets them: installed by the store, read back as the host reads
// installed plugins, the theme files valid for ClipShot's theme parser (contract/themes.ts), and
// the plugin loaded as a theme-only plugin: no code, so no process is ever started for it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { parseThemeFile } from '../../../contract/themes.js';
import type { PluginHost } from '../../../main/plugins/host/plugin-host.js';
import { installExample, runExample } from '../../helpers/example-plugin-host.js';
import { PLUGINS_DIR } from '../../helpers/example-plugins.js';
import { createTestLibrary } from '../../helpers/library.js';

const ID = 'clipshot.theme-solarized';
const hosts: PluginHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

test('installs as a theme-only plugin whose installed theme files ClipShot’s theme parser accepts', async () => {
  const installed = await installExample(path.join(PLUGINS_DIR, 'theme-solarized'));
  expect(installed.manifest).toMatchObject({ id: ID, main: null, permissions: [], activationEvents: [] });
  expect(installed.permissions).toEqual([]);
  const themes = [];
  for (const { path: file, title } of installed.manifest.contributes.themes) {
    const parsed = parseThemeFile(await fs.readFile(path.join(installed.dir, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed)}`);
    themes.push([title, parsed.theme.name, parsed.theme.base, Object.keys(parsed.theme.tokens).length]);
  }
  expect(themes).toEqual([
    ['Solarized Dark', 'Solarized Dark', 'dark', 17],
    ['Solarized Light', 'Solarized Light', 'light', 17],
  ]);
});

test('the host starts no process for it: not at startup, not when asked, not for its themes', async () => {
  const installed = await installExample(path.join(PLUGINS_DIR, 'theme-solarized'));
  const { library } = await createTestLibrary();
  try {
    const run = runExample(installed, library);
    hosts.push(run.host);
    await run.host.start();
    await expect(run.host.activate(ID)).rejects.toMatchObject({ code: 'not-found', message: `${ID} has no code to run (it only contributes themes)` });
    await expect(run.host.invoke('commands', `${ID}.dark`, null)).rejects.toMatchObject({ code: 'not-found' });
    expect(run.launches()).toBe(0);
    expect(run.host.pid(ID)).toBeNull();
    expect(run.host.view(ID)).toEqual({ id: ID, status: 'inactive', problem: null, restarts: 0 });
    expect(run.logs()).toEqual([]);
  } finally {
    await library.close();
  }
});

test('a theme file that is not a theme is refused by the parser, in words (the check above can fail)', async () => {
  const installed = await installExample(path.join(PLUGINS_DIR, 'theme-solarized'));
  const text = await fs.readFile(path.join(installed.dir, installed.manifest.contributes.themes[0]!.path), 'utf8');
  const broken = JSON.parse(text) as { tokens: Record<string, string> };
  broken.tokens.bg = 'not a colour';
  expect(parseThemeFile(JSON.stringify(broken))).toMatchObject({ ok: false, errors: [expect.stringContaining('bg')] });
});
