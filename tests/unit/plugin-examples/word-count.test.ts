// The word count command against a real library: it counts the text clips the library holds (or
// those named), words and characters as a reader would in any script, shows them in its panel
// (ui:panel), and hands its run count over a hot reload.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PluginManifest, PluginModule } from '../../../contract/plugins.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { importExampleFile, loadExample } from '../../helpers/example-plugins.js';
import { writePng } from '../../helpers/fixtures.js';
import { createInProcessHost, PluginCallError } from '../../helpers/in-process-plugin-host.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';

const COMMAND = 'clipshot.word-count.stats';
const { textStatistics } = await importExampleFile<{ textStatistics(text: string): { words: number; characters: number; lines: number } }>('word-count', 'statistics.js');

test.each([
  ['', { words: 0, characters: 0, lines: 0 }],
  ['Hello, world!', { words: 2, characters: 13, lines: 1 }],
  ['café naïve\r\nsecond line\n', { words: 4, characters: 23, lines: 3 }],
  ['👍🏽 thumbs — up', { words: 2, characters: 13, lines: 1 }],
  ['今日は良い天気です', { words: 5, characters: 9, lines: 1 }],
  ["don't re-use e-mail", { words: 5, characters: 19, lines: 1 }],
])('textStatistics(%j)', (text, expected) => {
  expect(textStatistics(text)).toEqual(expected);
});

describe('the Text statistics command', () => {
  let library: Library;
  let plugin: { manifest: PluginManifest; module: PluginModule };
  const ids: Record<string, string> = {};

  beforeEach(async () => {
    ({ library } = await createTestLibrary());
    plugin = await loadExample('word-count');
    // A fresh instance: no run count handed over.
    await plugin.module.activate!(createInProcessHost(library, plugin.manifest).api, undefined);
    const texts = {
      short: ['Plugins run apart', 'Plugins run apart, each in a process of its own.'],
      long: ['Permissions', 'Every call is checked.\nEvery plugin declares permissions.\nPermissions are shown before install.'],
    };
    for (const [key, [title, text]] of Object.entries(texts)) {
      const event = await importText(library, text!, { title: title! });
      if (event.type !== 'imported') throw new Error('not imported');
      ids[key] = event.id;
    }
    await importFiles(library, [await writePng(await tempDir(), 'picture.png')]);
  });
  afterEach(async () => {
    await library.close();
  });

  test('counts every text clip, leaves pictures out, and shows the statistics in its panel', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    const result = (await plugin.module.commands![COMMAND]!(undefined, host.api)) as Record<string, unknown>;
    expect(result).toEqual({
      clips: 2,
      words: 10 + 13,
      characters: 48 + 95,
      lines: 1 + 3,
      averageWords: 11.5,
      readingMinutes: 1,
      longest: { id: ids.long, title: 'Permissions', words: 13 },
      topWords: [
        { word: 'every', count: 2 },
        { word: 'permissions', count: 2 },
        { word: 'apart', count: 1 },
        { word: 'before', count: 1 },
        { word: 'call', count: 1 },
        { word: 'checked', count: 1 },
        { word: 'declares', count: 1 },
        { word: 'each', count: 1 },
        { word: 'install', count: 1 },
        { word: 'plugin', count: 1 },
      ],
      complete: true,
      run: 1,
    });
    expect(host.panels).toEqual([{ panelId: 'clipshot.word-count.panel', data: result }]);
    expect(host.calls.map((call) => call.method)).toEqual(['clips.list', 'ui.showPanel']);
    expect(host.logs.map((entry) => [entry.pluginId, entry.level, entry.message])).toEqual([['clipshot.word-count', 'info', 'counted 23 words in 2 text clips']]);
  });

  test('counts only the clips named, by { clipIds }', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    const result = (await plugin.module.commands![COMMAND]!({ clipIds: [ids.short] }, host.api)) as { clips: number; words: number };
    expect([result.clips, result.words]).toEqual([1, 10]);
    expect(host.calls.map((call) => call.method)).toEqual(['clips.get', 'ui.showPanel']);
  });

  test('refuses arguments it does not understand, in words', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    await expect(plugin.module.commands![COMMAND]!({ clipIds: 'all' }, host.api)).rejects.toThrow('Text statistics takes no arguments, or { "clipIds": ["…"] }');
    await expect(plugin.module.commands![COMMAND]!([ids.short], host.api)).rejects.toThrow(TypeError);
  });

  test('a clip that is not there is the host’s not-found', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    await expect(plugin.module.commands![COMMAND]!({ clipIds: ['0'.repeat(26)] }, host.api)).rejects.toMatchObject({ code: 'not-found' });
  });

  test('without ui:panel the statistics are still the answer, and the refusal is logged; without clips:read it fails', async () => {
    const noPanel = createInProcessHost(library, { ...plugin.manifest, permissions: ['clips:read'] });
    expect(await plugin.module.commands![COMMAND]!(undefined, noPanel.api)).toMatchObject({ clips: 2, words: 23 });
    expect(noPanel.calls).toContainEqual({ method: 'ui.showPanel', allowed: false });
    expect(noPanel.logs.map((entry) => [entry.level, entry.message])).toContainEqual(['warn', `the panel was not shown: ${new PluginCallError('permission-denied', 'clipshot.word-count has no permission ui:panel for ui.showPanel').message}`]);
    const noClips = createInProcessHost(library, { ...plugin.manifest, permissions: ['ui:panel'] });
    await expect(plugin.module.commands![COMMAND]!(undefined, noClips.api)).rejects.toMatchObject({ code: 'permission-denied' });
    expect(noClips.panels).toEqual([]);
  });

  test('hands its run count to the next instance on a hot reload', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    await plugin.module.commands![COMMAND]!(undefined, host.api);
    await plugin.module.commands![COMMAND]!(undefined, host.api);
    const state = plugin.module.deactivate!();
    expect(state).toEqual({ runs: 2 });
    // The next instance is a fresh import in a new process; here, the same module activated again after a reset.
    await plugin.module.activate!(host.api, undefined);
    await plugin.module.activate!(host.api, JSON.parse(JSON.stringify(state)));
    expect(((await plugin.module.commands![COMMAND]!(undefined, host.api)) as { run: number }).run).toBe(3);
  });
});
