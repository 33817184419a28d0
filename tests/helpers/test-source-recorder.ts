// A SegmentRecorder whose "screen" is ffmpeg's test sources: each segment is a real WebM (VP8 and
// Opus, as MediaRecorder writes) of a fixed length, whatever time passed, so joins can be measured.
import fs from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg } from '../../main/library/import/ffmpeg.js';
import type { SegmentRecorder } from '../../main/capture/recording/segment-recorder.js';

const SOURCES = ['testsrc', 'smptebars', 'rgbtestsrc', 'testsrc2'];

export class TestSourceRecorder implements SegmentRecorder {
  readonly written: string[] = [];
  starts = 0;
  running = false;
  /** Makes the next startSegment fail, as a refused permission would. */
  failNextStart: Error | null = null;

  constructor(
    private readonly dir: string,
    private readonly options: { seconds?: number; sizes?: string[]; audio?: boolean } = {},
  ) {}

  async startSegment(): Promise<void> {
    if (this.failNextStart) {
      const error = this.failNextStart;
      this.failNextStart = null;
      throw error;
    }
    if (this.running) throw new Error('a segment is already running');
    this.running = true;
    this.starts += 1;
  }

  async stopSegment(): Promise<string> {
    if (!this.running) throw new Error('no segment is running');
    this.running = false;
    const index = this.written.length;
    const file = path.join(this.dir, `segment-${index}.webm`);
    await makeSegment(file, {
      source: SOURCES[index % SOURCES.length]!,
      size: this.options.sizes?.[index % this.options.sizes.length] ?? '320x240',
      seconds: this.options.seconds ?? 1,
      audio: this.options.audio ?? true,
      frequency: 440 + index * 110,
    });
    this.written.push(file);
    return file;
  }

  async discard(segments: readonly string[]): Promise<void> {
    this.running = false;
    await Promise.all(segments.map((segment) => fs.rm(segment, { force: true })));
  }
}

export async function makeSegment(file: string, options: { source: string; size: string; seconds: number; audio: boolean; frequency: number }): Promise<void> {
  const run = await runFfmpeg(
    [
      '-y',
      '-f', 'lavfi', '-i', `${options.source}=size=${options.size}:rate=30`,
      ...(options.audio ? ['-f', 'lavfi', '-i', `sine=frequency=${options.frequency}:sample_rate=48000`] : []),
      '-t', String(options.seconds),
      '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '400k',
      ...(options.audio ? ['-c:a', 'libopus'] : []),
      file,
    ],
    { timeoutMs: 60_000 },
  );
  if (run.exitCode !== 0) throw new Error(`could not make a test segment: ${run.stderr.slice(-300)}`);
}
