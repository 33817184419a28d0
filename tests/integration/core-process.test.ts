import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, collect } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

function processesMentioning(text: string): string[] {
  const listing = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return listing.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

describe('bin/clipshot.js started without heap flags', () => {
  it('runs the command in a child with the heap bound, passing on stdio and the exit status', async () => {
    const library = path.join(await tempDir(), 'no-library-here');
    const child = spawn(process.execPath, [CLI, '--library', library, 'list'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    const result = await collect(child);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`clipshot: no library at ${library} (import something to create one)\n`);
  });

  it('passes a SIGTERM on to the relaunched process and leaves nothing running', async () => {
    const library = path.join(await tempDir(), 'waiting-library');
    // `import -` waits for standard input, so the process is alive until told otherwise.
    const child = spawn(process.execPath, [CLI, '--library', library, 'import', '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CLIPSHOT_PASSPHRASE: 'p' } });
    await expect.poll(() => processesMentioning(library).filter((line) => line.includes('--max-old-space-size')), { timeout: 10_000 }).toHaveLength(1);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    await expect.poll(() => processesMentioning(library), { timeout: 10_000 }).toEqual([]);
  });
});
