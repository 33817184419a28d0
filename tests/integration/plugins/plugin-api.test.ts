// The API's plugin methods end to end: the real handlers and PluginService, a real Verdaccio
// with the example plugins published signed (and unsigned), installs into a temp plugins folder,
// plugins in real processes against the real library. Needs `npx tsc -p tsconfig.json` first.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../contract/api.js';
import { importText } from '../../../main/library/importer.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { PLUGINS_DIR } from '../../helpers/example-plugins.js';
import { startTestMarketplace, startTestPluginService, type TestMarketplace } from '../../helpers/plugin-marketplace.js';
import { writeTestPlugin } from '../../helpers/registry.js';
import { installTestPlugin } from '../../helpers/test-plugins.js';
import { tempDir } from '../../helpers/temp.js';

const WORD_COUNT = 'clipshot-plugin-word-count';
const PALETTE = 'clipshot-plugin-colour-palette';
const CRASHER = 'clipshot-plugin-crasher';
const OPERATION = 'ab'.repeat(16);

let marketplace: TestMarketplace;

beforeAll(async () => {
  marketplace = await startTestMarketplace();
  await marketplace.publishSigned(path.join(PLUGINS_DIR, 'word-count'));
  await marketplace.publishUnsigned(path.join(PLUGINS_DIR, 'colour-palette'));
  const variants = await fs.mkdtemp(path.join(path.dirname(marketplace.registry.storage), 'variants-'));
  await marketplace.publishSigned(await marketplace.exampleVariant(variants, 'word-count', { version: '1.1.0', permissions: ['clips:read', 'ui:panel', 'clipboard'] }));
  // Its command answers, then the process dies of an uncaught exception.
  await marketplace.publishSigned(
    await writeTestPlugin(variants, {
      packageName: CRASHER,
      id: 'test.crasher',
      version: '1.0.0',
      permissions: [],
      files: { 'index.js': "export default { commands: { 'test.crasher.hello': () => { setTimeout(() => { throw new Error('boom'); }, 50); return 'bye'; } } };\n" },
    }),
  );
});

afterAll(async () => {
  await marketplace?.stop();
});

async function core(): Promise<{ core: TestCore; pluginsDir: string; events: ApiEvent[] }> {
  const pluginsDir = path.join(await tempDir(), 'plugins');
  // A restart a minute later: the crash stays visible for the test to see.
  const started = await createTestCore(undefined, { plugins: (library) => startTestPluginService(library, pluginsDir, marketplace, { backoffMs: 60_000 }) });
  const events: ApiEvent[] = [];
  started.api.onEvent((event) => events.push(event));
  return { core: started, pluginsDir, events };
}

