import fs from 'node:fs/promises';
import path from 'node:path';
import { isErrno } from '../../security/atomic-file.js';
import { ModelError } from './model-errors.js';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One process at a time changes a model (the app and the CLI may both try): a lock file holding the
 * owner's pid, created exclusively. A lock left by a process that has died is taken over.
 */
export async function lockModel(locksDir: string, id: string): Promise<HeldLock> {
  await fs.mkdir(locksDir, { recursive: true });
  const file = path.join(locksDir, `${id}.lock`);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await fs.open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => fs.rm(file, { force: true }) };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const owner = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 ? isAlive(owner) : await isFresh(file)) {
      throw new ModelError('busy', `${id} is being changed by another ClipShot process${owner > 0 ? ` (pid ${owner})` : ''}; try again when it is done`);
    }
    await fs.rm(file, { force: true });
  }
  throw new ModelError('busy', `cannot take the lock for ${id} at ${file}`);
}

/** A lock file without a pid yet may be one that its owner is still writing. */
async function isFresh(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => null);
  return stat !== null && Date.now() - stat.mtimeMs < 10_000;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isErrno(error, 'EPERM');
  }
}
