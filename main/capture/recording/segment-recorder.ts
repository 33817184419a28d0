// What a recording session needs from whatever captures the screen: the Electron recorder
// (MediaRecorder in a hidden window over a desktopCapturer source, main/app/capture/) in the app,
// a recorder of ffmpeg's test sources in tests.
import type { RecordingState } from '../../../contract/capture/recording-ipc.js';

/** One run of capture between a start or resume and a pause or stop, as a file. */
export interface SegmentRecorder {
  /** Begins a new segment; resolves once capture is running (or rejects: no permission, no source). */
  startSegment(): Promise<void>;
  /** Ends the running segment; resolves with its file once it is completely written. */
  stopSegment(): Promise<string>;
  /** Stops whatever runs and removes every segment file (the recording was cancelled). */
  discard(segments: readonly string[]): Promise<void>;
}

/**
 * The control that stops a recording. It must be on screen, outside the recorded area, for as long
 * as the recording runs or is paused: a recording nobody can see how to stop is a trap (and the
 * OS's own indicators are not on every platform).
 */
export interface StopControl {
  show(actions: { stop(): void; pause(): void; resume(): void }): void;
  /** The state changed (paused, resumed, elapsed time): the control shows it. */
  update(state: RecordingState): void;
  hide(): void;
}

export type { RecordingPhase, RecordingState } from '../../../contract/capture/recording-ipc.js';
