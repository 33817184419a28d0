/** Bounds on what a plugin package may hold, so that a hostile one cannot fill the disk or the memory. */
export interface PackageLimits {
  /** The compressed tarball. */
  maxTarballBytes: number;
  /** Everything unpacked, added up. */
  maxUnpackedBytes: number;
  /** Files and folders. */
  maxEntries: number;
}

export const DEFAULT_PACKAGE_LIMITS: PackageLimits = {
  maxTarballBytes: 32 * 1024 * 1024,
  maxUnpackedBytes: 128 * 1024 * 1024,
  maxEntries: 10_000,
};

export function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}