describe('the API’s plugin methods on the real service', () => {
  it('searches, shows permissions, installs with consent (progress reported), runs the command with its panel, and keeps logs', async () => {
    const { core: test, pluginsDir, events } = await core();
    try {
      for (const words of ['one two three', 'four five']) await importText(test.library, words);
      expect(await test.api.pluginList({})).toEqual({ plugins: [], registry: marketplace.registry.url });
      const hits = await test.api.pluginSearch({ query: 'words' });
      expect(hits.map((hit) => hit.packageName)).toEqual([WORD_COUNT]);
      const details = await test.api.pluginDetails({ packageName: WORD_COUNT });
      expect(details).toMatchObject({ id: 'clipshot.word-count', version: '1.1.0', permissions: ['clips:read', 'ui:panel', 'clipboard'], signed: true, compatible: true, versions: ['1.1.0', '1.0.0'] });

      const installed = await test.api.pluginInstall({ packageName: WORD_COUNT, version: '1.0.0', consent: { permissions: ['clips:read', 'ui:panel'], allowUnsigned: false }, operationId: OPERATION });
      expect(installed).toMatchObject({ id: 'clipshot.word-count', version: '1.0.0', versions: ['1.0.0'], source: 'registry', signature: { keyFingerprint: marketplace.publisher.fingerprint }, status: 'inactive', permissions: ['clips:read', 'ui:panel'] });
      const stages = events.flatMap((event) => (event.type === 'plugin-progress' ? [event.progress.stage] : []));
      expect([...new Set(stages)]).toEqual(['resolving', 'downloading', 'verifying', 'extracting', 'activating']);
      await fs.access(path.join(pluginsDir, 'clipshot.word-count', '1.0.0', 'index.js'));

      const { result } = await test.api.pluginRunCommand({ command: 'clipshot.word-count.stats' });
      expect(result).toMatchObject({ clips: 2, words: 5, lines: 2, complete: true });
      await expect.poll(() => events.find((event) => event.type === 'plugin-panel')).toMatchObject({
        panel: { pluginId: 'clipshot.word-count', panelId: 'clipshot.word-count.panel', title: 'Text statistics', url: '/plugin-panels/clipshot.word-count/1.0.0/panel/index.html', data: { words: 5 } },
      });
      await expect.poll(async () => (await test.api.pluginList({})).plugins[0]?.status).toBe('active');
      await expect.poll(() => events.some((event) => event.type === 'plugins-changed' && event.plugins[0]?.status === 'active')).toBe(true);
      const logs = await test.api.pluginLogs({ id: 'clipshot.word-count' });
      expect(logs.map((entry) => entry.message)).toContain('counted 5 words in 2 text clips');
      await expect(test.api.pluginRunCommand({ command: 'clipshot.nothing.here' })).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      await test.close();
    }
  });

  it('refuses a package asking for a permission the consent lacks, and an unsigned one unless allowed', async () => {
    const { core: test, pluginsDir } = await core();
    try {
      await expect(test.api.pluginInstall({ packageName: WORD_COUNT, version: '1.0.0', consent: { permissions: ['clips:read'], allowUnsigned: false } })).rejects.toMatchObject({
        code: 'invalid-request',
        message: expect.stringContaining('asks for ui:panel, which you did not agree to'),
      });
      await expect(test.api.pluginInstall({ packageName: PALETTE, consent: { permissions: ['blobs:read'], allowUnsigned: false } })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/sign/) });
      expect((await test.api.pluginList({})).plugins).toEqual([]);
      expect((await fs.readdir(pluginsDir)).filter((name) => !name.startsWith('_') && !name.endsWith('.json'))).toEqual([]);

      const allowed = await test.api.pluginInstall({ packageName: PALETTE, consent: { permissions: ['blobs:read'], allowUnsigned: true } });
      expect(allowed).toMatchObject({ id: 'clipshot.colour-palette', signature: 'unsigned', permissions: ['blobs:read'] });
    } finally {
      await test.close();
    }
  });

  it('asks again when an update adds a permission, rolls back, and removes every version with the plugin’s data', async () => {
    const { core: test, pluginsDir } = await core();
    try {
      const first = { permissions: ['clips:read', 'ui:panel'] as const, allowUnsigned: false };
      await test.api.pluginInstall({ packageName: WORD_COUNT, version: '1.0.0', consent: { ...first, permissions: [...first.permissions] } });
      expect((await test.api.pluginDetails({ packageName: WORD_COUNT })).newPermissions).toEqual(['clipboard']);
      await expect(test.api.pluginUpdate({ id: 'clipshot.word-count', consent: { ...first, permissions: [...first.permissions] } })).rejects.toMatchObject({
        code: 'invalid-request',
        message: expect.stringContaining('asks for clipboard, which you did not agree to'),
      });
      expect((await test.api.pluginList({})).plugins[0]).toMatchObject({ version: '1.0.0', versions: ['1.0.0'] });

      const updated = await test.api.pluginUpdate({ id: 'clipshot.word-count', consent: { permissions: ['clips:read', 'ui:panel', 'clipboard'], allowUnsigned: false } });
      expect(updated).toMatchObject({ version: '1.1.0', versions: ['1.1.0', '1.0.0'], permissions: ['clips:read', 'ui:panel', 'clipboard'] });
      expect((await test.api.pluginRunCommand({ command: 'clipshot.word-count.stats' })).result).toMatchObject({ clips: 0 });

      const rolled = await test.api.pluginRollback({ id: 'clipshot.word-count' });
      expect(rolled).toMatchObject({ version: '1.0.0', versions: ['1.1.0', '1.0.0'] });
      await expect(test.api.pluginRollback({ id: 'clipshot.word-count', version: '0.9.0' })).rejects.toMatchObject({ code: 'not-found' });

      await fs.mkdir(path.join(pluginsDir, 'clipshot.word-count', '_data'), { recursive: true });
      await fs.writeFile(path.join(pluginsDir, 'clipshot.word-count', '_data', 'storage.json'), '{}');
      expect(await test.api.pluginRemove({ id: 'clipshot.word-count' })).toEqual({ id: 'clipshot.word-count', versions: ['1.1.0', '1.0.0'] });
      await expect(fs.access(path.join(pluginsDir, 'clipshot.word-count'))).rejects.toThrow();
      expect((await test.api.pluginList({})).plugins).toEqual([]);
      await expect(test.api.pluginLogs({ id: 'clipshot.word-count' })).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      await test.close();
    }
  });

  it('shows a plugin whose process died as crashed, with why, while the instance keeps answering', async () => {
    const { core: test } = await core();
    try {
      await test.api.pluginInstall({ packageName: CRASHER, consent: { permissions: [], allowUnsigned: false } });
      expect((await test.api.pluginRunCommand({ command: 'test.crasher.hello' })).result).toBe('bye');
      await expect.poll(async () => (await test.api.pluginList({})).plugins[0]?.status).toBe('crashed');
      const [view] = (await test.api.pluginList({})).plugins;
      expect(view!.problem).toMatch(/boom|exited|crash/i);
      expect((await test.api.pluginLogs({ id: 'test.crasher' })).some((entry) => entry.level === 'error' && /boom/.test(entry.message))).toBe(true);
      await importText(test.library, 'still here');
      expect(await test.api.countClips({})).toBeGreaterThanOrEqual(1);
      expect((await test.api.pluginSearch({ query: '' })).length).toBeGreaterThan(0);
    } finally {
      await test.close();
    }
  });
});

