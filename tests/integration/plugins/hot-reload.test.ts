// Hot reload: a plugin folder watched for changes, each change loaded into a new process that is
// handed the old one's state. Real files, real fs.watch, real processes.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PluginDevSession, type DevLoadOutcome } from '../../../main/plugins/host/plugin-dev-session.js';
import { PluginHost } from '../../../main/plugins/host/plugin-host.js';
import { tempDir } from '../../helpers/temp.js';
import { packageJsonOf, testLauncher, testManifest, writePluginFolder } from '../../helpers/test-plugins.js';

const ID = 'test.counter';
const INCREMENT = `${ID}.increment`;
const manifest = testManifest({ id: ID, commands: [INCREMENT] });

/** The counter's code; `label` tells the versions apart. Its count is what it hands over. */
function counterSource(label: string): string {
  return `let count = 0;
export default {
  activate(_host, state) { count = state?.count ?? 0; },
  deactivate() { return { count }; },
  commands: { '${INCREMENT}': () => ({ count: ++count, label: '${label}', pid: process.pid }) },
};
`;
}

let host: PluginHost | null = null;
let session: PluginDevSession | null = null;
afterEach(async () => {
  session?.close();
  await host?.close();
  session = null;
  host = null;
});

async function startDev(dir: string): Promise<{ outcomes: DevLoadOutcome[]; increment: () => Promise<{ count: number; label: string; pid: number }> }> {
  const outcomes: DevLoadOutcome[] = [];
  host = new PluginHost({ launcher: testLauncher(), services: { library: null } });
  session = await PluginDevSession.start({ dir, host, dataDir: path.join(await tempDir(), 'data'), debounceMs: 100, onLoad: (outcome) => outcomes.push(outcome) });
  const running = host;
  return { outcomes, increment: async () => (await running.invoke('commands', INCREMENT, null)) as { count: number; label: string; pid: number } };
}

const loads = (outcomes: DevLoadOutcome[]) => outcomes.filter((outcome) => outcome.ok).length;

describe('hot reload', () => {
  it('keeps the count a counter plugin hands over across two reloads', async () => {
    const dir = path.join(await tempDir(), 'counter');
    await writePluginFolder(dir, manifest, counterSource('v1'));
    const { outcomes, increment } = await startDev(dir);
    expect(outcomes).toEqual([{ ok: true, manifest, loads: 1 }]);
    await increment();
    await increment();
    const first = await increment();
    expect(first).toMatchObject({ count: 3, label: 'v1' });

    await fs.writeFile(path.join(dir, 'index.js'), counterSource('v2'));
    await expect.poll(() => loads(outcomes)).toBe(2);
    const second = await increment();
    expect(second).toMatchObject({ count: 4, label: 'v2' });
    expect(second.pid).not.toBe(first.pid);

    await fs.writeFile(path.join(dir, 'index.js'), counterSource('v3'));
    await expect.poll(() => loads(outcomes)).toBe(3);
    const third = await increment();
    expect(third).toMatchObject({ count: 5, label: 'v3' });
    expect(third.pid).not.toBe(second.pid);
    expect(host!.view(ID)).toMatchObject({ status: 'active' });
  });

  it('keeps the running instance when the manifest breaks, and the state when the code breaks, until fixed', async () => {
    const dir = path.join(await tempDir(), 'counter');
    await writePluginFolder(dir, manifest, counterSource('v1'));
    const { outcomes, increment } = await startDev(dir);
    await increment();
    expect(await increment()).toMatchObject({ count: 2 });

    // A manifest that does not check out is not loaded: the running instance keeps its count.
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...packageJsonOf(manifest), clipshot: { id: ID } }));
    await expect.poll(() => outcomes.at(-1)).toMatchObject({ ok: false, error: expect.stringContaining('not reloaded, the manifest has a problem') });
    expect(await increment()).toMatchObject({ count: 3, label: 'v1' });

    // Code that throws on load fails to start; the state it was handed waits for the next reload.
    await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify(packageJsonOf(manifest)));
    await fs.writeFile(path.join(dir, 'index.js'), 'throw new Error("typo");');
    await expect.poll(() => outcomes.at(-1)).toMatchObject({ ok: false, error: expect.stringContaining('typo') });
    await expect(increment()).rejects.toMatchObject({ code: 'plugin-failed' });

    await fs.writeFile(path.join(dir, 'index.js'), counterSource('fixed'));
    await expect.poll(() => outcomes.at(-1)).toMatchObject({ ok: true });
    expect(await increment()).toMatchObject({ count: 4, label: 'fixed' });
  });
});
