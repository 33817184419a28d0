// Each entry point's rate limit trips and recovers, against a real `clipshot serve` process: the
// limits are made small through the API (as Settings → Security → Limits does), tripped by this
// test, then waited out by the wait the refusal named. Every trip leaves an audit entry.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiServerMessage } from '../../contract/api.js';
import type { AuditPage } from '../../contract/audit.js';
import type { RateLimitsChange, RateLimitsView } from '../../contract/rate-limits.js';
import { libraryPaths } from '../../main/library/library-paths.js';
import { openSocket } from '../../main/sync/connection/dialer.js';
import { Channel, PAIR_PATH } from '../../main/sync/connection/wire.js';
import { generateStaticKeyPair } from '../../main/sync/crypto/noise-xx.js';
import { identityFromKeys } from '../../main/sync/device-identity.js';
import { collect, startCli, waitForLine } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { connectInProcess, joinAsInProcess, pairInProcess } from '../helpers/in-process-device.js';
import { startDevice, stopAllDevices, type Device } from '../helpers/sync-devices.js';
import { tempDir } from '../helpers/temp.js';

afterEach(stopAllDevices);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setLimits(device: Device, change: RateLimitsChange): Promise<RateLimitsView> {
  return (await device.api('changeRateLimits', change)) as RateLimitsView;
}

async function rateLimitEntries(device: Device): Promise<AuditPage['entries']> {
  return ((await device.api('auditLog', { kind: 'rate-limit' })) as AuditPage).entries;
}

/** A browser tab's own API connection (a session of its own). */
async function openTab(device: Device): Promise<{ socket: WebSocket; ask(count: number): Promise<ApiServerMessage[]> }> {
  const socket = new WebSocket(`${device.origin.replace('http', 'ws')}/api`, { headers: { Authorization: `Bearer ${device.token}` } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  return {
    socket,
    ask: (count) => {
      const ids = Array.from({ length: count }, () => nextId++);
      const answers = new Map<number, ApiServerMessage>();
      return new Promise((resolve) => {
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(data.toString()) as ApiServerMessage;
          if (!('id' in message) || !ids.includes(message.id)) return;
          answers.set(message.id, message);
          if (answers.size === ids.length) {
            socket.off('message', onMessage);
            resolve(ids.map((id) => answers.get(id)!));
          }
        };
        socket.on('message', onMessage);
        for (const id of ids) socket.send(JSON.stringify({ id, method: 'overview', params: {} }));
      });
    },
  };
}

/** Runs a command through the instance's control socket directly (several at once, without a CLI start-up each). */
function runThroughSocket(device: Device, command: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(libraryPaths(device.dir).controlSocket);
    let buffered = '';
    let stderr = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ type: 'run', request: { command, positionals: [], options: { json: true }, cwd: device.dir } })}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const message = JSON.parse(buffered.slice(0, end)) as { type: string; text?: string; code?: number };
        buffered = buffered.slice(end + 1);
        if (message.type === 'stderr') stderr += message.text;
        if (message.type === 'exit') resolve({ code: message.code!, stderr });
      }
    });
    socket.on('error', reject);
  });
}

