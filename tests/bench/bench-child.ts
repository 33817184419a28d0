import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs one of the benchmark's helper scripts in its own process and returns the JSON it prints,
 * so that work which is not the library's (making the corpus, the bare baseline) or that must
 * start cold does not count in the measuring process's figures.
 */
export function runBenchChild<T>(script: string, args: string[], env: NodeJS.ProcessEnv = {}): T {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), script);
  const result = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status ?? result.signal}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
