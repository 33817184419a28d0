// What an exported video really is, measured by decoding it with the bundled ffmpeg.
import { runFfmpeg } from '../../main/library/import/ffmpeg.js';
import { parseFfmpegInfo } from '../../main/library/import/ffmpeg-info.js';

export interface MeasuredVideo {
  /** The container's stated duration (null when it states none, as a GIF). */
  containerMs: number | null;
  /** Frames decoded, and how long they play. */
  frames: number;
  playedMs: number;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  format: string;
  chapters: { startMs: number; endMs: number; title: string }[];
}

export async function measureVideo(file: string): Promise<MeasuredVideo> {
  const url = `file:${file}`;
  const progress: Record<string, string> = {};
  const run = await runFfmpeg(['-i', url, '-map', '0:v:0', '-f', 'null', '-progress', 'pipe:1', '-'], {
    timeoutMs: 60_000,
    onStdout: (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        const [key, value] = line.split('=');
        if (key && value !== undefined) progress[key.trim()] = value.trim();
      }
    },
  });
  if (run.exitCode !== 0) throw new Error(`ffmpeg could not decode ${file}: ${run.stderr.slice(-500)}`);
  const info = parseFfmpegInfo(run.stderr, url);
  return {
    containerMs: info?.durationMs ?? null,
    frames: Number(progress.frame),
    playedMs: Number(progress.out_time_us) / 1000,
    videoCodec: info?.video?.codec ?? null,
    audioCodec: info?.audio?.codec ?? null,
    width: info?.video?.width ?? null,
    height: info?.video?.height ?? null,
    format: /^Input #0, ([^,]+)/m.exec(run.stderr)?.[1] ?? '',
    chapters: chaptersOf(run.stderr.split(/^Output #0/m)[0]!),
  };
}

/** "Chapter #0:1: start 1.000000, end 2.500000" and the title line in its metadata. */
function chaptersOf(stderr: string): MeasuredVideo['chapters'] {
  const chapters: MeasuredVideo['chapters'] = [];
  for (const match of stderr.matchAll(/^\s+Chapter #0:\d+: start (-?[\d.]+), end (-?[\d.]+)\n\s+Metadata:\n\s+title\s+: (.*)$/gm)) {
    chapters.push({ startMs: Math.round(Number(match[1]) * 1000), endMs: Math.round(Number(match[2]) * 1000), title: match[3]! });
  }
  return chapters;
}
