import fs from 'node:fs/promises';
import { readClipDetails } from '../../../contract/clip-details.js';
import { resolveTrim } from '../../../contract/edits/video-trim.js';
import { LibraryError } from '../errors.js';
import { runFfmpeg } from '../import/ffmpeg.js';
import { ffmpegFailureReason } from '../import/ffmpeg-info.js';
import type { Library } from '../library.js';
import { codecsFit, cutPasses, planCut, type CutPlan, type CutRequest, type VideoExportFormat } from '../video/cut-plan.js';
import { FfmpegProgressReader, progressFraction } from '../video/ffmpeg-progress.js';
import { videoKeyframes } from '../video/keyframes.js';
import { withVideoSource } from '../video/video-source.js';
import type { ExportOptions } from './export-rendered.js';
import { writeThroughTemporary } from './write-atomically.js';

/** An encode that writes nothing for this long has hung. */
const STALL_TIMEOUT_MS = 60_000;

/**
 * Writes a video clip trimmed as its edits say, as MP4, WebM or GIF: stream copy when the cut
 * allows, re-encoded otherwise (cut-plan.ts decides). Progress is the output's time against the
 * trimmed duration; a cancel kills ffmpeg and leaves no file. Returns the size and the plan.
 */
export async function exportVideo(library: Library, clipId: string, format: VideoExportFormat, target: string, options: ExportOptions): Promise<{ bytes: number; plan: CutPlan }> {
  const clip = library.get(clipId);
  const read = await library.details.read(clip.id, (doc) => (doc === null ? null : readClipDetails(doc, clip.id)));
  if (read && !read.ok) throw new LibraryError(`the edits of clip ${clip.id} cannot be read: ${read.reason}`, 'invalid-edit');
  const edits = read?.details.video ?? { trimStartMs: null, trimEndMs: null, markers: [] };
  return withVideoSource(library, clip, async (source) => {
    const trim = resolveTrim(edits, source.facts.durationMs);
    if (!trim.ok) throw new LibraryError(`the video cannot be exported: ${trim.reason}`, 'invalid-edit');
    options.signal?.throwIfAborted();
    options.onProgress?.(0, 'reading the video');
    const keyframesMs = codecsFit(format, source.facts) ? await videoKeyframes(source) : [];
    const request: CutRequest = { format, trim: trim.trim, facts: source.facts, keyframesMs, markers: edits.markers };
    const plan = planCut(request);
    const bytes = await writeThroughTemporary(target, async (temporary) => {
      const palette = `${temporary}.palette.png`;
      try {
        for (const pass of cutPasses(plan, request, { input: source.url, output: temporary, palette })) {
          options.onProgress?.(pass.from, pass.stage);
          const progress = new FfmpegProgressReader((outTimeMs) => options.onProgress?.(progressFraction(outTimeMs, pass.durationMs, pass.from, pass.to), pass.stage));
          const run = await runFfmpeg(pass.args, { stallTimeoutMs: STALL_TIMEOUT_MS, onStdout: (chunk) => progress.add(chunk), ...(options.signal && { signal: options.signal }) });
          if (run.timedOut) throw new LibraryError(`ffmpeg stopped making progress while ${pass.stage} the video`, 'video-failed');
          if (run.exitCode !== 0) throw new LibraryError(`ffmpeg failed while ${pass.stage} the video: ${ffmpegFailureReason(run.stderr, source.url)}`, 'video-failed');
        }
      } finally {
        await fs.rm(palette, { force: true });
      }
    });
    return { bytes, plan };
  });
}