describe('rate limits on every entry point, against a real `clipshot serve`', { timeout: 120_000 }, () => {
  it('serve: a tab over its budget gets "rate-limited" with the wait and keeps its connection; media over the budget get 429 with Retry-After; both recover', async () => {
    const root = await tempDir('limits-serve-');
    const device = await startDevice(root, 'a');
    expect((await device.cli(['import', await writePng(root, 'one.png', 1)])).code).toBe(0);
    const [clip] = (await device.json<{ items: { id: string }[] }>(['list'])).items;
    await setLimits(device, { limits: { 'serve-api': { burst: 3, rate: 5 }, 'serve-http': { burst: 2, rate: 5 } } });

    const tab = await openTab(device);
    const answers = await tab.ask(10);
    const refused = answers.filter((answer) => 'error' in answer);
    expect(answers.filter((answer) => 'result' in answer)).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const answer of refused) {
      expect((answer as { error: { code: string; retryAfterMs: number; message: string } }).error).toMatchObject({ code: 'rate-limited', retryAfterMs: expect.any(Number) as number, message: expect.stringMatching(/faster than it allows; try again in \d+ ms/) as string });
    }
    // Another tab has its own budget, untouched by the first one's burst.
    const other = await openTab(device);
    expect((await other.ask(3)).every((answer) => 'result' in answer)).toBe(true);
    // The flooding tab was not cut off: after the named wait, it is answered again.
    const wait = Math.max(...refused.map((answer) => (answer as { error: { retryAfterMs: number } }).error.retryAfterMs));
    expect(wait).toBeLessThanOrEqual(200);
    await sleep(wait + 50);
    expect(tab.socket.readyState).toBe(WebSocket.OPEN);
    expect((await tab.ask(1))[0]).toHaveProperty('result');
    tab.socket.close();
    other.socket.close();

    const media = () => fetch(`${device.origin}/media/${clip!.id}/thumbnail`, { headers: { Authorization: `Bearer ${device.token}` } });
    const responses = await Promise.all([media(), media(), media()]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 429]);
    const limited = responses.find((response) => response.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('1');
    const body = (await limited.json()) as { error: { code: string; retryAfterMs: number } };
    expect(body.error.code).toBe('rate-limited');
    await sleep(body.error.retryAfterMs + 50);
    expect((await media()).status).toBe(200);

    const entries = await rateLimitEntries(device);
    expect(entries.map((entry) => entry.details.limit).sort()).toEqual(['serve-api', 'serve-http']);
    expect(entries.find((entry) => entry.details.limit === 'serve-api')!.details).toMatchObject({ action: 'refused', key: expect.stringMatching(/^serve-session-\d+$/) as string });
  });

  it('control socket: commands over the budget are refused with the wait, and run again after it', async () => {
    const root = await tempDir('limits-control-');
    const device = await startDevice(root, 'a');
    await setLimits(device, { limits: { control: { burst: 1, rate: 1 } } });
    const results = await Promise.all([runThroughSocket(device, 'list'), runThroughSocket(device, 'list'), runThroughSocket(device, 'list')]);
    expect(results.map((result) => result.code).sort()).toEqual([0, 1, 1]);
    for (const result of results.filter((candidate) => candidate.code === 1)) expect(result.stderr).toMatch(/too many commands in a short time through the running ClipShot; try again in \d+ m?s$/m);
    await sleep(1_050);
    // The real CLI, through the same socket.
    const again = await device.cli(['list', '--json']);
    expect(again.code).toBe(0);
    expect((await rateLimitEntries(device))[0]!.details).toMatchObject({ limit: 'control', key: 'local-user', action: 'refused' });
  });

  it('pairing: attempts over the budget of one address are refused in the protocol\'s words, and the right code pairs after the refill', async () => {
    const root = await tempDir('limits-pairing-');
    const device = await startDevice(root, 'a');
    const inviter = startCli(['--library', device.dir, 'pair', '--json']);
    const { invitation } = JSON.parse(await waitForLine(inviter, /"invitation"/)) as { invitation: { code: string } };
    const shown = collect(inviter);
    // 60 a minute: one more a second, so the test waits a second, not a minute.
    await setLimits(device, { limits: { 'pairing-address': { burst: 2, rate: 60 } } });
    for (let i = 0; i < 2; i++) {
      // Connections that say nothing: each counts as an attempt, and none costs the code a try.
      const socket = await openSocket(device.syncAddress, PAIR_PATH);
      socket.close();
      await new Promise((resolve) => socket.once('close', resolve));
    }
    const identity = identityFromKeys(generateStaticKeyPair());
    await expect(joinAsInProcess(device.syncAddress, invitation.code, identity)).rejects.toMatchObject({ code: 'rate-limited', message: expect.stringContaining('refusing pairing attempts') as string });
    await sleep(1_100);
    await joinAsInProcess(device.syncAddress, invitation.code, identity);
    expect((await shown).code).toBe(0);
    const entries = await rateLimitEntries(device);
    expect(entries[0]!.details).toMatchObject({ limit: 'pairing-address', key: '127.0.0.1', action: 'refused' });
  });

  it('sync: a paired device over its budget is slowed, then disconnected (4006) and audited; after the refill it connects and syncs again', async () => {
    const root = await tempDir('limits-sync-');
    const device = await startDevice(root, 'a');
    const mallory = identityFromKeys(generateStaticKeyPair());
    await pairInProcess(device, mallory);
    await setLimits(device, { limits: { 'sync-bytes': { burst: 1, rate: 1 } }, syncDisconnectAfterSeconds: 2 });

    const { socket, session } = await connectInProcess(device, mallory);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    // 256 KiB frames of nothing the repo wants (dropped after decryption), sent as fast as the
    // device reads them: about 1 MiB a second once it slows this side down.
    const junk = new Uint8Array(256 * 1024);
    const started = performance.now();
    let sent = 0;
    while (!isClosed && performance.now() - started < 30_000) {
      if (session.bufferedAmount < 4 * 1024 * 1024) {
        session.send(Channel.repo, junk);
        sent += junk.byteLength;
      }
      await sleep(10);
    }
    expect(await closed).toBe(4006);
    const tookMs = performance.now() - started;
    // Slowed for the allowed two seconds before being cut off, not cut off at the first excess.
    expect(tookMs).toBeGreaterThan(1_900);
    // Reading was held back: far less than what was offered reached the device in that time.
    expect(sent / 1024 / 1024).toBeLessThan(tookMs / 1000 + 20);
    await expect.poll(async () => (await rateLimitEntries(device)).map((entry) => entry.details.action)).toEqual(['disconnected', 'slowed']);
    expect((await rateLimitEntries(device))[0]!.details).toMatchObject({ limit: 'sync-bytes', key: mallory.peerId });

    // After the refill the device is welcome again: it connects and is sent the device's manifest.
    await sleep(1_500);
    const again = await connectInProcess(device, mallory);
    const heard = new Promise<number>((resolve) => again.session.onMessage((channel) => channel === Channel.control && resolve(channel)));
    expect(await heard).toBe(Channel.control);
    again.session.send(Channel.repo, new Uint8Array(64 * 1024));
    await sleep(500);
    expect(again.session.closed).toBe(false);
    again.session.close(1000, 'done');
  });
});
