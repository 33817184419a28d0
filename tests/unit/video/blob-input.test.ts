// ffmpeg reads encrypted originals through a loopback server that decrypts only the ranges asked for.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../../main/library/import/ffmpeg.js';
import { parseFfmpegInfo } from '../../../main/library/import/ffmpeg-info.js';
import { openBlobInput, withBlobInput } from '../../../main/library/video/blob-input.js';
import { writeKeyframedMp4 } from '../import/fixtures.js';
import { newStore } from '../blobs/blob-test-helpers.js';

describe('openBlobInput', () => {
  it('serves the plaintext whole and by range, and nothing at any other path', async () => {
    const { store } = await newStore();
    const bytes = randomBytes(200_000);
    const { hash } = await store.putBytes(bytes);
    const input = await openBlobInput(store, hash);
    try {
      const whole = await fetch(input.url);
      expect(whole.status).toBe(200);
      expect(Buffer.compare(Buffer.from(await whole.arrayBuffer()), bytes)).toBe(0);
      const part = await fetch(input.url, { headers: { Range: 'bytes=70000-70009' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe('bytes 70000-70009/200000');
      expect(Buffer.compare(Buffer.from(await part.arrayBuffer()), bytes.subarray(70000, 70010))).toBe(0);
      expect((await fetch(input.url, { headers: { Range: 'bytes=300000-' } })).status).toBe(416);
      expect((await fetch(`${new URL(input.url).origin}/guess`)).status).toBe(404);
      expect((await fetch(input.url, { method: 'POST' })).status).toBe(404);
    } finally {
      await input.close();
    }
    await expect(fetch(input.url)).rejects.toThrow();
  });

  it('lets ffmpeg read and seek in an encrypted video', async () => {
    const { store, work } = await newStore();
    const { hash } = await store.putFile(await writeKeyframedMp4(path.join(work, 'clip.mp4'), { seconds: 3 }));
    const info = await withBlobInput(store, hash, async (url) => {
      const run = await runFfmpeg(['-ss', '2', '-i', url, '-frames:v', '1', '-f', 'null', '-'], { timeoutMs: 30_000 });
      expect(run.exitCode).toBe(0);
      return parseFfmpegInfo(run.stderr, url);
    });
    expect(Math.abs(info!.durationMs! - 3000)).toBeLessThan(100);
    expect(info).toMatchObject({ video: { codec: 'h264', width: 320, height: 240 }, audio: { codec: 'aac' } });
  });
});

describe('runFfmpeg', () => {
  const endless = ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25', '-f', 'null', '-'];

  it('kills ffmpeg on abort and rejects with the reason once it has exited', async () => {
    const aborter = new AbortController();
    const started = performance.now();
    const lines: string[] = [];
    const run = runFfmpeg(endless, { signal: aborter.signal, onStderrLine: (line) => lines.push(line) });
    setTimeout(() => aborter.abort(), 300);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(lines.some((line) => line.startsWith('Input #0, lavfi'))).toBe(true);
    await expect(runFfmpeg(endless, { signal: aborter.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('kills ffmpeg that stops writing anything, however long it may run in all', async () => {
    // -re paces the input in real time at 1 frame a second, and -v quiet keeps it silent.
    const run = await runFfmpeg(['-v', 'quiet', '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=1', '-f', 'null', '-'], { stallTimeoutMs: 500 });
    expect(run.timedOut).toBe(true);
  });

  it('hands stdout over as it comes instead of collecting it', async () => {
    let bytes = 0;
    const run = await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=8000', '-f', 's16le', '-ac', '1', 'pipe:1'], { timeoutMs: 30_000, onStdout: (chunk) => (bytes += chunk.length) });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.length).toBe(0);
    expect(bytes).toBe(16_000);
  });
});
