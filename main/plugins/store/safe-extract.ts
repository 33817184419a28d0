import path from 'node:path';
import zlib from 'node:zlib';
import { Unpack, type ReadEntry } from 'tar';
import { megabytes, type PackageLimits } from './package-limits.js';
import { PluginStoreError } from './store-errors.js';

/** npm puts a package's files under this folder in its tarball; it is stripped on the way out. */
const PACKAGE_PREFIX = 'package/';
const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/**
 * Unpacks an npm tarball's `package/` folder into `destination` (which must be new and empty),
 * refusing the whole package — not skipping the entry, as tar itself would — when any entry is
 * unsafe: an absolute path, a `..`, a link of either kind, a device, anything outside `package/`,
 * or more bytes or entries than the limits. Refused entries are never written; the caller removes
 * `destination` when this throws.
 */
export async function extractPluginTarball(tarball: Uint8Array, destination: string, limits: PackageLimits): Promise<void> {
  if (tarball.byteLength > limits.maxTarballBytes) {
    throw new PluginStoreError('too-large', `the package is ${megabytes(tarball.byteLength)}, over the ${megabytes(limits.maxTarballBytes)} limit for a plugin`);
  }
  let archive: Buffer;
  try {
    // Decompressed here, bounded, so that a gzip bomb stops at the limit instead of filling memory.
    archive = zlib.gunzipSync(tarball, { maxOutputLength: limits.maxUnpackedBytes + 1024 * 1024 });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PluginStoreError('too-large', `the package unpacks to more than ${megabytes(limits.maxUnpackedBytes)}, the limit for a plugin`);
    }
    throw new PluginStoreError('invalid-package', `the package is not a gzip-compressed tarball (${(error as Error).message})`);
  }

  const refusals: string[] = [];
  let entries = 0;
  let bytes = 0;
  const unpack = new Unpack({
    cwd: destination,
    strip: 1,
    strict: true,
    preserveOwner: false,
    noMtime: true,
    // Directories come out traversable and files readable whatever modes the archive claims.
    dmode: 0o755,
    fmode: 0o644,
    filter: (entryPath: string, entry: unknown) => {
      if (refusals.length > 0) return false;
      const problem = entryProblem(entryPath, entry as ReadEntry);
      entries += 1;
      bytes += (entry as ReadEntry).size ?? 0;
      if (problem !== null) refusals.push(problem);
      else if (entries > limits.maxEntries) refusals.push(`it holds more than ${limits.maxEntries} files and folders, the limit for a plugin`);
      else if (bytes > limits.maxUnpackedBytes) refusals.push(`it unpacks to more than ${megabytes(limits.maxUnpackedBytes)}, the limit for a plugin`);
      return refusals.length === 0;
    },
  });
  await new Promise<void>((resolve, reject) => {
    unpack.on('error', (error: Error) => reject(new PluginStoreError('invalid-package', `the package is not a valid tarball (${error.message})`)));
    unpack.on('close', () => resolve());
    unpack.end(archive);
  });
  if (refusals.length > 0) {
    const code = /limit/.test(refusals[0]!) ? 'too-large' : 'unsafe-package';
    throw new PluginStoreError(code, `refused the package: ${refusals[0]}`);
  }
  if (entries === 0) throw new PluginStoreError('invalid-package', 'the package is empty');
}

/** Why one tar entry may not be unpacked, in plain words; null when it may. */
function entryProblem(entryPath: string, entry: ReadEntry): string | null {
  const shown = JSON.stringify(entryPath.slice(0, 200));
  if (!ALLOWED_TYPES.has(entry.type)) {
    const what = entry.type === 'SymbolicLink' ? 'a symbolic link' : entry.type === 'Link' ? 'a hard link' : `a ${entry.type} entry`;
    return `${shown} is ${what}; a plugin package may hold only files and folders`;
  }
  if (entryPath.includes('\0') || entryPath.includes('\\')) return `${shown} has a NUL or "\\" in its path`;
  if (path.posix.isAbsolute(entryPath) || path.win32.isAbsolute(entryPath) || /^[a-zA-Z]:/.test(entryPath)) return `${shown} is an absolute path`;
  if (entryPath.split('/').includes('..')) return `${shown} leads out of the package folder ("..")`;
  if (!entryPath.startsWith(PACKAGE_PREFIX) && entryPath !== 'package') return `${shown} is outside the package/ folder of an npm package`;
  return null;
}
