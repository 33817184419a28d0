import sharp from 'sharp';
import { hasEdits, type ClipDetails } from '../../../contract/clip-details.js';
import type { ClipView } from '../../../contract/clips.js';
import { formatMediaTime, posterTime, resolveTrim, type TrimResolution } from '../../../contract/edits/video-trim.js';
import { toThumbnail } from '../import/thumbnail.js';
import { extractFramePng } from '../import/video-probe.js';
import type { Library } from '../library.js';
import { PromiseCache } from '../video/promise-cache.js';
import { withVideoSource } from '../video/video-source.js';
import type { DerivedEdits } from './edit-derivations.js';

const POSTER_TIMEOUT_MS = 30_000;

/**
 * A video's edits as the grid shows them: the poster frame (else the frame where the trim
 * starts) as its thumbnail, the trimmed duration, and a summary. A trim that keeps nothing
 * (crossed handles) is said in the summary and leaves the duration as it was.
 */
export async function deriveVideo(library: Library, clip: ClipView, details: ClipDetails): Promise<DerivedEdits | null> {
  if (!hasEdits(details, 'video')) return null;
  const durationMs = clip.media?.durationMs ?? 0;
  const trim = resolveTrim(details.video, durationMs);
  const derived: DerivedEdits = { summary: describeVideoEdits(details, trim) };
  if (trim.ok && trim.trim.trimmed) derived.durationMs = Math.round(trim.trim.endMs - trim.trim.startMs);
  // The imported thumbnail already shows the opening frame; only another frame needs one.
  const atMs = posterTime(details.video.posterMs, trim.ok ? trim.trim : null, durationMs);
  if (details.video.posterMs !== null || atMs > 0) {
    const thumb = await posterThumbnail(library, clip, atMs);
    if (thumb) derived.thumb = thumb;
  }
  return derived;
}

/** A label typed on a marker renders the clip again: the same poster frame is not decoded again. */
const posters = new PromiseCache<Buffer | null>(32);

function posterThumbnail(library: Library, clip: ClipView, atMs: number): Promise<Buffer | null> {
  return posters.get(`${clip.media?.blob}:${atMs}`, () =>
    withVideoSource(library, clip, async (source) => {
      const png = await extractFramePng(source.url, source.facts.video.index, atMs / 1000, POSTER_TIMEOUT_MS);
      return png ? toThumbnail(sharp(png, { failOn: 'truncated' })) : null;
    }),
  );
}

export function describeVideoEdits(details: ClipDetails, trim: TrimResolution): string {
  const { posterMs, markers } = details.video;
  const parts: string[] = [];
  if (!trim.ok) parts.push(`trim needs fixing: ${trim.reason}`);
  else if (trim.trim.trimmed) parts.push(`trimmed to ${formatMediaTime(trim.trim.startMs)}–${formatMediaTime(trim.trim.endMs)}`);
  if (markers.length > 0) parts.push(`${markers.length} marker${markers.length === 1 ? '' : 's'}`);
  if (posterMs !== null) parts.push(`poster frame at ${formatMediaTime(posterMs)}`);
  return parts.join(', ') || 'edited';
}
