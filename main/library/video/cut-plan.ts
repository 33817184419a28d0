// How a trimmed video is written: which mode and which ffmpeg arguments. Pure, so each decision
// is tested without running ffmpeg; export-video.ts runs what this plans.
import { formatMediaTime, keyframeForCut } from '../../../contract/edits/video-trim.js';
import type { VideoFacts } from './video-source.js';

export const VIDEO_EXPORT_FORMATS = ['mp4', 'webm', 'gif'] as const;
export type VideoExportFormat = (typeof VIDEO_EXPORT_FORMATS)[number];

/** Codecs each container takes as they are (stream copy); anything else is re-encoded. */
const COPYABLE: Record<Exclude<VideoExportFormat, 'gif'>, { video: readonly string[]; audio: readonly string[] }> = {
  mp4: { video: ['h264', 'hevc', 'mpeg4'], audio: ['aac', 'mp3', 'alac'] },
  webm: { video: ['vp8', 'vp9'], audio: ['opus', 'vorbis'] },
};

export const GIF_MAX_WIDTH = 480;
export const GIF_MAX_FPS = 15;

export interface CutRequest {
  format: VideoExportFormat;
  /** The part to keep, ms from the video's start (resolveTrim's answer). */
  trim: { startMs: number; endMs: number };
  facts: VideoFacts;
  /** Where the video's keyframes are, ms from its start, in order. */
  keyframesMs: readonly number[];
  /** The video's markers: those inside the cut become the export's chapters (MP4, WebM). */
  markers?: readonly { atMs: number; label: string }[];
}

export interface CutPlan {
  /** copy: the packets as they are (fast, lossless); encode: decoded and encoded again; gif: two passes through a palette. */
  mode: 'copy' | 'encode' | 'gif';
  /** Where the written video starts and how long it is; a copy starts on the keyframe at (or within a frame of) the trim's start. */
  startMs: number;
  durationMs: number;
  /** Why this mode, in words for a person. */
  reason: string;
}

/** One ffmpeg run of an export, and the part of the export's progress it stands for. */
export interface FfmpegPass {
  args: string[];
  stage: string;
  /** Progress runs from `from` to `to` as the pass's output time goes from 0 to `durationMs`. */
  from: number;
  to: number;
  durationMs: number;
}

/** Whether the target container takes the source's codecs as they are (then keyframes decide). */
export function codecsFit(format: VideoExportFormat, facts: Pick<VideoFacts, 'video' | 'audio'>): boolean {
  if (format === 'gif') return false;
  const copyable = COPYABLE[format];
  return copyable.video.includes(facts.video.codec) && (facts.audio === null || copyable.audio.includes(facts.audio.codec));
}

/**
 * Stream copy only when nothing needs decoding: the cut starts on a keyframe (a copy can only
 * start on one; within a frame counts, since no one sees a frame's difference) and the target
 * container takes the source's codecs. Otherwise re-encode, frame-exact.
 */
export function planCut(request: CutRequest): CutPlan {
  const { format, trim, facts } = request;
  const durationMs = trim.endMs - trim.startMs;
  if (format === 'gif') return { mode: 'gif', startMs: trim.startMs, durationMs, reason: 'a GIF is always encoded, through a palette made for this clip' };
  const copyable = COPYABLE[format];
  if (!copyable.video.includes(facts.video.codec)) {
    return { mode: 'encode', startMs: trim.startMs, durationMs, reason: `${format.toUpperCase()} cannot hold ${facts.video.codec} video as it is` };
  }
  if (facts.audio && !copyable.audio.includes(facts.audio.codec)) {
    return { mode: 'encode', startMs: trim.startMs, durationMs, reason: `${format.toUpperCase()} cannot hold ${facts.audio.codec} audio as it is` };
  }
  const keyframe = keyframeForCut(request.keyframesMs, trim.startMs, facts.frameMs);
  if (keyframe === null) {
    return { mode: 'encode', startMs: trim.startMs, durationMs, reason: 'the cut does not start on a keyframe' };
  }
  return { mode: 'copy', startMs: keyframe, durationMs: trim.endMs - keyframe, reason: 'the cut starts on a keyframe and the codecs fit the container' };
}

export interface CutFiles {
  /** What ffmpeg reads (a URL). */
  input: string;
  /** What it writes. */
  output: string;
  /** The GIF's palette, between its two passes. */
  palette: string;
}

