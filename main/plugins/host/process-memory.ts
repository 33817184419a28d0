import fs from 'node:fs/promises';

/**
 * A process's resident memory, read from /proc (Linux): what the plugin says about itself could
 * be a lie, and ArrayBuffers live outside the V8 heap that --max-old-space-size caps.
 * Null where /proc is not there (macOS, Windows) or the process is gone.
 */
export async function residentBytes(pid: number): Promise<number | null> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
