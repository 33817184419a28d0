import { LibraryError } from '../errors.js';
import { runFfmpeg } from '../import/ffmpeg.js';
import { ffmpegFailureReason } from '../import/ffmpeg-info.js';
import { PromiseCache } from './promise-cache.js';
import type { VideoSource } from './video-source.js';

const STALL_TIMEOUT_MS = 30_000;
const TOTAL_TIMEOUT_MS = 5 * 60_000;
const keyframeCache = new PromiseCache<number[]>(16);

/**
 * Reads the packet dump of `ffmpeg -dump` (a "stream #N:" line, then indented key=value lines
 * per packet) and keeps the presentation times of one stream's keyframes, in ms, in order.
 */
export class KeyframeDumpReader {
  readonly #times: number[] = [];
  #inStream = false;
  #isKey = false;

  constructor(private readonly streamIndex: number) {}

  line(line: string): void {
    const header = /^stream #(\d+):$/.exec(line);
    if (header) {
      this.#inStream = Number(header[1]) === this.streamIndex;
      this.#isKey = false;
      return;
    }
    if (!this.#inStream) return;
    const flag = /^\s+keyframe=(\d)$/.exec(line);
    if (flag) {
      this.#isKey = flag[1] === '1';
      return;
    }
    const times = /^\s+dts=(\S+)\s+pts=(\S+)$/.exec(line);
    if (!times || !this.#isKey) return;
    // A packet without a presentation time (N/A) is placed by its decoding time.
    const seconds = Number(times[2] === 'N/A' ? times[1] : times[2]);
    if (Number.isFinite(seconds)) this.#times.push(Math.round(seconds * 1000));
    this.#isKey = false;
  }

  /** ms, relative to `originMs` (the file's start time), sorted and without repeats. */
  keyframesMs(originMs = 0): number[] {
    return [...new Set(this.#times.map((time) => time - originMs))].sort((a, b) => a - b);
  }
}

/**
 * Where the video's keyframes are, from the container's packets (nothing is decoded; demuxers
 * that can skip other packets do). Remembered per original file; shared by whoever asks at the
 * same time, so one caller's cancel does not reach it (its own timeouts bound it).
 */
export function videoKeyframes(source: VideoSource): Promise<number[]> {
  return keyframeCache.get(source.hash, async () => {
    const { video, startMs } = source.facts;
    const reader = new KeyframeDumpReader(video.index);
    const run = await runFfmpeg(['-discard', 'all', `-discard:${video.index}`, 'nokey', '-dump', '-i', source.url, '-map', `0:${video.index}`, '-c', 'copy', '-f', 'null', '-'], {
      timeoutMs: TOTAL_TIMEOUT_MS,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      onStderrLine: (line) => reader.line(line),
    });
    if (run.timedOut) throw new LibraryError('finding the keyframes of the video took too long', 'video-failed');
    if (run.exitCode !== 0) throw new LibraryError(`the keyframes of the video could not be read: ${ffmpegFailureReason(run.stderr, source.url)}`, 'video-failed');
    return reader.keyframesMs(startMs);
  });
}
