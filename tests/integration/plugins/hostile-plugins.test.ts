// Hostile plugins, each in a real process under the real host, next to a real library and a
// well-behaved plugin. Each is refused or stopped; the library is unchanged; the host and the
// other plugin keep working.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Library } from '../../../main/library/library.js';
import { importText } from '../../../main/library/importer.js';
import { libraryAccessOver } from '../../../main/plugins/host/library-access-over-library.js';
import { PluginHost } from '../../../main/plugins/host/plugin-host.js';
import type { PluginHostLimits } from '../../../main/plugins/host/plugin-host-limits.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';
import { testLauncher, WELL_BEHAVED_SOURCE, writeTestPlugin, type TestPluginSpec } from '../../helpers/test-plugins.js';

const TEST_LIMITS: Partial<PluginHostLimits> = { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 2_000, backoffMs: 100, maxBackoffMs: 400, maxFailures: 3, callTimeoutMs: 15_000 };

let library: Library;
let root: string;
let host: PluginHost | null = null;
let clipsBefore: string;

beforeEach(async () => {
  root = await tempDir();
  ({ library } = await createTestLibrary());
  await importText(library, 'a note nobody may change', { title: 'keep me' });
  await importText(library, 'another note', { title: 'me too' });
  clipsBefore = snapshot(library);
});

afterEach(async () => {
  await host?.close();
  host = null;
  // Nothing a hostile plugin did reached the library.
  expect(snapshot(library)).toBe(clipsBefore);
  await library.close();
});

function snapshot(lib: Library): string {
  return JSON.stringify([...lib.query({ limit: 1000 }).items, ...lib.query({ limit: 1000, trash: true }).items]);
}

/** The hostile plugin beside a well-behaved one that has the same read access to the library. */
async function withHostile(spec: TestPluginSpec, limits: Partial<PluginHostLimits> = {}): Promise<PluginHost> {
  const good = await writeTestPlugin(root, { id: 'good', source: WELL_BEHAVED_SOURCE, commands: ['good.echo', 'good.count'], permissions: ['clips:read'] });
  const hostile = await writeTestPlugin(root, spec);
  host = new PluginHost({ launcher: testLauncher(), services: { library: libraryAccessOver(library) }, plugins: [good, hostile], limits: { ...TEST_LIMITS, ...limits } });
  expect(await host.invoke('commands', 'good.echo', 'before')).toMatchObject({ echo: 'before' });
  return host;
}

/** The other plugin and the library still work (run at the end of each test). */
async function expectOthersUnharmed(running: PluginHost): Promise<void> {
  expect(await running.invoke('commands', 'good.echo', 'after')).toMatchObject({ echo: 'after' });
  expect(await running.invoke('commands', 'good.count', null)).toBe(2);
  expect(running.view('good')).toMatchObject({ status: 'active', restarts: 0 });
}

function logText(running: PluginHost, id: string): string {
  return running.logs(id).map((entry) => `${entry.level}: ${entry.message}`).join('\n');
}

