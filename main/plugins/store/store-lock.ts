import fs from 'node:fs/promises';
import path from 'node:path';
import { STORE_FILES } from './plugins-dir.js';

const RETRY_MS = 50;
const GIVE_UP_MS = 15_000;

/** One writer per plugins folder within this process; the lock file covers other processes (the app and a CLI). */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` holding the plugins folder's lock, so that two installs (say the app's panel and a
 * terminal) never read and rewrite the same install.json at once. A lock left by a process that
 * no longer runs is taken over.
 */
export function withStoreLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => holdingFileLock(dir, work));
  queues.set(dir, run);
  return run.finally(() => {
    if (queues.get(dir) === run) queues.delete(dir);
  });
}

async function holdingFileLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await fs.mkdir(dir, { recursive: true });
  const lock = path.join(dir, STORE_FILES.lock);
  const started = Date.now();
  for (;;) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await fs.readFile(lock, 'utf8').catch(() => ''), 10);
      if (!Number.isInteger(holder) || !isRunning(holder)) {
        await fs.rm(lock, { force: true });
        continue;
      }
      if (Date.now() - started > GIVE_UP_MS) throw new Error(`another ClipShot process (pid ${holder}) is changing the plugins in ${dir}; try again when it has finished`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