describe('an instance starting', () => {
  it('runs the installed plugins that ask for onStartup, and shows one that cannot run as invalid, with why', async () => {
    const pluginsDir = path.join(await tempDir(), 'plugins');
    await installTestPlugin(pluginsDir, { id: 'test.early', source: 'export default { activate() {} };', activationEvents: ['onStartup'] });
    await installTestPlugin(pluginsDir, { id: 'test.future', source: 'export default {};', activationEvents: ['onStartup'] });
    const packageJson = path.join(pluginsDir, 'test.future', '1.0.0', 'package.json');
    await fs.writeFile(packageJson, JSON.stringify({ ...JSON.parse(await fs.readFile(packageJson, 'utf8')), engines: { clipshot: '>=9.0.0' } }));
    const test = await createTestCore(undefined, { plugins: (library) => startTestPluginService(library, pluginsDir, marketplace) });
    try {
      await expect.poll(async () => (await test.api.pluginList({})).plugins.map(({ id, status, problem }) => ({ id, status, problem }))).toEqual([
        { id: 'test.early', status: 'active', problem: null },
        { id: 'test.future', status: 'invalid', problem: 'test.future@1.0.0 needs ClipShot >=9.0.0, and this is 0.1.0' },
      ]);
      expect((await test.api.pluginLogs({ id: 'test.future' })).map((entry) => entry.message)).toEqual(['cannot run: test.future@1.0.0 needs ClipShot >=9.0.0, and this is 0.1.0']);
    } finally {
      await test.close();
    }
  });
});

describe('a core without plugins', () => {
  it('answers every plugin method “unsupported”', async () => {
    const test = await createTestCore();
    try {
      await expect(test.api.pluginList({})).rejects.toMatchObject({ code: 'unsupported', message: 'this instance of ClipShot does not run plugins' });
      await expect(test.api.pluginRunCommand({ command: 'a.b.c' })).rejects.toMatchObject({ code: 'unsupported' });
    } finally {
      await test.close();
    }
  });
});