describe('hostile plugins', () => {
  it('cannot read or write files outside its folder, nor import code from there', async () => {
    const secret = path.join(root, 'secret.txt');
    await fs.writeFile(secret, 'the secret');
    const running = await withHostile({
      id: 'snoop',
      commands: ['snoop.run'],
      files: { 'own.txt': 'mine' },
      source: `import fs from 'node:fs';
        const attempt = async (run) => { try { return { ok: await run() }; } catch (error) { return { code: error.code }; } };
        export default { commands: { 'snoop.run': async (args) => ({
          own: await attempt(() => fs.readFileSync(new URL('./own.txt', import.meta.url), 'utf8')),
          secret: await attempt(() => fs.readFileSync(args.secret, 'utf8')),
          database: await attempt(() => fs.readFileSync(args.database).length),
          listing: await attempt(() => fs.readdirSync(args.root)),
          importOutside: await attempt(async () => Object.keys(await import(args.code))),
          writeOwn: await attempt(() => fs.writeFileSync(new URL('./own.txt', import.meta.url), 'changed')),
          env: Object.keys(process.env).length,
        }) } };`,
    });
    await fs.writeFile(path.join(root, 'outside.js'), 'export const stolen = 1;');
    const result = await running.invoke('commands', 'snoop.run', { secret, database: library.paths.database, root, code: path.join(root, 'outside.js') });
    expect(result).toEqual({
      own: { ok: 'mine' },
      secret: { code: 'ERR_ACCESS_DENIED' },
      database: { code: 'ERR_ACCESS_DENIED' },
      listing: { code: 'ERR_ACCESS_DENIED' },
      importOutside: { code: 'ERR_ACCESS_DENIED' },
      writeOwn: { code: 'ERR_ACCESS_DENIED' },
      // Nothing of the host's environment (a passphrase, tokens) is handed to plugin code.
      env: 0,
    });
    expect(await fs.readFile(path.join(root, 'snoop', '1.0.0', 'own.txt'), 'utf8')).toBe('mine');
    await expectOthersUnharmed(running);
  });

  it('is refused the API methods it has no permission for, and the refusal is logged', async () => {
    const running = await withHostile({
      id: 'grabby',
      permissions: ['clips:read'],
      commands: ['grabby.run'],
      source: `const attempt = async (run) => { try { await run(); return 'allowed'; } catch (error) { return error.code; } };
        export default { commands: { 'grabby.run': async (_args, host) => {
          const [clip] = (await host.clips.list()).clips;
          return {
            read: await attempt(() => host.clips.get(clip.id)),
            create: await attempt(() => host.clips.createText({ text: 'planted' })),
            update: await attempt(() => host.clips.update(clip.id, { title: 'pwned' })),
            tag: await attempt(() => host.clips.addTags(clip.id, ['pwned'])),
            blob: await attempt(() => host.blobs.read('0'.repeat(64))),
            fetch: await attempt(() => host.net.fetch('http://127.0.0.1:9/')),
            clipboard: await attempt(() => host.clipboard.writeText('x')),
            panel: await attempt(() => host.ui.showPanel('grabby.panel')),
          };
        } } };`,
    });
    expect(await running.invoke('commands', 'grabby.run', null)).toEqual({
      read: 'allowed',
      create: 'permission-denied',
      update: 'permission-denied',
      tag: 'permission-denied',
      blob: 'permission-denied',
      fetch: 'permission-denied',
      clipboard: 'permission-denied',
      panel: 'permission-denied',
    });
    expect(logText(running, 'grabby')).toContain('refused clips.createText: clips.createText needs the "clips:write" permission');
    await expectOthersUnharmed(running);
  });

  it('reaches only the hosts it declares, through the host; it has no network of its own', async () => {
    const seen: string[] = [];
    const serve = (name: string) =>
      new Promise<http.Server>((resolve) => {
        const server = http.createServer((request, response) => {
          seen.push(`${name} ${request.method} ${request.url}`);
          response.setHeader('x-server', name);
          response.end(`hello from ${name}`);
        });
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    const declared = await serve('declared');
    const other = await serve('other');
    const declaredPort = (declared.address() as AddressInfo).port;
    const otherPort = (other.address() as AddressInfo).port;
    try {
      // A loopback server is declared literally, address and port: a name never reaches this device.
      const running = await withHostile({
        id: 'netty',
        permissions: [`net:127.0.0.1:${declaredPort}`],
        commands: ['netty.run'],
        source: `const attempt = async (run) => { try { return await run(); } catch (error) { return { code: error.code, message: error.message }; } };
          export default { commands: { 'netty.run': async (args, host) => ({
            declared: await attempt(() => host.net.fetch('http://127.0.0.1:' + args.declaredPort + '/ok?q=1', { method: 'POST', body: 'hi', headers: { host: 'evil.example' } })),
            otherPort: await attempt(() => host.net.fetch('http://127.0.0.1:' + args.otherPort + '/steal')),
            byName: await attempt(() => host.net.fetch('http://localhost:' + args.declaredPort + '/steal')),
            notHttp: await attempt(() => host.net.fetch('file:///etc/passwd')),
            globalFetch: typeof globalThis.fetch,
            socket: await attempt(async () => (await import('node:net')).connect(args.otherPort, '127.0.0.1')),
            socketByClass: await attempt(async () => new (await import('node:net')).Socket().connect(args.otherPort, '127.0.0.1')),
            httpGet: await attempt(async () => (await import('node:http')).get('http://127.0.0.1:' + args.otherPort + '/steal')),
            agent: await attempt(async () => (await import('node:https')).globalAgent.createConnection({ port: args.otherPort, host: '127.0.0.1' })),
            udp: await attempt(async () => (await import('node:dgram')).createSocket('udp4').send('x', args.otherPort, '127.0.0.1')),
            dns: await attempt(async () => (await import('node:dns/promises')).lookup('example.com')),
          }) } };`,
      });
      const result = (await running.invoke('commands', 'netty.run', { declaredPort, otherPort })) as Record<string, { code?: string; status?: number; body?: string; headers?: Record<string, string> } | string>;
      expect(result.declared).toMatchObject({ status: 200, body: 'hello from declared', headers: { 'x-server': 'declared' } });
      expect(result.otherPort).toMatchObject({ code: 'permission-denied' });
      expect(result.byName).toMatchObject({ code: 'permission-denied' });
      expect(result.notHttp).toMatchObject({ code: 'invalid-params' });
      expect(result.globalFetch).toBe('undefined');
      for (const direct of ['socket', 'socketByClass', 'httpGet', 'agent', 'udp', 'dns'] as const) expect(result[direct], direct).toMatchObject({ code: 'ERR_ACCESS_DENIED' });
      expect(seen).toEqual(['declared POST /ok?q=1']);
      await expectOthersUnharmed(running);
    } finally {
      declared.close();
      other.close();
    }
  });

  it('cannot start processes or workers, load addons, or signal other processes', async () => {
    const running = await withHostile({
      id: 'spawner',
      commands: ['spawner.run'],
      source: `const attempt = async (run) => { try { await run(); return 'allowed'; } catch (error) { return error.code; } };
        export default { commands: { 'spawner.run': async () => ({
          spawn: await attempt(async () => (await import('node:child_process')).spawnSync('/bin/sh', ['-c', 'echo pwned'])),
          exec: await attempt(async () => (await import('node:child_process')).execSync('echo pwned')),
          fork: await attempt(async () => (await import('node:child_process')).fork('./index.js')),
          worker: await attempt(async () => new (await import('node:worker_threads')).Worker(new URL('./index.js', import.meta.url))),
          addon: await attempt(async () => process.dlopen({ exports: {} }, '/usr/lib/x86_64-linux-gnu/libc.so.6')),
          killHost: await attempt(async () => process.kill(process.ppid, 'SIGKILL')),
          inspector: await attempt(async () => (await import('node:inspector')).open(0)),
          binding: await attempt(async () => process.binding('spawn_sync')),
        }) } };`,
    });
    expect(await running.invoke('commands', 'spawner.run', null)).toEqual({
      spawn: 'ERR_ACCESS_DENIED',
      exec: 'ERR_ACCESS_DENIED',
      fork: 'ERR_ACCESS_DENIED',
      worker: 'ERR_ACCESS_DENIED',
      addon: 'ERR_DLOPEN_DISABLED',
      killHost: 'ERR_ACCESS_DENIED',
      inspector: 'ERR_ACCESS_DENIED',
      binding: 'ERR_ACCESS_DENIED',
    });
    await expectOthersUnharmed(running);
  });

  it('is stopped when it allocates without bound on its heap, and restarted', async () => {
    const running = await withHostile({
      id: 'hog',
      commands: ['hog.run'],
      // Yielding between allocations keeps the heartbeat answered: memory, not the watchdog, stops it
      // (a loaded machine otherwise misses the heartbeat first; busy loops have their own test).
      source: `const kept = []; export default { commands: { 'hog.run': async () => { for (;;) { kept.push(new Array(1e5).fill({ x: 1 })); await new Promise((resolve) => setImmediate(resolve)); } } } };`,
    });
    await expect(running.invoke('commands', 'hog.run', null)).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringContaining('ran out of memory (over its 128 MB heap)') });
    expect(logText(running, 'hog')).toContain('stopped: ran out of memory');
    await expect.poll(() => running.view('hog')).toMatchObject({ status: 'active', restarts: 1, problem: null });
    await expectOthersUnharmed(running);
  });

  it('is stopped when its memory outside the heap (buffers) grows past the cap', async () => {
    const running = await withHostile(
      {
        id: 'buffers',
        commands: ['buffers.run'],
        source: `const kept = []; export default { commands: { 'buffers.run': async () => { for (;;) { kept.push(Buffer.alloc(8 * 1024 * 1024, 1)); await new Promise((resolve) => setTimeout(resolve, 5)); } } } };`,
      },
      { maxRssBytes: 300 * 1024 * 1024 },
    );
    await expect(running.invoke('commands', 'buffers.run', null)).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringMatching(/used too much memory \(\d+ MB resident, over 300 MB\)/) });
    await expectOthersUnharmed(running);
  });

  it('is stopped when it never answers an invocation, and restarted with backoff', async () => {
    const running = await withHostile({ id: 'silent', commands: ['silent.run'], source: `export default { commands: { 'silent.run': () => new Promise(() => {}) } };` });
    const statuses: string[] = [];
    running.onStatus((view) => view.id === 'silent' && statuses.push(view.status));
    await expect(running.invoke('commands', 'silent.run', null, { timeoutMs: 500 })).rejects.toMatchObject({ code: 'timeout' });
    await expect.poll(() => running.view('silent')).toMatchObject({ status: 'active', restarts: 1 });
    expect(statuses).toEqual(['starting', 'active', 'crashed', 'starting', 'active']);
    expect(logText(running, 'silent')).toContain('stopped: did not answer commands "silent.run" within 500 ms');
    await expectOthersUnharmed(running);
  });

  it('is stopped when it busy-loops (the heartbeat goes unanswered)', async () => {
    const running = await withHostile({ id: 'spinner', commands: ['spinner.run'], source: `export default { commands: { 'spinner.run': () => { for (;;) {} } } };` });
    const started = Date.now();
    // The invocation's own limit is far off: the heartbeat is what catches it.
    await expect(running.invoke('commands', 'spinner.run', null, { timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringContaining('stopped answering') });
    expect(Date.now() - started).toBeLessThan(20_000);
    await expectOthersUnharmed(running);
  });

  it('fails to start when it throws on load, is retried with backoff, then stays crashed until restarted', async () => {
    const running = await withHostile({ id: 'broken', commands: ['broken.run'], source: `throw new Error('broken on purpose');` });
    await expect(running.invoke('commands', 'broken.run', null)).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringContaining('failed to start: Error: broken on purpose') });
    // Three failures in the window (TEST_LIMITS.maxFailures): it gives up.
    await expect.poll(() => running.view('broken')).toMatchObject({ status: 'crashed', restarts: 2, problem: expect.stringContaining('stays stopped until restarted') });
    await expect(running.invoke('commands', 'broken.run', null)).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringContaining('stays stopped until restarted') });
    expect(logText(running, 'broken')).toContain('at file://');
    await expect(running.restart('broken')).rejects.toMatchObject({ code: 'plugin-failed' });
    await expectOthersUnharmed(running);
  });

  it('gets rate-limited errors for bursts, and is stopped when it keeps flooding the host', async () => {
    const running = await withHostile(
      {
        id: 'flood',
        commands: ['flood.burst', 'flood.forever'],
        source: `export default { commands: {
          'flood.burst': async (_args, host) => {
            const results = await Promise.allSettled(Array.from({ length: 300 }, () => host.storage.get('x')));
            return { ok: results.filter((r) => r.status === 'fulfilled').length, limited: results.filter((r) => r.reason?.code === 'rate-limited').length };
          },
          'flood.forever': async (_args, host) => {
            for (let i = 0; ; i++) {
              host.storage.get('x').catch(() => {});
              if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
            }
          },
        } };`,
      },
      { messageBurst: 100, messagesPerSecond: 50, floodMaxRefusals: 1_000, floodWindowMs: 5_000 },
    );
    const burst = (await running.invoke('commands', 'flood.burst', null)) as { ok: number; limited: number };
    expect(burst.ok + burst.limited).toBe(300);
    expect(burst.limited).toBeGreaterThan(100);
    expect(running.view('flood').status).toBe('active');
    await expect(running.invoke('commands', 'flood.forever', null)).rejects.toMatchObject({ code: 'plugin-failed', message: expect.stringContaining('flooded the host') });
    await expectOthersUnharmed(running);
  });

  it('has malformed messages dropped and logged, and keeps working', async () => {
    const running = await withHostile({
      id: 'garbled',
      commands: ['garbled.run'],
      source: `export default { commands: { 'garbled.run': () => {
        process.send('not a message');
        process.send({ type: 'call', id: 'one', method: 'clips.list', params: {} });
        process.send({ type: 'call', id: 7, method: 'library.drop', params: {} });
        process.send({ type: 'result', id: 1, ok: false, error: { code: 'made-up', message: 'x' } });
        return 'still here';
      } } };`,
    });
    expect(await running.invoke('commands', 'garbled.run', null)).toBe('still here');
    await expect.poll(() => running.logs('garbled').filter((entry) => entry.message.startsWith('dropped a malformed message')).length).toBe(4);
    expect(running.view('garbled').status).toBe('active');
    await expectOthersUnharmed(running);
  });

  it('is restarted when it crashes', async () => {
    const running = await withHostile({ id: 'crasher', commands: ['crasher.run'], source: `export default { commands: { 'crasher.run': () => { setTimeout(() => { throw new Error('boom later'); }); return 'soon'; } } };` });
    expect(await running.invoke('commands', 'crasher.run', null)).toBe('soon');
    await expect.poll(() => logText(running, 'crasher')).toContain('uncaught error: Error: boom later');
    await expect.poll(() => running.view('crasher')).toMatchObject({ status: 'active', restarts: 1 });
    expect(await running.invoke('commands', 'crasher.run', null)).toBe('soon');
    await expectOthersUnharmed(running);
  });
});
