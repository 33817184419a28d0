import type { VideoTimeline } from '../../../contract/api.js';
import type { Library } from '../library.js';
import { codecsFit } from './cut-plan.js';
import { videoKeyframes } from './keyframes.js';
import { withVideoSource } from './video-source.js';
import { videoWaveform } from './waveform.js';

/** Beyond this many keyframes (an intra-only video), listing them tells the editor nothing. */
const MAX_KEYFRAMES = 10_000;

/** What a video editor's timeline needs from the core: duration, frame length, keyframes, waveform. */
export async function videoTimeline(library: Library, clipId: string, buckets: number): Promise<VideoTimeline> {
  const clip = library.get(clipId);
  return withVideoSource(library, clip, async (source) => {
    const [keyframesMs, waveform] = await Promise.all([videoKeyframes(source), videoWaveform(source, buckets)]);
    return {
      durationMs: source.facts.durationMs,
      frameMs: source.facts.frameMs,
      keyframesMs: keyframesMs.length <= MAX_KEYFRAMES ? keyframesMs : null,
      streamCopyFormats: (['mp4', 'webm'] as const).filter((format) => codecsFit(format, source.facts)),
      waveform,
    };
  });
}
