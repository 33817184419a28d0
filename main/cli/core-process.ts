// Loaded by the CLI's entry (main/cli/main.ts) and the benchmark before anything heavy, so it imports nothing heavy.
import { spawn } from 'node:child_process';

/**
 * V8 sizes its heap for the machine (gigabytes) and lets garbage pile up to match, while the
 * core's live heap is tens of MB even at 100,000 clips. A bounded old space makes V8 collect
 * sooner, and a smaller young generation (8 MB semi-spaces instead of 16) holds less garbage
 * between collections; together they keep the process's resident memory to a few hundred MB
 * (the library benchmark's peak_rss_mb measures it).
 */
export const CORE_NODE_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=8'];

/** Whether this process already runs with a heap bound, ours or one the person chose. */
function hasHeapBound(): boolean {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((flag) => flag.startsWith('--max-old-space-size'));
}

/**
 * Node takes heap flags only at start-up, so a process started without them runs `script` again
 * in a child that has them, passing on stdio, signals and the exit status. Resolves in the process
 * that should go on; in the one that relaunched it never does, and that process exits with its child.
 */
export function relaunchWithCoreFlags(script: string): Promise<void> {
  if (hasHeapBound()) return Promise.resolve();
  const child = spawn(process.execPath, [...CORE_NODE_FLAGS, ...process.execArgv, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl+C reaches the whole process group, the child included; this process just waits for it.
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`clipshot: cannot start: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
  return new Promise(() => undefined);
}
