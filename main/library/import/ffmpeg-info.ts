import { parseIsoDateTime } from './capture-time.js';

export interface VideoStreamInfo {
  /** ffmpeg's stream index, for `-map 0:N`. */
  index: number;
  /** As displayed: swapped when the container asks for a quarter-turn rotation. */
  width: number;
  height: number;
  /** ffmpeg's decoder name: h264, hevc, vp9, … */
  codec: string;
  /** Frames per second as the container states it; null when it does not. */
  fps: number | null;
}

export interface AudioStreamInfo {
  index: number;
  /** aac, opus, vorbis, mp3, pcm_s16le, … */
  codec: string;
}

export interface FfmpegInputInfo {
  durationMs: number | null;
  /** When the first packet is presented (ms); ffmpeg's -ss and the browser's currentTime count from here. */
  startMs: number;
  video: VideoStreamInfo | null;
  /** The first audio stream. */
  audio: AudioStreamInfo | null;
  hasAudio: boolean;
  creationTime: number | null;
}

interface StreamSection {
  index: number;
  type: string;
  details: string;
  metadata: Map<string, string>;
  rotation: number;
}

const INPUT_LINE = /^Input #0, /;
const DURATION_LINE = /^\s+Duration: (?:N\/A|(\d+):(\d{2}):(\d{2}(?:\.\d+)?))(?:, start: (-?\d+(?:\.\d+)?))?/;
const STREAM_LINE = /^\s+Stream #0:(\d+)(?:\[0x[0-9a-f]+\])?(?:\([^)]*\))?: (\w+): (.*)$/;
const METADATA_LINE = /^\s+([^:\s][^:]*?)\s*: (.*)$/;
const ROTATION_LINE = /^\s+displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees/;
const FRAME_RATE = /(?:^|, )(\d+(?:\.\d+)?)(k?) fps\b/;
const CODEC = /^([\w-]+)/;
const DIMENSIONS = /(?:^|[\s,])([1-9]\d{0,4})x([1-9]\d{0,4})(?=$|[\s,[])/;

/**
 * Reads what `ffmpeg -i FILE` prints about its input. `inputUrl` is removed from the text first, so
 * a file name containing line breaks cannot pose as stream lines. Returns null when there is no input dump.
 */
export function parseFfmpegInfo(stderr: string, inputUrl: string): FfmpegInputInfo | null {
  const lines = stderr.split(`from '${inputUrl}':`).join('from (input):').split(/\r?\n/);
  const start = lines.findIndex((line) => INPUT_LINE.test(line));
  if (start < 0) return null;

  let durationMs: number | null = null;
  let startMs = 0;
  const formatMetadata = new Map<string, string>();
  const streams: StreamSection[] = [];
  let section: 'format' | 'stream' | 'other' = 'format';
  for (const line of lines.slice(start + 1)) {
    if (!/^\s/.test(line)) break;
    const duration = DURATION_LINE.exec(line);
    if (duration) {
      durationMs = duration[1] === undefined ? null : Math.round((Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000);
      startMs = duration[4] === undefined ? 0 : Math.round(Number(duration[4]) * 1000);
      continue;
    }
    const stream = STREAM_LINE.exec(line);
    if (stream) {
      streams.push({ index: Number(stream[1]), type: stream[2] ?? '', details: stream[3] ?? '', metadata: new Map(), rotation: 0 });
      section = 'stream';
      continue;
    }
    if (/^\s+(Chapter|Program) #/.test(line)) {
      section = 'other';
      continue;
    }
    const current = streams.at(-1);
    const rotation = ROTATION_LINE.exec(line);
    if (rotation && section === 'stream' && current) {
      current.rotation = Number(rotation[1]);
      continue;
    }
    const metadata = METADATA_LINE.exec(line);
    if (!metadata || section === 'other') continue;
    const target = section === 'stream' && current ? current.metadata : formatMetadata;
    const key = metadata[1]!.toLowerCase();
    if (!target.has(key)) target.set(key, metadata[2]!.trim());
  }

  const videoStream = streams.find((stream) => stream.type === 'Video' && !stream.details.includes('(attached pic)') && DIMENSIONS.test(stream.details));
  const audioStream = streams.find((stream) => stream.type === 'Audio');
  return {
    durationMs,
    startMs,
    video: videoStream ? videoInfo(videoStream) : null,
    audio: audioStream ? { index: audioStream.index, codec: codecOf(audioStream) } : null,
    hasAudio: audioStream !== undefined,
    creationTime: creationTime(formatMetadata, videoStream?.metadata),
  };
}

function videoInfo(stream: StreamSection): VideoStreamInfo {
  const [, width, height] = DIMENSIONS.exec(stream.details)!.map(Number) as [number, number, number];
  const rotation = Number(stream.metadata.get('rotate') ?? stream.rotation) || 0;
  const quarterTurn = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const common = { index: stream.index, codec: codecOf(stream), fps: frameRateOf(stream) };
  return quarterTurn ? { ...common, width: height, height: width } : { ...common, width, height };
}

function codecOf(stream: StreamSection): string {
  return CODEC.exec(stream.details)?.[1]?.toLowerCase() ?? 'unknown';
}

function frameRateOf(stream: StreamSection): number | null {
  const match = FRAME_RATE.exec(stream.details);
  if (!match) return null;
  const fps = Number(match[1]) * (match[2] === 'k' ? 1000 : 1);
  // Containers that do not know their rate state absurd ones (1k fps in WebM's timebase).
  return fps > 0 && fps <= 240 ? fps : null;
}

/** Apple's creationdate carries the local offset of the capture; creation_time is UTC and often the export time. */
function creationTime(format: Map<string, string>, video: Map<string, string> | undefined): number | null {
  const candidates = [format.get('com.apple.quicktime.creationdate'), format.get('creation_time'), video?.get('creation_time')];
  for (const candidate of candidates) {
    const time = candidate === undefined ? null : parseIsoDateTime(candidate);
    if (time !== null) return time;
  }
  return null;
}

/** The line that best explains why ffmpeg could not open its input, without the file name. */
export function ffmpegFailureReason(stderr: string, inputUrl: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.split(`${inputUrl}: `).join('').replace(/^\[[^\]]*\]\s*/, '').trim())
    .filter((line) => line.length > 0);
  if (lines.some((line) => /moov atom not found/i.test(line))) return 'its index (moov atom) is missing, so the file is probably truncated';
  if (lines.some((line) => /Invalid data found when processing input/i.test(line))) return 'ffmpeg found invalid data where the video should start';
  return lines.at(-1)?.slice(0, 200) ?? 'ffmpeg gave no reason';
}
