import type { ClipView } from '../../../contract/clips.js';
import { LibraryError } from '../errors.js';
import { runFfmpeg } from '../import/ffmpeg.js';
import { ffmpegFailureReason, parseFfmpegInfo, type AudioStreamInfo, type VideoStreamInfo } from '../import/ffmpeg-info.js';
import type { Library } from '../library.js';
import { withBlobInput } from './blob-input.js';
import { PromiseCache } from './promise-cache.js';

/** What the video tools need to know about a clip's original file. */
export interface VideoFacts {
  durationMs: number;
  /** Where presentation starts in the file's own timestamps (ms); times in edits count from here. */
  startMs: number;
  video: VideoStreamInfo;
  audio: AudioStreamInfo | null;
  /** One frame's duration, from the stated frame rate (25 fps when none is stated). */
  frameMs: number;
}

/** A video clip's original, readable by ffmpeg at `url`, with its facts. */
export interface VideoSource {
  url: string;
  hash: string;
  facts: VideoFacts;
}

const PROBE_TIMEOUT_MS = 30_000;
const DEFAULT_FPS = 25;
const facts = new PromiseCache<VideoFacts>(32);

/** Runs `work` with the clip's original readable by ffmpeg; refuses a clip that is not a video. */
export async function withVideoSource<T>(library: Library, clip: ClipView, work: (source: VideoSource) => Promise<T>): Promise<T> {
  const hash = clip.media?.blob;
  if (clip.kind !== 'video' || !hash) throw new LibraryError(`clip ${clip.id} is not a video`, 'unsupported');
  return withBlobInput(library.blobs, hash, async (url) => work({ url, hash, facts: await facts.get(hash, () => probeFacts(url, clip)) }));
}

async function probeFacts(url: string, clip: ClipView): Promise<VideoFacts> {
  const run = await runFfmpeg(['-i', url], { timeoutMs: PROBE_TIMEOUT_MS });
  if (run.timedOut) throw new LibraryError(`reading video ${clip.id} took longer than ${PROBE_TIMEOUT_MS / 1000} s`, 'video-failed');
  const info = parseFfmpegInfo(run.stderr, url);
  if (!info?.video) throw new LibraryError(`video ${clip.id} cannot be read: ${ffmpegFailureReason(run.stderr, url)}`, 'video-failed');
  const durationMs = info.durationMs ?? clip.media?.durationMs ?? 0;
  return {
    durationMs,
    startMs: info.startMs,
    video: info.video,
    audio: info.audio,
    frameMs: 1000 / (info.video.fps ?? DEFAULT_FPS),
  };
}
