import { onScopeDispose, ref, type Ref } from 'vue';
import { clamp, type TrimRange } from './timeline-math.js';

export interface TrimmedPlayback {
  /** The playhead, ms: follows every frame while playing. */
  currentMs: Ref<number>;
  playing: Ref<boolean>;
  /** The duration the <video> element found, ms (0 until it has loaded). */
  loadedDurationMs: Ref<number>;
  seek(atMs: number): void;
  /** Shows the frame at `atMs` without moving the playhead (a handle being dragged); null goes back. */
  preview(atMs: number | null): void;
  /** Plays the kept part (from the in point unless the playhead is inside it), or pauses. */
  toggle(): Promise<void>;
  /** The element's events, for the template. */
  listeners: { onPlay(): void; onPause(): void; onTimeUpdate(): void; onLoadedMetadata(): void };
}

/**
 * The player under a trim: playing starts inside the kept part and stops at its out point,
 * however it was started (the editor's button and key, or the element's own controls).
 */
export function useTrimmedPlayback(player: Ref<HTMLVideoElement | null>, trim: () => TrimRange, frameMs: () => number, durationMs: () => number): TrimmedPlayback {
  const currentMs = ref(0);
  const playing = ref(false);
  const loadedDurationMs = ref(0);
  let previewing = false;
  let frameRequest = 0;

  function seek(atMs: number): void {
    const at = clamp(Math.round(atMs), 0, durationMs() || Number.MAX_SAFE_INTEGER);
    currentMs.value = at;
    if (player.value) player.value.currentTime = at / 1000;
  }

  function follow(): void {
    const video = player.value;
    if (!video || video.paused) return;
    currentMs.value = Math.round(video.currentTime * 1000);
    if (currentMs.value >= trim().endMs) {
      video.pause();
      seek(trim().endMs);
      return;
    }
    frameRequest = requestAnimationFrame(follow);
  }

  onScopeDispose(() => cancelAnimationFrame(frameRequest));

  return {
    currentMs,
    playing,
    loadedDurationMs,
    seek,
    preview(atMs) {
      previewing = atMs !== null;
      if (player.value) player.value.currentTime = (atMs ?? currentMs.value) / 1000;
    },
    async toggle() {
      const video = player.value;
      if (!video) return;
      if (!video.paused) {
        video.pause();
        return;
      }
      const { startMs, endMs } = trim();
      if (currentMs.value < startMs || currentMs.value >= endMs - frameMs()) seek(startMs);
      await video.play();
    },
    listeners: {
      onPlay() {
        playing.value = true;
        const { startMs, endMs } = trim();
        if (currentMs.value < startMs || currentMs.value >= endMs) seek(startMs);
        cancelAnimationFrame(frameRequest);
        frameRequest = requestAnimationFrame(follow);
      },
      onPause() {
        playing.value = false;
        cancelAnimationFrame(frameRequest);
      },
      onTimeUpdate() {
        if (!previewing && player.value) currentMs.value = Math.round(player.value.currentTime * 1000);
      },
      onLoadedMetadata() {
        const seconds = player.value?.duration ?? 0;
        if (Number.isFinite(seconds)) loadedDurationMs.value = Math.round(seconds * 1000);
      },
    },
  };
}
