// `npm run bench -- video`: a one-minute 1080p H.264 video with sound (a keyframe every 2 s)
// through the real library, encrypted blob store and bundled ffmpeg: what the editor waits for
// (timeline facts, filmstrip, poster frame) and what each kind of export costs.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { detailChangeMessage } from '../../contract/clip-details.js';
import { openClipMedia } from '../../main/api/media.js';
import { exportVideo } from '../../main/library/export/export-video.js';
import { ffmpegPath } from '../../main/library/import/ffmpeg.js';
import { importFiles } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { videoTimeline } from '../../main/library/video/video-timeline.js';
import { peakRssMb } from './stats.js';

const SECONDS = 60;

export async function benchVideo(): Promise<Record<string, number | string>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-video-bench-'));
  try {
    const source = path.join(work, 'talk.mp4');
    await promisify(execFile)(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${SECONDS}`, '-f', 'lavfi', '-i', `sine=frequency=300:duration=${SECONDS}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-x264-params', 'keyint=60:min-keyint=60:scenecut=0', '-c:a', 'aac', source],
    ]);
    const library = await Library.create(path.join(work, 'library'), { secretStore: new MemorySecretStore() });
    try {
      const importStarted = performance.now();
      const report = await importFiles(library, [source]);
      const importMs = performance.now() - importStarted;
      const id = report.imported[0]!.id;
      const clip = library.get(id);

      const timelineMs = await timeMs(() => videoTimeline(library, id, 400));
      const timelineCachedMs = await timeMs(() => videoTimeline(library, id, 400));
      const stripMs = await timeMs(() => openClipMedia(library, id, { variant: 'frames', count: 20, height: 72 }));

      const setTrim = async (startMs: number, endMs: number, posterMs: number | null = null) => {
        await library.changeDetails(id, detailChangeMessage('trim', id), (doc) => {
          doc.video.trimStartMs = startMs;
          doc.video.trimEndMs = endMs;
          doc.video.posterMs = posterMs;
        });
      };
      const out = (name: string) => path.join(work, name);
      await setTrim(10_000, 50_000, 30_000);
      const posterMs = await timeMs(() => library.settleEdits());
      const copy = await timed(() => exportVideo(library, id, 'mp4', out('copy.mp4'), {}));
      await setTrim(10_500, 50_000);
      const encode = await timed(() => exportVideo(library, id, 'mp4', out('encode.mp4'), {}));
      await setTrim(10_000, 20_000);
      const webm = await timed(() => exportVideo(library, id, 'webm', out('short.webm'), {}));
      const gif = await timed(() => exportVideo(library, id, 'gif', out('short.gif'), {}));
      return {
        video: `${SECONDS} s, 1920x1080, 30 fps, H.264 + AAC, keyframe every 2 s, ${Math.round(clip.media!.size / 1024 / 1024)} MB`,
        import_ms: Math.round(importMs),
        timeline_keyframes_and_waveform_ms: Math.round(timelineMs),
        timeline_cached_ms: Math.round(timelineCachedMs),
        frames_strip_20_frames_ms: Math.round(stripMs),
        poster_frame_derive_ms: Math.round(posterMs),
        export_40s_mp4_stream_copy_ms: copy.ms,
        export_40s_mp4_stream_copy_mode: copy.result.plan.mode,
        export_39_5s_mp4_reencode_ms: encode.ms,
        export_39_5s_mp4_reencode_mode: encode.result.plan.mode,
        export_10s_webm_vp9_ms: webm.ms,
        export_10s_gif_ms: gif.ms,
        export_10s_gif_kb: Math.round((await fs.stat(out('short.gif'))).size / 1024),
        peak_rss_mb: peakRssMb(),
      };
    } finally {
      await library.close();
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function timeMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: Math.round(performance.now() - started), result };
}
