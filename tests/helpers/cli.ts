import { spawn, type ChildProcess } from 'node:child_process';
import { CORE_NODE_FLAGS } from '../../main/cli/core-process.js';
import path from 'node:path';
import { packageRoot } from '../../main/server/package-root.js';

// From the sources (vitest) or from out/ (the benchmarks), the same package folder.
export const REPO_ROOT = packageRoot();
export const CLI = path.join(REPO_ROOT, 'bin', 'clipshot.js');
export const TEST_PASSPHRASE = 'correct horse battery staple';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (the built one: `npm test` builds first) in a child process. */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  return collect(child);
}

export function startCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): ChildProcess {
  // Started with the core's flags, as bin/clipshot.js would relaunch it: a kill then hits the real process.
  return spawn(process.execPath, [...CORE_NODE_FLAGS, CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, CLIPSHOT_PASSPHRASE: TEST_PASSPHRASE, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves with the first stdout line matching the pattern (waits on the app's own output, not on sleeps). */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) {
        child.stdout!.off('data', onData);
        resolve(line);
      }
    };
    child.stdout!.on('data', onData);
    child.once('close', (code) => reject(new Error(`process exited (${code}) before printing ${pattern}: ${buffered}`)));
  });
}
