import fs from 'node:fs/promises';
import path from 'node:path';
import type { Rect, Size } from '../../../contract/capture/region.js';
import { runFfmpeg } from '../../library/import/ffmpeg.js';
import { cropProblem } from './recording-crop.js';

const JOIN_TIMEOUT_MS = 30 * 60_000;
const STALL_TIMEOUT_MS = 60_000;

export interface JoinedRecording {
  file: string;
  /** Streams copied as they were (fast, lossless), or re-encoded because the segments differ. */
  method: 'copy' | 're-encode';
}

/**
 * Joins a recording's segments (one per stretch between pauses) into one WebM at `output`. The
 * segments come from one recorder with one setting, so their streams are copied through ffmpeg's
 * concat demuxer; when they differ (the captured window was resized between two segments) they
 * are decoded and encoded again (VP9 and Opus). Either way the result is written again by ffmpeg,
 * which gives MediaRecorder's WebM the duration and seek index it lacks. A `crop` (a region
 * recording; in the first segment's pixels) is cut out after the join, which always re-encodes.
 */
export async function joinSegments(segments: readonly string[], output: string, options: { signal?: AbortSignal; hasAudio: boolean; crop?: Rect }): Promise<JoinedRecording> {
  if (segments.length === 0) throw new Error('the recording has no segments to join');
  const first = segments[0]!;
  const described = await Promise.all(segments.map(streamsOf));
  const size = described[0]!.size;
  // Sound that was asked for and not given (the system's, where the OS gave none) is not there to join.
  const hasAudio = options.hasAudio && described.every((each) => each.audio);
  const sizesDiffer = new Set(described.map((each) => each.size && `${each.size.width}x${each.size.height}`)).size > 1;
  if (options.crop) {
    if (!size) throw new Error(`the recording's first part has no picture to cut the region from (${path.basename(first)})`);
    const problem = cropProblem(options.crop, size);
    if (problem) throw new Error(problem);
  }
  const list = `${output}.segments.txt`;
  await fs.writeFile(list, segments.map((segment) => `file '${path.resolve(segment).replace(/'/g, "'\\''")}'\n`).join(''));
  try {
    if (!options.crop && !sizesDiffer) {
      const copied = await runFfmpeg(['-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', output], runOptions(options.signal));
      if (copied.exitCode === 0) return { file: output, method: 'copy' };
    }
    const inputs = segments.flatMap((segment) => ['-i', segment]);
    const streams = segments.map((_, index) => `[${index}:v:0]${hasAudio ? `[${index}:a:0]` : ''}`).join('');
    const frame = size && `${size.width}:${size.height}`;
    // Every segment scaled (and padded) to the first one's size: concat needs one size.
    const scaled = frame ? segments.map((_, index) => `[${index}:v:0]scale=${frame}:force_original_aspect_ratio=decrease,pad=${frame}:(ow-iw)/2:(oh-ih)/2,setsar=1[v${index}]`).join(';') : '';
    const concatInputs = frame ? segments.map((_, index) => `[v${index}]${hasAudio ? `[${index}:a:0]` : ''}`).join('') : streams;
    const filter = `${scaled ? `${scaled};` : ''}${concatInputs}concat=n=${segments.length}:v=1:a=${hasAudio ? 1 : 0}[${options.crop ? 'joined' : 'v'}]${hasAudio ? '[a]' : ''}${cropFilter(options.crop)}`;
    const encoded = await runFfmpeg(
      ['-y', ...inputs, '-filter_complex', filter, '-map', '[v]', ...(hasAudio ? ['-map', '[a]', '-c:a', 'libopus'] : []), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '4M', output],
      runOptions(options.signal),
    );
    if (encoded.exitCode !== 0) throw new Error(`the recording's ${segments.length} parts could not be joined: ${lastLine(encoded.stderr)}`);
    return { file: output, method: 're-encode' };
  } finally {
    await fs.rm(list, { force: true });
  }
}

function runOptions(signal: AbortSignal | undefined): Parameters<typeof runFfmpeg>[1] {
  return { timeoutMs: JOIN_TIMEOUT_MS, stallTimeoutMs: STALL_TIMEOUT_MS, ...(signal && { signal }) };
}

/** Cuts the joined picture to the region (exact: no rounding of the offsets to the colour planes). */
function cropFilter(crop: Rect | undefined): string {
  return crop ? `;[joined]crop=${crop.width}:${crop.height}:${crop.x}:${crop.y}:exact=1[v]` : '';
}

/** A video's frame size from ffmpeg's description of its first video stream, or null. */
export async function frameSizeOf(file: string): Promise<Size | null> {
  return (await streamsOf(file)).size;
}

/** The frame size of a file's first video stream (or null) and whether it has sound, from ffmpeg's description. */
async function streamsOf(file: string): Promise<{ size: Size | null; audio: boolean }> {
  const run = await runFfmpeg(['-i', file], { timeoutMs: 30_000 });
  const match = /Stream #\d+:\d+.*Video:.*?, (\d{2,5})x(\d{2,5})/.exec(run.stderr);
  return { size: match ? { width: Number(match[1]), height: Number(match[2]) } : null, audio: /Stream #\d+:\d+.*Audio:/.test(run.stderr) };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? 'ffmpeg failed';
}
