// Fuzzing the plugin host's side of plugin RPC: whatever a hostile plugin process sends (values
// shaped like PluginToHostMessage with wrong fields, calls with random params, arbitrary values)
// is dropped with a log entry or answered with a typed error; the host never throws. The process
// is replaced by an in-memory channel (the real one is tests/integration/plugins/hostile-plugins);
// the PluginProcess, the call dispatcher and the library behind it are the real ones.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_PERMISSIONS, PLUGIN_ERROR_CODES, type PluginManifest } from '../../contract/plugins.js';
import { KeyedLimiter } from '../../main/security/rate-limit/keyed-limiter.js';
import { importText } from '../../main/library/importer.js';
import type { Library } from '../../main/library/library.js';
import { serveCall } from '../../main/plugins/host/api-dispatcher.js';
import { libraryAccessOver } from '../../main/plugins/host/library-access-over-library.js';
import { DEFAULT_PLUGIN_HOST_LIMITS } from '../../main/plugins/host/plugin-host-limits.js';
import type { PluginChannel, PluginLauncher } from '../../main/plugins/host/plugin-launcher.js';
import { PluginProcess } from '../../main/plugins/host/plugin-process.js';
import { PluginStorage } from '../../main/plugins/host/plugin-storage.js';
import { createTestLibrary } from '../helpers/library.js';
import { tempDir } from '../helpers/temp.js';
import { budget, failOnUnhandledRejections } from './fuzz-budget.js';

failOnUnhandledRejections();

/** Stands in for the plugin's process: the test speaks for the plugin. */
class LoopbackChannel implements PluginChannel {
  readonly pid = undefined;
  readonly sent: unknown[] = [];
  #onMessage: ((message: unknown) => void) | null = null;
  readonly #onExit: ((code: number | null, signal: string | null) => void)[] = [];
  #exited = false;

  send(message: unknown): void {
    if (this.#exited) throw new Error('sent to an exited process');
    this.sent.push(message);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.#onMessage = listener;
  }
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.#onExit.push(listener);
  }
  onOutput(): void {}
  kill(): void {
    if (this.#exited) return;
    this.#exited = true;
    for (const listener of this.#onExit) listener(null, 'SIGTERM');
  }
  fromPlugin(message: unknown): void {
    this.#onMessage?.(message);
  }
}

const manifest: PluginManifest = {
  id: 'fuzz.hostile',
  packageName: 'clipshot-plugin-hostile',
  version: '1.0.0',
  displayName: 'Hostile',
  description: '',
  engines: { clipshot: '*' },
  apiVersion: 1,
  main: 'index.js',
  permissions: ['clips:read', 'clips:write', 'blobs:read'],
  dependencies: {},
  activationEvents: [],
  contributes: { commands: [], importers: [], exporters: [], analyzers: [], panels: [], themes: [], keybindings: [] },
};

const METHODS = Object.keys(PLUGIN_API_PERMISSIONS);
const TYPES = ['ready', 'activated', 'activation-failed', 'pong', 'call', 'result', 'log', 'state', 'reply', 'invoke', '__proto__'];
const id = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.anything());
const messageShaped = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...TYPES), fc.anything()),
    id,
    method: fc.oneof(fc.constantFrom(...METHODS), fc.string()),
    params: fc.oneof(fc.record({ id: fc.string(), limit: fc.anything(), cursor: fc.anything(), query: fc.anything(), hash: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 60, maxLength: 66 }), text: fc.string(), tags: fc.anything() }, { requiredKeys: [] }), fc.anything()),
    ok: fc.oneof(fc.boolean(), fc.anything()),
    value: fc.anything(),
    error: fc.oneof(fc.record({ code: fc.constantFrom(...PLUGIN_ERROR_CODES), message: fc.string() }), fc.anything()),
    level: fc.oneof(fc.constantFrom('info', 'warn', 'error'), fc.anything()),
    message: fc.oneof(fc.string({ maxLength: 5000 }), fc.anything()),
    state: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('fuzzing plugin RPC at the host', () => {
  let library: Library;
  let storage: PluginStorage;

  beforeAll(async () => {
    ({ library } = await createTestLibrary());
    await importText(library, 'a clip the plugin may read');
    storage = new PluginStorage(await tempDir(), 64 * 1024);
  });

  afterAll(async () => {
    await library.close();
  });

  it('drops malformed messages with a log entry and answers every call, never throwing', async () => {
    const services = { library: libraryAccessOver(library) };
    const callLimits = { fetch: { timeoutMs: 1000, maxResponseBytes: 1024 }, maxBlobBytes: 1024 * 1024, defaultPageSize: 10 };
    let dropped = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 3, arbitrary: messageShaped }, { weight: 1, arbitrary: fc.anything() }), { minLength: 1, maxLength: 6 }), async (messages) => {
        const channel = new LoopbackChannel();
        const launcher: PluginLauncher = { launch: () => channel };
        const logs: string[] = [];
        const ended: (string | null)[] = [];
        const limiter = new KeyedLimiter({ name: 'plugin', capacity: 1000, refillPerSecond: 1000 });
        const gate = { admit: () => limiter.admit(manifest.id), tripped: () => undefined };
        const process = new PluginProcess(launcher, manifest, '/nonexistent', null, DEFAULT_PLUGIN_HOST_LIMITS, gate, {
          serve: (method, params) => serveCall(services, callLimits, { pluginId: manifest.id, permissions: manifest.permissions, panels: [], storage }, method, params),
          log: (_level, message) => void logs.push(message),
          ended: (problem) => void ended.push(problem),
        });
        const calls: number[] = [];
        for (const message of messages) {
          const logsBefore = logs.length;
          channel.fromPlugin(message);
          const shaped = message as { type?: unknown; id?: unknown; method?: unknown };
          const wellFormedCall = shaped?.type === 'call' && Number.isSafeInteger(shaped.id) && (shaped.id as number) >= 0 && METHODS.includes(shaped.method as string);
          if (wellFormedCall && ended.length === 0) calls.push(shaped.id as number);
          const dropLog = logs.slice(logsBefore).find((line) => line.startsWith('dropped a malformed message'));
          if (dropLog) dropped++;
          // A message that is none of the shapes a plugin may send is logged as dropped.
          if (typeof shaped !== 'object' || shaped === null || !TYPES.slice(0, 8).includes(shaped.type as string)) {
            if (ended.length === 0) expect(dropLog, JSON.stringify(message)).toBeDefined();
          }
        }
        // Every well-formed call gets its reply (a result or a typed error), however wrong its params.
        await expect.poll(() => channel.sent.filter((sent) => (sent as { type: string }).type === 'reply').length, { timeout: 5000 }).toBe(calls.length);
        for (const reply of channel.sent.filter((sent) => (sent as { type: string }).type === 'reply') as { ok: boolean; error?: { code: string } }[]) {
          if (!reply.ok) expect(PLUGIN_ERROR_CODES).toContain(reply.error!.code);
        }
        await process.stop();
      }),
      budget(250),
    );
    expect(dropped).toBeGreaterThan(0);
  });
});
