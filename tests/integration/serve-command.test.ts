import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { collect, runCli, startCli, waitForLine } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) =>
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject),
  );
}

describe('clipshot serve', () => {
  it('prints a URL whose token opens the app, and stops cleanly on SIGTERM', async () => {
    const library = path.join(await tempDir(), 'library');
    const child = startCli(['--library', library, 'serve', '--port', '0']);
    children.push(child);
    const line = await waitForLine(child, /^Open http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
    const url = line.replace(/^Open /, '');
    expect(await status(url)).toBe(303);
    expect(await status(new URL('/', url).href)).toBe(401);
    child.kill('SIGTERM');
    const result = await collect(child);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('stopped');
  });

  it('warns when it listens beyond this device (HTTPS, a login, the certificate fingerprint), and refuses a bad port', async () => {
    const library = path.join(await tempDir(), 'library');
    const badPort = await runCli(['--library', library, 'serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a number from 0 to 65535');
    const child = startCli(['--library', library, 'serve', '--host', '0.0.0.0']);
    children.push(child);
    const done = collect(child);
    await waitForLine(child, /^Open https:\/\/[^/]+:\d+\/$/);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.stderr).toContain('listening on 0.0.0.0, not only this device');
    expect(result.stdout).toMatch(/^HTTPS certificate SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    expect(result.stdout).not.toContain('?token=');
  });
});
