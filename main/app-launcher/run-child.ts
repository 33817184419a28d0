// Runs the app (Electron or `clipshot serve`) as this process's child: same terminal, and this
// process ends the way the child did.
import { spawn } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Resolves when the child exits; rejects when it cannot start (ENOENT, EACCES), so the caller
 * can fall back. Ctrl+C reaches the whole process group, the child included, so SIGINT is only
 * kept from killing this process; SIGTERM and SIGHUP sent to this process alone are passed on.
 */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const ignore = () => undefined;
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const stopForwarding = () => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
    };
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    process.on('SIGHUP', forward);
    child.once('error', (error) => {
      stopForwarding();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve({ code, signal });
    });
  });
}

/** Ends this process as the child ended: the same exit code, or the same signal. */
export function exitLike(exit: ChildExit): never {
  if (exit.signal !== null) process.kill(process.pid, exit.signal);
  process.exit(exit.code ?? 1);
}
