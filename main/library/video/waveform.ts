import type { VideoWaveform as Waveform } from '../../../contract/api.js';
import { LibraryError } from '../errors.js';
import { runFfmpeg } from '../import/ffmpeg.js';
import { ffmpegFailureReason } from '../import/ffmpeg-info.js';
import { PromiseCache } from './promise-cache.js';
import type { VideoSource } from './video-source.js';


/** Enough samples for peaks a person can see, few enough that hours of sound decode quickly. */
const MAX_RATE = 8000;
const MIN_RATE = 1000;
const TARGET_SAMPLES = 4_000_000;
const STALL_TIMEOUT_MS = 30_000;
const TOTAL_TIMEOUT_MS = 5 * 60_000;
const waveforms = new PromiseCache<Waveform>(16);

/**
 * The loudest sample of each of `buckets` equal parts of a stream of 16-bit mono samples, 0..1.
 * Samples beyond the expected count (a duration stated short) land in the last bucket; buckets
 * no sample reached (a duration stated long) stay 0.
 */
export class PeakReducer {
  readonly #peaks: Float64Array;
  #sample = 0;
  #carry: Buffer | null = null;

  constructor(
    private readonly buckets: number,
    private readonly expectedSamples: number,
  ) {
    this.#peaks = new Float64Array(buckets);
  }

  add(chunk: Buffer): void {
    let bytes = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = null;
    if (bytes.length % 2 === 1) {
      this.#carry = Buffer.from(bytes.subarray(bytes.length - 1));
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const perBucket = Math.max(1, this.expectedSamples) / this.buckets;
    for (let offset = 0; offset < bytes.length; offset += 2) {
      const level = Math.abs(bytes.readInt16LE(offset)) / 32768;
      const bucket = Math.min(this.buckets - 1, Math.floor(this.#sample / perBucket));
      if (level > this.#peaks[bucket]!) this.#peaks[bucket] = level;
      this.#sample += 1;
    }
  }

  /** Rounded to 1/1000: more digits are noise on a screen and bytes on the wire. */
  peaks(): number[] {
    return Array.from(this.#peaks, (peak) => Math.round(Math.min(1, peak) * 1000) / 1000);
  }
}

/** How loud each of `buckets` equal parts of the video's sound is; no peaks (and why) when it has no sound. */
export function videoWaveform(source: VideoSource, buckets: number): Promise<Waveform> {
  const { audio, durationMs } = source.facts;
  if (!audio) return Promise.resolve({ peaks: null, reason: 'the video has no sound' });
  if (!(durationMs > 0)) return Promise.resolve({ peaks: null, reason: "the video's length is unknown" });
  return waveforms.get(`${source.hash}:${buckets}`, async () => {
    const rate = Math.round(Math.min(MAX_RATE, Math.max(MIN_RATE, TARGET_SAMPLES / (durationMs / 1000))));
    const reducer = new PeakReducer(buckets, (durationMs / 1000) * rate);
    const run = await runFfmpeg(['-v', 'error', '-i', source.url, '-map', `0:${audio.index}`, '-vn', '-ac', '1', '-ar', String(rate), '-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'], {
      timeoutMs: TOTAL_TIMEOUT_MS,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      onStdout: (chunk) => reducer.add(chunk),
    });
    if (run.timedOut) throw new LibraryError('reading the sound of the video took too long', 'video-failed');
    if (run.exitCode !== 0) throw new LibraryError(`the sound of the video could not be read: ${ffmpegFailureReason(run.stderr, source.url)}`, 'video-failed');
    return { peaks: reducer.peaks() };
  });
}
