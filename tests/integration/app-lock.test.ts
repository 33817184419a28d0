// The app lock against a real `clipshot serve`: its WebSocket API, its media route, its /sync
// socket and the CLI through its control socket all refuse while it is locked, and come back
// whole after an unlock; wrong passphrases are refused, audited and slowed; idleness locks it.
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent, ApiServerMessage } from '../../contract/api.js';
import { startServe, type RunningServe } from '../helpers/browser.js';
import { runCli, TEST_PASSPHRASE } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const running: RunningServe[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((serve) => serve.stop()));
});

async function seededServe(env: Record<string, string> = {}): Promise<{ serve: RunningServe; library: string; clipId: string }> {
  const work = await tempDir();
  const library = path.join(work, 'library');
  const png = await writePng(work, 'shot.png', 7);
  const imported = await runCli(['--library', library, 'import', png, '--json']);
  expect(imported.code, imported.stderr).toBe(0);
  const serve = await startServe(library, env);
  running.push(serve);
  const listed = await runCli(['--library', library, 'list', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  const clipId = (JSON.parse(listed.stdout) as { items: { id: string }[] }).items[0]!.id;
  return { serve, library, clipId };
}

const tokenOf = (serve: RunningServe) => new URL(serve.url).searchParams.get('token')!;

function get(serve: RunningServe, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${serve.origin}${urlPath}`, { headers: { Authorization: `Bearer ${tokenOf(serve)}` } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
  });
}

interface ApiClient {
  call(method: string, params?: unknown): Promise<ApiServerMessage>;
  events: ApiEvent[];
  nextEvent(type: ApiEvent['type']): Promise<ApiEvent>;
  close(): void;
}

async function openApi(serve: RunningServe): Promise<ApiClient> {
  const socket = new WebSocket(`${serve.origin.replace('http', 'ws')}/api`, { headers: { Authorization: `Bearer ${tokenOf(serve)}` } });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const events: ApiEvent[] = [];
  const waiting: { type: string; resolve: (event: ApiEvent) => void }[] = [];
  const answers = new Map<number, (message: ApiServerMessage) => void>();
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as ApiServerMessage;
    if ('event' in message) {
      events.push(message.event);
      const index = waiting.findIndex((wait) => wait.type === message.event.type);
      if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message.event);
    } else answers.get(message.id)?.(message);
  });
  let nextId = 1;
  return {
    events,
    call: (method, params = {}) =>
      new Promise((resolve) => {
        const id = nextId++;
        answers.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    nextEvent: (type) => new Promise((resolve) => waiting.push({ type, resolve })),
    close: () => socket.terminate(),
  };
}

function syncUpgradeStatus(serve: RunningServe): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${serve.origin.replace('http', 'ws')}/sync`, { headers: { Authorization: `Bearer ${tokenOf(serve)}` } });
    socket.once('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

const errorCode = (message: ApiServerMessage) => ('error' in message ? message.error.code : null);

describe('app lock: a locked clipshot serve', () => {
  it('refuses the API, media, /sync and the CLI while locked, and gives everything back after unlock', async () => {
    const { serve, library, clipId } = await seededServe();
    const api = await openApi(serve);
    expect(errorCode(await api.call('listClips'))).toBeNull();
    expect((await get(serve, `/media/${clipId}/thumbnail`)).status).toBe(200);
    expect(await syncUpgradeStatus(serve)).toBe(101);

    const lockEvent = api.nextEvent('lock-changed');
    const locked = await runCli(['--library', library, 'lock']);
    expect(locked.code, locked.stderr).toBe(0);
    expect(locked.stdout).toBe('locked\n');
    expect(await lockEvent).toEqual({ type: 'lock-changed', state: { locked: true, lockAfterMinutes: null, keychainUnlock: false, osUnlock: { name: null, enabled: false, keychainSlot: false, offered: false } } });

    // The socket that was open, a new one, and a media request: all refused in words.
    const refused = await api.call('listClips');
    expect(errorCode(refused)).toBe('locked');
    expect('error' in refused && refused.error.message).toMatch(/locked/);
    const fresh = await openApi(serve);
    expect(errorCode(await fresh.call('getClip', { id: clipId }))).toBe('locked');
    expect(errorCode(await fresh.call('openSettingsDocument'))).toBe('locked');
    expect(await fresh.call('lockState')).toMatchObject({ result: { locked: true } });
    const media = await get(serve, `/media/${clipId}/thumbnail`);
    expect(media.status).toBe(423);
    expect(media.body).toContain('"code":"locked"');
    expect((await get(serve, `/media/${clipId}/original`)).status).toBe(423);
    expect(await syncUpgradeStatus(serve)).toBe(423);
    const list = await runCli(['--library', library, 'list']);
    expect(list.code).toBe(3);
    expect(list.stderr).toContain('the library is locked');
    expect(list.stdout).toBe('');
    const show = await runCli(['--library', library, 'show', clipId]);
    expect(show.code).toBe(3);

    const wrong = await runCli(['--library', library, 'unlock'], { env: { CLIPSHOT_PASSPHRASE: 'not the passphrase' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase \(2 more tries before ClipShot makes you wait\)/);
    expect(errorCode(await fresh.call('listClips'))).toBe('locked');

    const unlockEvent = api.nextEvent('lock-changed');
    const unlocked = await runCli(['--library', library, 'unlock']);
    expect(unlocked.code, unlocked.stderr).toBe(0);
    expect(unlocked.stdout).toBe('unlocked\n');
    expect(await unlockEvent).toMatchObject({ state: { locked: false, lockAfterMinutes: 15 } });
    const page = await fresh.call('listClips');
    expect('result' in page && (page.result as { items: { id: string }[] }).items.map((clip) => clip.id)).toEqual([clipId]);
    expect((await get(serve, `/media/${clipId}/thumbnail`)).status).toBe(200);
    expect(await syncUpgradeStatus(serve)).toBe(101);
    expect((await runCli(['--library', library, 'show', clipId])).code).toBe(0);

    // Both outcomes are in the audit log, by the CLI.
    const audit = await runCli(['--library', library, 'audit', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = JSON.parse(audit.stdout) as { seq: number; kind: string; actor: { type: string } }[];
    const failed = entries.filter((entry) => entry.kind === 'unlock-failed' && entry.actor.type === 'cli');
    expect(failed).toHaveLength(1);
    // The import that made the library unlocked it too; the unlock after the failure is this one.
    expect(entries.filter((entry) => entry.kind === 'unlock' && entry.actor.type === 'cli' && entry.seq > failed[0]!.seq)).toHaveLength(1);
    expect((await runCli(['--library', library, 'audit', '--verify'])).code).toBe(0);
    api.close();
    fresh.close();
  }, 120_000);

  it('slows wrong passphrases after a few, and says so', async () => {
    const { serve, library } = await seededServe();
    const api = await openApi(serve);
    expect((await api.call('lock')) as unknown).toMatchObject({ result: { locked: true } });
    const messages: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await api.call('unlock', { passphrase: `guess ${i}` });
      expect(errorCode(answer)).toBe('unauthorized');
      messages.push('error' in answer ? answer.error.message : '');
    }
    expect(messages[2]).toMatch(/the next try must wait 2 s/);
    // Even the right passphrase waits its turn.
    const early = await api.call('unlock', { passphrase: TEST_PASSPHRASE });
    expect(errorCode(early)).toBe('rate-limited');
    expect('error' in early && early.error.message).toMatch(/try again in [12] s/);
    // Each wrong try after the wait doubles it.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await api.call('unlock', { passphrase: 'guess 3' })).toMatchObject({ error: { code: 'unauthorized', message: expect.stringMatching(/must wait 4 s/) } });
    await new Promise((resolve) => setTimeout(resolve, 4_100));
    expect(await api.call('unlock', { passphrase: 'guess 4' })).toMatchObject({ error: { code: 'unauthorized', message: expect.stringMatching(/must wait 8 s/) } });
    // The CLI is told the same, within those 8 s (a process start takes far less).
    const cli = await runCli(['--library', library, 'unlock'], { env: { CLIPSHOT_PASSPHRASE: 'another guess' } });
    expect(cli.stderr).toMatch(/cannot unlock: too many failed unlocks: try again in \d s/);
    expect(cli.code).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 8_100));
    expect(await api.call('unlock', { passphrase: TEST_PASSPHRASE })).toMatchObject({ result: { locked: false } });
    api.close();
  }, 120_000);

  it('locks itself after the idle time, measured on an injected clock', async () => {
    const clockFile = path.join(await tempDir(), 'clock');
    const start = Date.now();
    await fs.writeFile(clockFile, String(start));
    const { serve, clipId } = await seededServe({ CLIPSHOT_TEST_LOCK_CLOCK: clockFile });
    const api = await openApi(serve);
    expect(await api.call('setLockAfter', { minutes: 5 })).toMatchObject({ result: { locked: false, lockAfterMinutes: 5 } });
    // Four minutes on, and a request from the person: the idle time starts again.
    await fs.writeFile(clockFile, String(start + 4 * 60_000));
    expect(errorCode(await api.call('getClip', { id: clipId }))).toBeNull();
    await fs.writeFile(clockFile, String(start + 8 * 60_000));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(errorCode(await api.call('lockState'))).toBeNull();
    expect(api.events.some((event) => event.type === 'lock-changed')).toBe(false);
    const locked = api.nextEvent('lock-changed');
    await fs.writeFile(clockFile, String(start + 9 * 60_000 + 1));
    expect(await locked).toMatchObject({ state: { locked: true } });
    expect(errorCode(await api.call('getClip', { id: clipId }))).toBe('locked');
    api.close();
  }, 120_000);
});