/** The ffmpeg runs that carry out a plan. */
export function cutPasses(plan: CutPlan, request: CutRequest, files: CutFiles): FfmpegPass[] {
  const { facts } = request;
  const chapters = plan.mode === 'gif' ? null : chapterMetadata(request.markers ?? [], plan);
  const maps = ['-map', `0:${facts.video.index}`, ...(facts.audio ? ['-map', `0:${facts.audio.index}`] : [])];
  // Markers go in as a second input, an ffmetadata file in a data: URL, whose chapters replace any the source had.
  const withChapters = chapters ? ['-f', 'ffmetadata', '-i', `data:text/plain;base64,${Buffer.from(chapters, 'utf8').toString('base64')}`] : [];
  const chapterMap = chapters ? ['-map_chapters', '1'] : [];
  const pass = (args: string[], stage: string, from = 0, to = 1): FfmpegPass => ({ args: ['-v', 'error', '-y', ...args, '-progress', 'pipe:1'], stage, from, to, durationMs: plan.durationMs });
  switch (plan.mode) {
    case 'copy': {
      // Seeking half a frame past the keyframe lands on it whatever the rounding of its time;
      // ffmpeg then starts the copy there (the first packet it can start on).
      const seekMs = plan.startMs + facts.frameMs / 2;
      const input = [...seek(seekMs, plan.startMs + plan.durationMs - seekMs), '-i', files.input, ...withChapters];
      const container = request.format === 'mp4' ? ['-movflags', '+faststart', '-f', 'mp4'] : ['-f', 'webm'];
      return [pass([...input, ...maps, ...chapterMap, '-c', 'copy', '-avoid_negative_ts', 'make_zero', ...container, files.output], 'copying')];
    }
    case 'encode': {
      const input = [...seek(plan.startMs, plan.durationMs), '-i', files.input, ...withChapters];
      // yuv420p (what every player takes) needs even dimensions.
      const even = ['-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2,setsar=1', '-pix_fmt', 'yuv420p'];
      const codecs =
        request.format === 'mp4'
          ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', ...(facts.audio ? ['-c:a', 'aac', '-b:a', '160k'] : []), '-movflags', '+faststart', '-f', 'mp4']
          : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '5', '-row-mt', '1', '-b:v', '0', '-crf', '32', ...(facts.audio ? ['-c:a', 'libopus', '-b:a', '128k'] : []), '-f', 'webm'];
      return [pass([...input, ...maps, ...chapterMap, ...even, ...codecs, files.output], 'encoding')];
    }
    case 'gif': {
      const input = [...seek(plan.startMs, plan.durationMs), '-i', files.input];
      const fps = Math.min(GIF_MAX_FPS, facts.video.fps ?? GIF_MAX_FPS);
      const frames = `fps=${fps},scale=w='min(${GIF_MAX_WIDTH},iw)':h=-2:flags=lanczos`;
      // Pass one writes the palette; the frames also go to a null output so that progress moves
      // (the palette itself appears only at the end).
      const palette = ['-filter_complex', `[0:v]${frames},split[a][b];[a]palettegen=stats_mode=diff[p]`, '-map', '[p]', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', files.palette, '-map', '[b]', '-f', 'null', '-'];
      const encode = ['-i', files.palette, '-filter_complex', `[0:v]${frames}[v];[v][1:v]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle`, '-loop', '0', '-f', 'gif', files.output];
      return [pass([...input, ...palette], 'choosing colours', 0, 0.3), pass([...input, ...encode], 'encoding the GIF', 0.3, 1)];
    }
  }
}

/**
 * The markers inside the cut as chapters of the written video (ffmetadata): each runs from its
 * marker to the next one (or the end), in the output's own time; before the first marker, a
 * "Start" chapter (MP4's chapter track always begins at 0, so every format gets the same list).
 * Null when no marker is inside.
 */
export function chapterMetadata(markers: readonly { atMs: number; label: string }[], plan: Pick<CutPlan, 'startMs' | 'durationMs'>): string | null {
  const inside = markers
    .map((marker) => ({ at: Math.round(marker.atMs - plan.startMs), label: marker.label, atMs: marker.atMs }))
    .filter((marker) => marker.at >= 0 && marker.at < plan.durationMs)
    .sort((a, b) => a.at - b.at);
  if (inside.length === 0) return null;
  if (inside[0]!.at > 0) inside.unshift({ at: 0, label: 'Start', atMs: plan.startMs });
  const sections = inside.map((marker, i) => {
    const end = Math.round(inside[i + 1]?.at ?? plan.durationMs);
    const title = marker.label.trim() || `Marker at ${formatMediaTime(marker.atMs)}`;
    return `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${marker.at}\nEND=${Math.max(end, marker.at + 1)}\ntitle=${escapeMetadata(title)}\n`;
  });
  return `;FFMETADATA1\n${sections.join('')}`;
}

/** ffmetadata's special characters escaped, and nothing that could end the line or the section. */
function escapeMetadata(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[=;#\\]/g, (character) => `\\${character}`);
}

/** Input options: start at `startMs` and read `durationMs` (ffmpeg counts from the file's start time). */
function seek(startMs: number, durationMs: number): string[] {
  return ['-ss', seconds(startMs), '-t', seconds(durationMs)];
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
