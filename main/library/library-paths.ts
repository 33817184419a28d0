import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export interface LibraryPaths {
  dir: string;
  keyFile: string;
  database: string;
  blobs: string;
  controlSocket: string;
  /** Audit entries noted while the database could not be opened (failed unlocks, key changes), folded into the log at the next open. */
  auditPending: string;
}

// Unix socket paths are limited to ~104 bytes; a deep library folder gets a hashed name in the temp dir.
const MAX_SOCKET_PATH = 100;

export function libraryPaths(dir: string): LibraryPaths {
  const absolute = path.resolve(dir);
  return {
    dir: absolute,
    keyFile: path.join(absolute, 'keys.json'),
    database: path.join(absolute, 'library.db'),
    blobs: path.join(absolute, 'blobs'),
    controlSocket: controlSocketPath(absolute),
    auditPending: path.join(absolute, 'audit-pending.jsonl'),
  };
}

function controlSocketPath(dir: string): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\clipshot-${createHash('sha256').update(dir).digest('hex').slice(0, 24)}`;
  }
  const inside = path.join(dir, 'control.sock');
  if (inside.length <= MAX_SOCKET_PATH) return inside;
  return path.join(os.tmpdir(), `clipshot-${process.getuid?.() ?? 0}`, `${createHash('sha256').update(dir).digest('hex').slice(0, 24)}.sock`);
}

/** The per-user default: where the desktop app keeps its library too. */
export function defaultLibraryDir(): string {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'ClipShot', 'library');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ClipShot', 'library');
    default:
      return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'ClipShot', 'library');
  }
}
