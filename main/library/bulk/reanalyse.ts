import { ImmutableString } from '@automerge/automerge';
import { isDeepStrictEqual } from 'node:util';
import type { ClipMedia, ClipView } from '../../../contract/clips.js';
import { probeImage } from '../import/image-probe.js';
import { DEFAULT_IMPORT_LIMITS } from '../import/probe.js';
import { probeVideoAt } from '../import/video-probe.js';
import { withBlobInput } from '../video/blob-input.js';
import type { Library } from '../library.js';
import type { BulkRun } from './bulk-writes.js';

export interface ReanalyseOutcome {
  done: number;
  failed: { id: string; reason: string }[];
  cancelled: boolean;
}

/**
 * Analyses clips again, one at a time: reads each image's or video's file afresh (size, length,
 * thumbnail: what an import made of it, as today's code makes it) and renders its edits again.
 * A clip that fails is listed with the reason and the rest go on. Recognition (issue 6) will
 * join here.
 */
export async function reanalyseClips(library: Library, ids: readonly string[], run: BulkRun = {}): Promise<ReanalyseOutcome> {
  const failed: ReanalyseOutcome['failed'] = [];
  let done = 0;
  run.onProgress?.(0, ids.length);
  for (const [position, id] of ids.entries()) {
    if (run.signal?.aborted) return { done, failed, cancelled: true };
    try {
      const clip = library.get(id);
      if (clip.media && clip.kind !== 'text') await refreshMediaFacts(library, clip, clip.media);
      await library.rederiveEdits(clip.id);
      done++;
    } catch (error) {
      failed.push({ id, reason: error instanceof Error ? error.message : String(error) });
    }
    run.onProgress?.(position + 1, ids.length);
  }
  return { done, failed, cancelled: false };
}

/** Probes the clip's original again and records what differs (a change the person did not make: undo skips it). */
async function refreshMediaFacts(library: Library, clip: ClipView, media: ClipMedia): Promise<void> {
  const probed = clip.kind === 'image' ? await probeImage(await library.blobs.readAll(media.blob), media.mime, DEFAULT_IMPORT_LIMITS) : await probeStoredVideo(library, media);
  const thumb = probed.thumbnail ? await library.blobs.putBytes(probed.thumbnail) : null;
  const fresh: ClipMedia = {
    ...media,
    width: probed.width,
    height: probed.height,
    ...(probed.kind === 'video' && { durationMs: probed.durationMs }),
    ...(thumb && { thumb: thumb.hash }),
  };
  if (isDeepStrictEqual(fresh, media)) return;
  await library.changeClip(clip.id, 'derive', (entry) => {
    if (!entry.media) return;
    entry.media.width = fresh.width!;
    entry.media.height = fresh.height!;
    if (fresh.durationMs !== undefined) entry.media.durationMs = fresh.durationMs;
    if (fresh.thumb !== undefined) entry.media.thumb = new ImmutableString(fresh.thumb);
  });
}

/** ffmpeg reads the encrypted original through a loopback server: no decrypted copy touches the disk. */
async function probeStoredVideo(library: Library, media: ClipMedia) {
  return withBlobInput(library.blobs, media.blob, (url) => probeVideoAt(url, media.mime, DEFAULT_IMPORT_LIMITS));
}
