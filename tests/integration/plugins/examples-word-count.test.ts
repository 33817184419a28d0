// The word count command as a person runs it: installed by the store, run by the real host in its
// own process, against a real library. It counts the text clips the library holds (or those
// named), shows the statistics in its panel through the host (ui:panel), and hands its run count
// over a hot reload to the next process.
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import type { PluginDescriptor } from '../../../main/plugins/host/plugin-host.js';
import { installExample, pluginMessages, refusals, runExample, type ExampleRun } from '../../helpers/example-plugin-host.js';
import { PLUGINS_DIR } from '../../helpers/example-plugins.js';
import { writePng } from '../../helpers/fixtures.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';

const COMMAND = 'clipshot.word-count.stats';
const PANEL = 'clipshot.word-count.panel';

let library: Library;
let installed: PluginDescriptor;
const ids: Record<string, string> = {};
const runs: ExampleRun[] = [];

beforeEach(async () => {
  ({ library } = await createTestLibrary());
  installed = await installExample(path.join(PLUGINS_DIR, 'word-count'));
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
  await Promise.all(runs.splice(0).map((run) => run.host.close()));
  await library.close();
});

function start(granted?: PluginDescriptor['permissions'], options: { window?: boolean } = {}): ExampleRun {
  const run = runExample(installed, library, { ...options, ...(granted && { granted }) });
  runs.push(run);
  return run;
}

const stats = (run: ExampleRun, args?: unknown) => run.host.invoke('commands', COMMAND, args) as Promise<Record<string, unknown>>;

test('counts every text clip, leaves pictures out, and shows the statistics in its panel', async () => {
  const run = start();
  const result = await stats(run);
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
  // The panel is shown by the host for this plugin, with the data the command answered.
  expect(run.panels).toEqual([{ pluginId: 'clipshot.word-count', panelId: PANEL, data: result }]);
  expect(run.served).toEqual(['clips.list', 'ui.showPanel']);
  expect(pluginMessages(run)).toEqual(['counted 23 words in 2 text clips']);
  expect(refusals(run)).toEqual([]);
});

test('counts only the clips named, by { clipIds }', async () => {
  const run = start();
  const result = await stats(run, { clipIds: [ids.short] });
  expect([result.clips, result.words]).toEqual([1, 10]);
  expect(run.served).toEqual(['clips.get', 'ui.showPanel']);
});

test('refuses arguments it does not understand, in words', async () => {
  const run = start();
  await expect(stats(run, { clipIds: 'all' })).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringContaining('Text statistics takes no arguments, or { "clipIds": ["…"] }') });
  await expect(stats(run, [ids.short])).rejects.toMatchObject({ code: 'plugin-failed' });
  // A refused argument is the command's answer, not a crash: the same process goes on.
  const pid = run.host.pid('clipshot.word-count');
  expect(await stats(run)).toMatchObject({ clips: 2 });
  expect(run.host.pid('clipshot.word-count')).toBe(pid);
});

test('a clip that is not there is the host’s not-found, passed on with its code', async () => {
  await expect(stats(start(), { clipIds: ['0'.repeat(26)] })).rejects.toMatchObject({ code: 'not-found' });
});

test('without ui:panel the statistics are still the answer and the host’s refusal is logged; without clips:read it fails', async () => {
  const noPanel = start(['clips:read']);
  expect(await stats(noPanel)).toMatchObject({ clips: 2, words: 23 });
  expect(noPanel.panels).toEqual([]);
  expect(refusals(noPanel)).toEqual(['ui.showPanel: ui.showPanel needs the "ui:panel" permission, which the plugin was not granted']);
  expect(pluginMessages(noPanel, 'warn')).toEqual(['the panel was not shown: ui.showPanel: ui.showPanel needs the "ui:panel" permission, which the plugin was not granted']);

  const noClips = start(['ui:panel']);
  await expect(stats(noClips)).rejects.toMatchObject({ code: 'permission-denied' });
  expect(noClips.served).toEqual([]);
  expect(noClips.panels).toEqual([]);
});

test('run from the command line, with no window, the statistics are still the answer and the host says why no panel', async () => {
  const run = start(undefined, { window: false });
  expect(await stats(run)).toMatchObject({ clips: 2, words: 23 });
  expect(run.served).toEqual(['clips.list']);
  expect(refusals(run)).toEqual([]);
  expect(pluginMessages(run, 'warn')).toEqual([expect.stringMatching(/^the panel was not shown: ui\.showPanel: .*no window is open to show the panel in$/)]);
});

test('hands its run count to the next process on a hot reload', async () => {
  const run = start();
  expect((await stats(run)).run).toBe(1);
  expect((await stats(run)).run).toBe(2);
  const before = run.host.pid('clipshot.word-count');
  await run.host.reload(run.descriptor);
  expect(run.host.pid('clipshot.word-count')).not.toBe(before);
  expect((await stats(run)).run).toBe(3);
  expect(run.launches()).toBe(2);
  // A stop is not a reload: the next process starts counting afresh.
  await run.host.stop('clipshot.word-count');
  expect((await stats(run)).run).toBe(1);
});
