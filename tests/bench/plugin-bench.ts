// `npm run bench -- plugins`: what a plugin costs. Round trips both ways through real plugin
// processes (host → plugin invocation → result; plugin → host call → reply, timed inside the
// plugin), and cold starts (launch → ready → activated → first command result), beside a bare
// `fork` of a script that only says it is ready (the floor any process-per-plugin design pays).
import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importText } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { ForkPluginLauncher } from '../../main/plugins/host/fork-plugin-launcher.js';
import { libraryAccessOver } from '../../main/plugins/host/library-access-over-library.js';
import type { PluginChannel, PluginLaunchSpec, PluginLauncher } from '../../main/plugins/host/plugin-launcher.js';
import { PluginHost, type PluginDescriptor } from '../../main/plugins/host/plugin-host.js';
import { writeTestPlugin } from '../helpers/test-plugins.js';
import { percentile, timeMs } from './stats.js';

const PASSPHRASE = 'benchmark passphrase';
const SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };
const WARMUP = 200;
const ROUND_TRIPS = 2_000;
const COLD_STARTS = 15;
// Round trips are timed back to back; the flood limiter (1,000 messages/s by default) is raised so it is not what is measured.
const LIMITS = { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 };

const BENCH_PLUGIN = `export default { commands: {
  'bench.echo': (args) => args,
  'bench.calls': async ({ method, n, id }, host) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      if (method === 'storage') await host.storage.get('key');
      else await host.clips.get(id);
      times.push(performance.now() - started);
    }
    return times;
  },
} };`;

export async function benchPlugins(): Promise<Record<string, number | string>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-plugin-bench-'));
  const library = await Library.create(path.join(work, 'library'), { passphrase: PASSPHRASE, scryptCost: SCRYPT_COST });
  try {
    const imported = await importText(library, 'a clip for plugins to read', { title: 'bench' });
    if (imported.type !== 'imported') throw new Error(`the bench clip was not imported: ${JSON.stringify(imported)}`);
    const plugin = await writeTestPlugin(path.join(work, 'plugins'), { id: 'bench', source: BENCH_PLUGIN, commands: ['bench.echo', 'bench.calls'], permissions: ['clips:read'] });
    const newHost = () => new PluginHost({ launcher: new ForkPluginLauncher(), services: { library: libraryAccessOver(library) }, plugins: [plugin], limits: LIMITS });

    const host = newHost();
    try {
      for (let i = 0; i < WARMUP; i++) await host.invoke('commands', 'bench.echo', { i });
      const invokeTimes: number[] = [];
      for (let i = 0; i < ROUND_TRIPS; i++) invokeTimes.push(await timeMs(() => host.invoke('commands', 'bench.echo', { i, text: 'hello' })));
      const calls = async (method: string) => {
        await host.invoke('commands', 'bench.calls', { method, n: WARMUP, id: imported.id });
        return (await host.invoke('commands', 'bench.calls', { method, n: ROUND_TRIPS, id: imported.id })) as number[];
      };
      const storageCalls = await calls('storage');
      const clipCalls = await calls('clips');
      const cold = await coldStarts(plugin, library, work);
      return {
        invoke_round_trip_p50_ms: round(percentile(invokeTimes, 50)),
        invoke_round_trip_p99_ms: round(percentile(invokeTimes, 99)),
        call_round_trip_p50_ms: round(percentile(storageCalls, 50)),
        call_round_trip_p99_ms: round(percentile(storageCalls, 99)),
        call_clips_get_p50_ms: round(percentile(clipCalls, 50)),
        call_clips_get_p99_ms: round(percentile(clipCalls, 99)),
        cold_start_to_ready_p50_ms: round(percentile(cold.ready, 50)),
        cold_start_to_activated_p50_ms: round(percentile(cold.activated, 50)),
        cold_start_first_result_p50_ms: round(percentile(cold.firstResult, 50)),
        cold_start_first_result_p99_ms: round(percentile(cold.firstResult, 99)),
        baseline_bare_fork_ready_p50_ms: round(percentile(cold.bare, 50)),
        round_trips: ROUND_TRIPS,
        cold_starts: COLD_STARTS,
      };
    } finally {
      await host.close();
    }
  } finally {
    await library.close();
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Sees the runtime's 'ready' message, which the host keeps to itself. */
class TimedLauncher implements PluginLauncher {
  readyAt: number | null = null;
  readonly #inner = new ForkPluginLauncher();

  launch(spec: PluginLaunchSpec): PluginChannel {
    const channel = this.#inner.launch(spec);
    channel.onMessage((message) => {
      if (this.readyAt === null && (message as { type?: unknown }).type === 'ready') this.readyAt = performance.now();
    });
    return channel;
  }
}

/** Each start in a fresh host: launch → 'ready' (runtime up) → 'active' (entry loaded, activated) → the first command's result. */
async function coldStarts(plugin: PluginDescriptor, library: Library, work: string): Promise<{ ready: number[]; activated: number[]; firstResult: number[]; bare: number[] }> {
  const ready: number[] = [];
  const activated: number[] = [];
  const firstResult: number[] = [];
  const bare: number[] = [];
  const script = path.join(work, 'bare.mjs');
  await fs.writeFile(script, "process.send({ type: 'ready' });");
  for (let i = 0; i < COLD_STARTS; i++) {
    // Interleaved with the plugin starts, so both see the same load on the machine.
    bare.push(await bareFork(script));
    const launcher = new TimedLauncher();
    const host = new PluginHost({ launcher, services: { library: libraryAccessOver(library) }, plugins: [plugin], limits: LIMITS });
    try {
      const started = performance.now();
      host.onStatus((view) => {
        if (view.status === 'active') activated.push(performance.now() - started);
      });
      await host.invoke('commands', 'bench.echo', null);
      firstResult.push(performance.now() - started);
      ready.push(launcher.readyAt! - started);
    } finally {
      await host.close();
    }
  }
  return { ready, activated, firstResult, bare };
}

/** The floor: a plain Node child (no permission model, no runtime) that sends one message. */
async function bareFork(script: string): Promise<number> {
  const started = performance.now();
  const child = fork(script, [], { stdio: 'ignore', serialization: 'advanced', execArgv: [], env: {} });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const elapsed = performance.now() - started;
  child.kill('SIGKILL');
  return elapsed;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

