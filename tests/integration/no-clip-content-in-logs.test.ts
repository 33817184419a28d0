// Logs and crash reports must not carry clip content: a running `clipshot serve` is given a clip
// with a distinctive secret, then driven through the error paths a CLI can reach (a rejected
// import of a file full of the secret, a refused edit, a failed export and a bad search), and the
// secret must not appear in anything the server wrote.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, runCli, startCli, waitForLine } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const SECRET = 'hunter2-PASSWORD-7f3a9c';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('clip content stays out of the logs', () => {
  it('a running serve writes no clip text to stdout or stderr on error paths', async () => {
    const dir = await tempDir();
    const library = path.join(dir, 'library');
    const server = startCli(['--library', library, 'serve', '--port', '0']);
    children.push(server);
    await waitForLine(server, /^Open http:/);

    const note = path.join(dir, 'secret.txt');
    await fs.writeFile(note, `my bank password is ${SECRET}\n`);
    const imported = await runCli(['--library', library, 'import', note, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const id = (JSON.parse(imported.stdout.split('\n')[0]!) as { id?: string }).id ?? '';
    expect(id, imported.stdout).not.toBe('');

    // A booby-trapped file: named as a PNG, full of the secret.
    const trap = path.join(dir, 'trap.png');
    await fs.writeFile(trap, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(SECRET.repeat(50))]));
    const rejected = await runCli(['--library', library, 'import', trap]);
    expect(rejected.code).not.toBe(0);
    // Errors the person asked about may name their own input; the server must not log it.
    await runCli(['--library', library, 'edit', id, '--title', `${SECRET}${'x'.repeat(5000)}`]);
    await runCli(['--library', library, 'export', id, '--format', 'png', '--out', path.join(dir, 'nope', 'out.png')]);
    await runCli(['--library', library, 'search', `${SECRET} "`, '--kind', 'bogus']);
    await runCli(['--library', library, 'show', SECRET]);

    server.kill('SIGTERM');
    const logs = await collect(server);
    expect(logs.stdout + logs.stderr).not.toContain(SECRET);
    expect(logs.stdout + logs.stderr).not.toContain('bank password');
  });
});
