// The analysis worker process on its own: what it answers to requests it must not act on.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ForkLauncher } from '../../main/ai/worker/fork-launcher.js';
import type { WorkerChannel } from '../../main/ai/worker/worker-launcher.js';
import { REPO_ROOT } from '../helpers/cli.js';

const WORKER = path.join(REPO_ROOT, 'out', 'main', 'ai', 'worker', 'analysis-worker.js');
let channel: WorkerChannel | null = null;

afterEach(() => {
  channel?.kill();
  channel = null;
});

function worker(): { channel: WorkerChannel; next: () => Promise<Record<string, unknown>> } {
  channel = new ForkLauncher(WORKER).launch();
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((message: Record<string, unknown>) => void)[] = [];
  channel.onMessage((message) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message as Record<string, unknown>);
    else inbox.push(message as Record<string, unknown>);
  });
  return { channel, next: () => (inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((resolve) => waiting.push(resolve))) };
}

const goodTask = { clipId: '0'.repeat(26), kind: 'text', mime: 'text/plain', bytes: new Uint8Array(0), text: 'See https://example.com/docs for details', sourceName: 'note.txt', models: { ocr: null, clip: null } };

describe('the analysis worker', () => {
  it('refuses malformed requests with the reason and keeps serving', async () => {
    const { channel: port, next } = worker();
    expect(await next()).toEqual({ type: 'ready' });
    port.send({ type: 'analyse', requestId: 1, task: { ...goodTask, clipId: '../../etc/passwd' } });
    expect(await next()).toMatchObject({ type: 'failed', requestId: 1, error: expect.stringContaining('malformed request') });
    port.send('not even an object');
    expect(await next()).toMatchObject({ type: 'failed', requestId: -1 });
    port.send({ type: 'analyse', requestId: 2, task: { ...goodTask, models: { ocr: { dir: '', model: { id: 'x', version: '1' } }, clip: null } } });
    expect(await next()).toMatchObject({ type: 'failed', requestId: 2 });
    // Still alive and working.
    port.send({ type: 'analyse', requestId: 3, task: goodTask });
    expect(await next()).toEqual({ type: 'started', requestId: 3 });
    const done = await next();
    expect(done).toMatchObject({ type: 'done', requestId: 3 });
    expect((done.result as { tags: { tag: string }[] }).tags.map((tag) => tag.tag)).toContain('domain:example.com');
  });

  it('says plainly when a picture cannot be decoded', async () => {
    const { channel: port, next } = worker();
    await next();
    port.send({ type: 'analyse', requestId: 1, task: { ...goodTask, kind: 'image', mime: 'image/png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) } });
    await next();
    expect(await next()).toMatchObject({ type: 'failed', requestId: 1, error: 'the picture (image/png) cannot be decoded' });
  });
});
