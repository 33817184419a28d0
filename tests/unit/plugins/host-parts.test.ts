import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../../main/cli/plugin-run-commands.js';
import { UsageError } from '../../../main/cli/parse-args.js';
import { pluginNodeFlags } from '../../../main/plugins/host/launch-flags.js';
import { PluginLogRing } from '../../../main/plugins/host/plugin-log.js';
import { PluginStorage } from '../../../main/plugins/host/plugin-storage.js';
import { RestartPolicy } from '../../../main/plugins/host/restart-policy.js';
import { tempDir } from '../../helpers/temp.js';

describe('the restart policy', () => {
  it('doubles the wait up to its cap, gives up after too many failures in the window, and forgets old ones', () => {
    let now = 0;
    const policy = new RestartPolicy({ backoffMs: 100, maxBackoffMs: 300, maxFailures: 4, windowMs: 10_000, now: () => now });
    expect(policy.failed()).toEqual({ restart: true, afterMs: 100 });
    expect(policy.failed()).toEqual({ restart: true, afterMs: 200 });
    expect(policy.failed()).toEqual({ restart: true, afterMs: 300 });
    expect(policy.failed()).toEqual({ restart: false, failures: 4 });
    now = 20_000;
    expect(policy.failed()).toEqual({ restart: true, afterMs: 100 });
    policy.reset();
    expect(policy.failed()).toEqual({ restart: true, afterMs: 100 });
  });
});

describe('the plugin log', () => {
  it('keeps the last lines, oldest first', () => {
    const ring = new PluginLogRing(3);
    for (let i = 1; i <= 5; i++) ring.push({ at: i, pluginId: 'p', level: 'info', message: `line ${i}` });
    expect(ring.entries().map((entry) => entry.message)).toEqual(['line 3', 'line 4', 'line 5']);
  });
});

describe('plugin storage', () => {
  it('keeps JSON values in one file, refuses what is over its cap, and changes nothing then', async () => {
    const dir = path.join(await tempDir(), 'data');
    const storage = new PluginStorage(dir, 200);
    expect(await storage.get('missing')).toBeNull();
    await storage.set('count', 3);
    await storage.set('nested', { list: [1, 'two'] });
    expect(JSON.parse(await fs.readFile(path.join(dir, 'storage.json'), 'utf8'))).toEqual({ count: 3, nested: { list: [1, 'two'] } });
    await expect(storage.set('big', 'x'.repeat(500))).rejects.toMatchObject({ code: 'invalid-params', message: expect.stringContaining('over its 200-byte limit') });
    await expect(storage.set('loop', { toJSON: () => { throw new Error('no'); } })).rejects.toMatchObject({ code: 'invalid-params' });
    expect(await storage.get('big')).toBeNull();
    await storage.set('count', null);
    // A new instance reads what the last one wrote.
    const again = new PluginStorage(dir, 200);
    expect(await again.get('count')).toBeNull();
    expect(await again.get('nested')).toEqual({ list: [1, 'two'] });
    expect((await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a damaged file without overwriting it', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'storage.json'), '{not json');
    const storage = new PluginStorage(dir, 1000);
    await expect(storage.set('a', 1)).rejects.toMatchObject({ code: 'host-error', message: expect.stringContaining('not valid JSON') });
    expect(await fs.readFile(path.join(dir, 'storage.json'), 'utf8')).toBe('{not json');
  });
});

describe('clipshot run arguments', () => {
  it('takes one JSON value or key=value pairs', () => {
    expect(parseRunArgs([])).toEqual({});
    expect(parseRunArgs(['{"n":3,"tags":["a"]}'])).toEqual({ n: 3, tags: ['a'] });
    expect(parseRunArgs(['"just text"'])).toBe('just text');
    expect(parseRunArgs(['42'])).toBe(42);
    expect(parseRunArgs(['n=3', 'name=Ada Lovelace', 'tags=["a","b"]', 'flag=true', 'eq=a=b'])).toEqual({ n: 3, name: 'Ada Lovelace', tags: ['a', 'b'], flag: true, eq: 'a=b' });
    expect(() => parseRunArgs(['not-json'])).toThrow(UsageError);
    expect(() => parseRunArgs(['a=1', 'loose'])).toThrow(/not key=value/);
    expect(() => parseRunArgs(['__proto__=1'])).toThrow(UsageError);
  });
});

describe('plugin process flags', () => {
  it('turns the permission model on with reads limited to the given folders, and caps the heap', () => {
    expect(pluginNodeFlags(['/p/a', '/rt'], 128, 20)).toEqual(['--experimental-permission', '--allow-fs-read=/p/a', '--allow-fs-read=/rt', '--max-old-space-size=128', '--disable-warning=ExperimentalWarning']);
    expect(pluginNodeFlags(['/p/a'], 64, 24)[0]).toBe('--permission');
    const flags = pluginNodeFlags(['/p'], 128, 20).join(' ');
    for (const allowed of ['--allow-fs-write', '--allow-child-process', '--allow-worker', '--allow-addons', '--allow-wasi']) expect(flags).not.toContain(allowed);
  });
});
