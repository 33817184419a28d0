export interface ImportLimits {
  maxImageBytes: number;
  maxVideoBytes: number;
  maxTextBytes: number;
  /** Width × height of one frame; guards against decompression bombs. */
  maxImagePixels: number;
  /** Per ffmpeg run (reading the header, then extracting the poster frame). */
  ffmpegTimeoutMs: number;
}

const MB = 1024 * 1024;

export const DEFAULT_IMPORT_LIMITS: ImportLimits = Object.freeze({
  maxImageBytes: 200 * MB,
  maxVideoBytes: 2048 * MB,
  maxTextBytes: 16 * MB,
  maxImagePixels: 100_000_000,
  ffmpegTimeoutMs: 60_000,
});

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${trimNumber(bytes / (1024 * MB))} GB`;
  if (bytes >= MB) return `${trimNumber(bytes / MB)} MB`;
  if (bytes >= 1024) return `${trimNumber(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function trimNumber(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}
