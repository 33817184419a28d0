import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { findTruncation } from './container-integrity.js';
import { describeContentType } from './content-type.js';
import { runFfmpeg } from './ffmpeg.js';
import { ffmpegFailureReason, parseFfmpegInfo, type VideoStreamInfo } from './ffmpeg-info.js';
import type { ImportLimits } from './limits.js';
import type { ProbedVideo } from './probed-file.js';
import { ImportRejection } from './rejection.js';
import { THUMBNAIL_MAX_SIDE, toThumbnail } from './thumbnail.js';

const FORMAT_NAMES: Record<string, string> = { 'video/mp4': 'MP4', 'video/webm': 'WebM', 'video/quicktime': 'QuickTime' };
const POSTER_SECONDS = 1;
const MAX_POSTER_PNG_BYTES = 16 * 1024 * 1024;

/** Reads a video's streams, duration and creation time with ffmpeg, and grabs a poster frame. */
export async function probeVideo(filePath: string, handle: FileHandle, size: number, mime: string, limits: ImportLimits): Promise<ProbedVideo> {
  const truncation = await findTruncation(handle, size, mime);
  if (truncation) throw new ImportRejection('corrupt', `${FORMAT_NAMES[mime] ?? 'video'} data is truncated or corrupt (${truncation})`);
  // The file: protocol keeps a name like 'concat:a|b' or 'http:…' from being read as an ffmpeg protocol.
  return probeVideoAt(`file:${path.resolve(filePath)}`, mime, limits);
}

/** The ffmpeg part of probing, for any input ffmpeg reads: a file, or a stored blob served over loopback. */
export async function probeVideoAt(url: string, mime: string, limits: ImportLimits): Promise<ProbedVideo> {
  const what = describeContentType(mime).replace(/^an? /, '');
  const run = await runFfmpeg(['-i', url], { timeoutMs: limits.ffmpegTimeoutMs });
  if (run.timedOut) throw new ImportRejection('corrupt', `reading the ${what} took longer than ${formatTimeout(limits.ffmpegTimeoutMs)}, so it is probably damaged`);
  const info = parseFfmpegInfo(run.stderr, url);
  if (!info) throw new ImportRejection('corrupt', `the ${what} cannot be read: ${ffmpegFailureReason(run.stderr, url)}`);
  if (!info.video) {
    throw new ImportRejection('unsupported', info.hasAudio ? 'the file contains only audio, and audio clips are not supported' : 'the file contains no video stream');
  }

  const warnings: string[] = [];
  if (info.durationMs === null) warnings.push('the video does not state its duration');
  const thumbnail = await posterFrame(url, info.video, info.durationMs, limits);
  if (!thumbnail) warnings.push('no frame could be decoded for the thumbnail');
  return {
    kind: 'video',
    mime,
    width: info.video.width,
    height: info.video.height,
    durationMs: info.durationMs ?? 0,
    hasAudio: info.hasAudio,
    capturedAt: info.creationTime,
    thumbnail,
    warnings,
  };
}

/** A frame at about one second (the first frame of shorter clips), as a WebP thumbnail; null when none decodes. */
async function posterFrame(url: string, video: VideoStreamInfo, durationMs: number | null, limits: ImportLimits): Promise<Buffer | null> {
  const seeks = durationMs !== null && durationMs > POSTER_SECONDS * 1000 ? [POSTER_SECONDS, 0] : [0];
  for (const seconds of seeks) {
    const png = await extractFramePng(url, video.index, seconds, limits.ffmpegTimeoutMs);
    if (png) return toThumbnail(sharp(png, { failOn: 'truncated' })).catch(() => null);
  }
  return null;
}

/** One frame at `seconds` as PNG, its longest side at most THUMBNAIL_MAX_SIDE; null when none decodes there. */
export async function extractFramePng(url: string, streamIndex: number, seconds: number, timeoutMs: number): Promise<Buffer | null> {
  // ffmpeg has already applied the container's rotation when the filter runs; `sar` squares anamorphic pixels.
  const fit = `min(1,${THUMBNAIL_MAX_SIDE}/max(iw*sar,ih))`;
  const scale = `scale=w='max(1,round(iw*sar*${fit}))':h='max(1,round(ih*${fit}))',setsar=1`;
  const run = await runFfmpeg(
    ['-v', 'error', '-ss', String(seconds), '-i', url, '-map', `0:${streamIndex}`, '-frames:v', '1', '-vf', scale, '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
    { timeoutMs, maxStdoutBytes: MAX_POSTER_PNG_BYTES },
  );
  if (run.timedOut || run.stdoutOverflowed || run.stdout.length === 0) return null;
  return run.stdout;
}

function formatTimeout(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
