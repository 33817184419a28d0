import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TEST_PASSPHRASE, waitForLine } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('npm start (bin/start.js) where Electron cannot run', () => {
  it('says why in one line, runs `clipshot serve` in its place, and stops it on SIGTERM', async () => {
    const root = await tempDir();
    const library = path.join(root, 'library');
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'start.js')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CLIPSHOT_NO_ELECTRON_DOWNLOAD: '1',
        // The electron package's own override, at an empty folder: the binary is missing on any machine.
        ELECTRON_OVERRIDE_DIST_PATH: await tempDir(),
        CLIPSHOT_LIBRARY: library,
        CLIPSHOT_PASSPHRASE: TEST_PASSPHRASE,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    try {
      const urlLine = await waitForLine(child, /http:\/\/127\.0\.0\.1:\d+\//);
      expect(stdout).toContain(`ClipShot is serving the library at ${library}`);

      const notices = stderr.split('\n').filter((line) => line.startsWith('ClipShot:'));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^ClipShot: Electron is not available \(binary not downloaded(; [^)]+)?\); starting `clipshot serve` instead$/);

      // serve answers at the address it printed.
      const url = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(urlLine)![0];
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(303);
    } finally {
      child.kill('SIGTERM');
    }
    // The launcher passed SIGTERM on: serve closed the library and said so, and the launcher exited as serve did.
    expect(await closed).toEqual({ code: 0, signal: null });
    expect(stdout).toContain('stopped');
    await expect(fs.access(path.join(library, 'control.sock'))).rejects.toThrow();
  });
});
