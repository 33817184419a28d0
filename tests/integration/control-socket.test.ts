import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClipPage, ClipView } from '../../contract/clips.js';
import { collect, runCli, startCli, waitForLine } from '../helpers/cli.js';
import { writeText } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';
import type { ChildProcess } from 'node:child_process';

const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
});

async function startServe(library: string): Promise<{ child: ChildProcess; socket: string }> {
  const child = startCli(['--library', library, 'serve']);
  servers.push(child);
  const line = await waitForLine(child, /^control socket: /);
  return { child, socket: line.replace(/^control socket: /, '') };
}

describe('a running instance and its control socket', () => {
  it('carries out CLI commands while it holds the library, and a second instance gets "library is in use"', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    const { child, socket } = await startServe(library);
    expect((await fs.stat(socket)).mode & 0o777).toBe(0o600);

    await writeText(work, 'one.txt', 'the running instance imports this platypus');
    const imported = await runCli(['--library', library, 'import', path.join(work, 'one.txt')]);
    expect(imported.code).toBe(0);
    // Without a passphrase the CLI could not open the library itself: the instance did the work.
    const listed = await runCli(['--library', library, 'search', 'platypus', '--json'], { env: { CLIPSHOT_PASSPHRASE: undefined } });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as ClipPage<ClipView>).items).toHaveLength(1);
    const stdinImport = await runCli(['--library', library, 'import', '-', '--json'], { input: 'piped into the running instance' });
    expect(stdinImport.code).toBe(0);

    const second = await runCli(['--library', library, 'serve']);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`clipshot: library is in use by another process: ${library}\n`);

    const failing = await runCli(['--library', library, 'show', 'zzzzzzzz']);
    expect(failing).toMatchObject({ code: 1, stderr: 'clipshot: no clip with id zzzzzzzz\n' });

    child.kill('SIGTERM');
    const stopped = await collect(child);
    expect(stopped.code).toBe(0);
    await expect(fs.stat(socket)).rejects.toThrow();
    const afterwards = await runCli(['--library', library, 'list', '--json']);
    expect((JSON.parse(afterwards.stdout) as ClipPage<ClipView>).items).toHaveLength(2);
  });

  it('answers malformed control messages with an error and keeps serving', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    const { socket } = await startServe(library);
    const exchange = (payload: string) =>
      new Promise<string>((resolve, reject) => {
        let reply = '';
        const client = net.connect(socket, () => client.write(payload));
        client.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
        client.on('close', () => resolve(reply));
        client.on('error', reject);
      });
    expect(await exchange('this is not json\n')).toContain('"code":2');
    expect(await exchange('{"type":"run","request":{"command":"list"}}\n')).toContain('bad control request');
    expect(await exchange('{"type":"run","request":{"command":"rm-rf","positionals":[],"options":{},"cwd":"/"}}\n')).toContain('cannot run');
    const stillServing = await runCli(['--library', library, 'list', '--json']);
    expect(stillServing.code).toBe(0);
  });

  it('replaces a control socket left behind by a killed instance', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    const { child, socket } = await startServe(library);
    child.kill('SIGKILL');
    await collect(child);
    expect((await fs.lstat(socket)).isSocket()).toBe(true);
    const listed = await runCli(['--library', library, 'list', '--json']);
    expect(listed.code).toBe(0);
    const restarted = await startServe(library);
    expect(restarted.socket).toBe(socket);
  });
});
