// A plugin's calls to the host go through the shared 'plugin' limit of the library's rate-limit
// policy: a real plugin process over it gets 'rate-limited' answers, the trip is audited, and its
// calls are answered again after the refill; the budget is its own (another plugin is untouched)
// and follows the settings.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Library } from '../../../main/library/library.js';
import { libraryAccessOver } from '../../../main/plugins/host/library-access-over-library.js';
import { PluginHost } from '../../../main/plugins/host/plugin-host.js';
import { RateLimitPolicy } from '../../../main/security/rate-limit/rate-limit-policy.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';
import { testLauncher, WELL_BEHAVED_SOURCE, writeTestPlugin } from '../../helpers/test-plugins.js';

let library: Library;
let host: PluginHost | null = null;

beforeEach(async () => {
  ({ library } = await createTestLibrary());
});

afterEach(async () => {
  await host?.close();
  host = null;
  await library.close();
});

const BURST_SOURCE = `export default { commands: {
  'burst.run': async (count, host) => {
    const results = await Promise.allSettled(Array.from({ length: count }, () => host.storage.get('x')));
    return { ok: results.filter((r) => r.status === 'fulfilled').length, limited: results.filter((r) => r.reason?.code === 'rate-limited').length };
  },
} };`;

it('a plugin over its budget is answered rate-limited, audited, and answered again after the refill', { timeout: 60_000 }, async () => {
  const root = await tempDir();
  const policy = new RateLimitPolicy({ file: null, audit: library.audit });
  await policy.change({ limits: { plugin: { burst: 40, rate: 200 } } });
  const burst = await writeTestPlugin(root, { id: 'burst', source: BURST_SOURCE, commands: ['burst.run'], permissions: [] });
  const good = await writeTestPlugin(root, { id: 'good', source: WELL_BEHAVED_SOURCE, commands: ['good.echo', 'good.count'], permissions: ['clips:read'] });
  host = new PluginHost({ launcher: testLauncher(), services: { library: libraryAccessOver(library) }, plugins: [burst, good], rateLimits: policy, limits: { floodMaxRefusals: 10_000 } });

  const first = (await host.invoke('commands', 'burst.run', 300)) as { ok: number; limited: number };
  expect(first.ok + first.limited).toBe(300);
  expect(first.limited).toBeGreaterThan(200);
  // Another plugin's budget is its own.
  expect(await host.invoke('commands', 'good.echo', 'still here')).toMatchObject({ echo: 'still here' });

  // 40 tokens refill in 200 ms at 200 a second.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await host.invoke('commands', 'burst.run', 30)).toEqual({ ok: 30, limited: 0 });
  expect(host.view('burst').status).toBe('active');

  const entries = library.audit.list({ kind: 'rate-limit' }).entries;
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ actor: { type: 'plugin', id: 'burst' }, details: { limit: 'plugin', key: 'burst', action: 'refused' } });

  // A larger budget from the settings applies to the running plugin at once (60 calls: over the old
  // burst of 40, under the 64 calls the host serves at once).
  await policy.change({ limits: { plugin: { burst: 1000, rate: 1000 } } });
  expect(await host.invoke('commands', 'burst.run', 60)).toEqual({ ok: 60, limited: 0 });
});
