import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { VideoTimeline } from '../../../../contract/api.js';
import { useApi } from '../../api/use-api.js';
import { describeError } from '../../lib/describe-error.js';

/** Waveform bars across the whole track: enough for a wide window, cheap to send. */
export const WAVEFORM_BUCKETS = 400;

/** The core's facts about a video (duration, frame length, keyframes, waveform), asked once. */
export function useVideoTimeline(clipId: string): { timeline: ShallowRef<VideoTimeline | null>; error: Ref<string> } {
  const api = useApi();
  const timeline = shallowRef<VideoTimeline | null>(null);
  const error = ref('');
  api.videoTimeline({ id: clipId, buckets: WAVEFORM_BUCKETS }).then(
    (answer) => (timeline.value = answer),
    (cause: unknown) => (error.value = describeError(cause, 'read the video’s sound and keyframes')),
  );
  return { timeline, error };
}
