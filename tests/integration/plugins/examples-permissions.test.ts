// Each example's permissions are exactly enough, as the real host enforces them on the example's
// real process: with them, every host method they cover is served and every other one is refused
// ('permission-denied'); without any one of them, the example's own work meets a refusal.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PLUGIN_API_PERMISSIONS, type PluginApiMethod, type PluginClip, type PluginPermission } from '../../../contract/plugins.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { libraryAccessOver } from '../../../main/plugins/host/library-access-over-library.js';
import { installExample, PROBE_COMMAND, probeCopyOf, refusals, runExample, type ExampleRun } from '../../helpers/example-plugin-host.js';
import { exampleManifest, PLUGINS_DIR } from '../../helpers/example-plugins.js';
import { writePng } from '../../helpers/fixtures.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';

let library: Library;
let image: PluginClip;
let text: PluginClip;
const runs: ExampleRun[] = [];

beforeEach(async () => {
  ({ library } = await createTestLibrary());
  const access = libraryAccessOver(library);
  image = await access.get((await importFiles(library, [await writePng(await tempDir(), 'shot.png', 3)])).imported[0]!.id);
  const made = await importText(library, 'a few words to count');
  if (made.type !== 'imported') throw new Error('not imported');
  text = await access.get(made.id);
});
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.host.close()));
  await library.close();
});

/** What each example is for, as the app invokes it; refusals end up in the host's log either way. */
const USES: Record<string, (run: ExampleRun) => Promise<unknown>> = {
  'gallery-exporter': (run) => run.host.invoke('exporters', 'clipshot.gallery-exporter.html', { clips: [image, text] }),
  'colour-palette': (run) => run.host.invoke('analyzers', 'clipshot.colour-palette.palette', { clip: image }),
  'word-count': (run) => run.host.invoke('commands', 'clipshot.word-count.stats', undefined),
};

test('the examples that run code are the ones checked here, and the theme asks for nothing', () => {
  expect(Object.keys(USES).sort()).toEqual(['colour-palette', 'gallery-exporter', 'word-count']);
  expect(exampleManifest('theme-solarized').permissions).toEqual([]);
});

function allowedBy(permissions: readonly PluginPermission[], method: PluginApiMethod): boolean {
  const needed = PLUGIN_API_PERMISSIONS[method];
  if (needed === null) return true;
  if (needed === 'net') return permissions.some((permission) => permission.startsWith('net:'));
  return permissions.includes(needed);
}

describe.each(Object.keys(USES))('%s', (name) => {
  const manifest = exampleManifest(name);

  test('with its permissions, the host serves exactly the methods they cover and refuses every other', async () => {
    const installed = await installExample(await probeCopyOf(name));
    expect(installed.permissions).toEqual(manifest.permissions);
    const run = runExample(installed, library);
    runs.push(run);
    const panelId = manifest.contributes.panels[0]?.id ?? `${manifest.id}.no-such-panel`;
    const outcomes = (await run.host.invoke('commands', PROBE_COMMAND(manifest), { clipId: text.id, thumb: image.thumb, panelId })) as Record<PluginApiMethod, string>;
    const methods = Object.keys(PLUGIN_API_PERMISSIONS) as PluginApiMethod[];
    expect(outcomes).toEqual(Object.fromEntries(methods.map((method) => [method, allowedBy(manifest.permissions, method) ? 'ok' : 'permission-denied'])));
    // Something is refused (the probe can fail), and the host logged each refusal.
    const refused = methods.filter((method) => !allowedBy(manifest.permissions, method));
    expect(refused.length).toBeGreaterThan(0);
    expect(refusals(run).map((line) => line.slice(0, line.indexOf(':')))).toEqual(refused);
  });

  test('it does its work with them, and with any one taken away it meets a refusal', async () => {
    const installed = await installExample(path.join(PLUGINS_DIR, name));
    const full = runExample(installed, library);
    runs.push(full);
    await USES[name]!(full);
    expect(refusals(full)).toEqual([]);
    expect(manifest.permissions.length).toBeGreaterThan(0);
    for (const permission of manifest.permissions) {
      const less = runExample(installed, library, { granted: manifest.permissions.filter((other) => other !== permission) });
      runs.push(less);
      await USES[name]!(less).catch(() => undefined);
      expect(refusals(less).join('\n'), `without ${permission}`).toContain(`needs the "${permission}" permission`);
    }
  });
});
