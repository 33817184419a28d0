// The recording's IPC (main/app/capture/recording-electron.ts, the recorder and stop-control pages).
// The preload repeats the channel names: it can import nothing at run time.
export const RECORDING_CHANNEL = 'clipshot-recording';
export const STOP_CONTROL_CHANNEL = 'clipshot-stop-control';

/** Main → the hidden recorder page. */
export type RecorderCommand = { type: 'start'; sourceId: string; microphone: boolean; systemAudio: boolean } | { type: 'stop' };
/** The recorder page → main. */
export type RecorderMessage = { type: 'chunk'; bytes: Uint8Array } | { type: 'stopped' } | { type: 'failed'; reason: string };

/** What the preload exposes to recorder.html as `window.clipshotRecorder`. */
export interface RecorderShell {
  onCommand(listener: (command: RecorderCommand) => void): void;
  send(message: RecorderMessage): void;
}

export const STOP_CONTROL_ACTIONS = ['pause', 'resume', 'stop'] as const;
export type StopControlAction = (typeof STOP_CONTROL_ACTIONS)[number];

/** What the preload exposes to stop-control.html as `window.clipshotStopControl`. */
export interface StopControlShell {
  onState(listener: (state: RecordingState) => void): void;
  act(action: StopControlAction): void;
}

/** A recording's phase and progress (main/capture/recording/recording-session.ts), as the stop control shows it. */
export type RecordingPhase = RecordingState['phase'];

export type RecordingState =
  | { phase: 'idle' }
  | { phase: 'countdown'; secondsLeft: number }
  | { phase: 'recording'; segments: number; recordedMs: number }
  | { phase: 'paused'; segments: number; recordedMs: number }
  | { phase: 'stopping'; segments: number; recordedMs: number }
  | { phase: 'saved'; clipId: string; recordedMs: number }
  | { phase: 'failed'; reason: string; keptSegments: string[] };
