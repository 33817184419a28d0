import type { RecordingPhase, RecordingState, SegmentRecorder, StopControl } from './segment-recorder.js';

export const COUNTDOWN_CHOICES = [0, 3, 5, 10] as const;

export interface RecordingSessionOptions {
  recorder: SegmentRecorder;
  /** Required: a recording never runs without a visible way to stop it. */
  stopControl: StopControl;
  /** Makes the finished segments one video clip (saveRecording); resolves with its id. */
  save: (segments: string[]) => Promise<{ clipId: string }>;
  countdownSeconds?: (typeof COUNTDOWN_CHOICES)[number];
  /** A countdown second; shorter in tests. */
  tickMs?: number;
  now?: () => number;
}

/** A request the session cannot take in its present phase. */
export class RecordingStateError extends Error {
  constructor(action: string, phase: RecordingPhase) {
    super(`cannot ${action} a recording that is ${phase === 'idle' ? 'not started' : phase}`);
    this.name = 'RecordingStateError';
  }
}

/**
 * One screen recording: idle → countdown → recording ⇄ paused → stopping → saved or failed.
 * Each pause ends a segment and each resume starts another; stopping joins them into one video
 * clip. Cancel (in the countdown, recording or paused) throws the segments away and returns to
 * idle. A failure keeps whatever segments were written and names them.
 */
export class RecordingSession {
  readonly #options: RecordingSessionOptions;
  #state: RecordingState = { phase: 'idle' };
  #segments: string[] = [];
  #recordedMs = 0;
  #segmentStartedAt = 0;
  #segmentRunning = false;
  #countdown: NodeJS.Timeout | null = null;
  /** Settles start() when a countdown is cancelled. */
  #countdownCancelled: (() => void) | null = null;
  #listeners = new Set<(state: RecordingState) => void>();
  /** The step in progress (a segment starting or ending); the next waits for it. */
  #busy: Promise<void> = Promise.resolve();

  constructor(options: RecordingSessionOptions) {
    if (!options.stopControl) throw new Error('a recording needs a visible stop control');
    this.#options = options;
  }

  get state(): RecordingState {
    return this.#state;
  }

  onChange(listener: (state: RecordingState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the countdown (or recording at once, without one); resolves once recording runs. */
  start(): Promise<void> {
    if (this.#state.phase !== 'idle') throw new RecordingStateError('start', this.#state.phase);
    this.#options.stopControl.show({ stop: () => void this.stop().catch(() => {}), pause: () => void this.pause().catch(() => {}), resume: () => void this.resume().catch(() => {}) });
    const seconds = this.#options.countdownSeconds ?? 0;
    if (seconds === 0) return this.#step(() => this.#beginSegment());
    this.#set({ phase: 'countdown', secondsLeft: seconds });
    return new Promise((resolve, reject) => {
      this.#countdownCancelled = resolve;
      const tick = (): void => {
        if (this.#state.phase !== 'countdown') return resolve();
        const left = this.#state.secondsLeft - 1;
        if (left > 0) {
          this.#set({ phase: 'countdown', secondsLeft: left });
          this.#countdown = setTimeout(tick, this.#options.tickMs ?? 1000);
          return;
        }
        this.#countdown = null;
        this.#countdownCancelled = null;
        this.#step(() => this.#beginSegment()).then(resolve, reject);
      };
      this.#countdown = setTimeout(tick, this.#options.tickMs ?? 1000);
    });
  }

  pause(): Promise<void> {
    if (this.#state.phase !== 'recording') throw new RecordingStateError('pause', this.#state.phase);
    return this.#step(async () => {
      await this.#endSegment();
      this.#set({ phase: 'paused', segments: this.#segments.length, recordedMs: this.#recordedMs });
    });
  }

  resume(): Promise<void> {
    if (this.#state.phase !== 'paused') throw new RecordingStateError('resume', this.#state.phase);
    return this.#step(() => this.#beginSegment());
  }

  /** Ends the recording and saves it as one video clip; resolves with the final state. */
  async stop(): Promise<RecordingState> {
    const phase = this.#state.phase;
    if (phase !== 'recording' && phase !== 'paused') throw new RecordingStateError('stop', phase);
    this.#set({ phase: 'stopping', segments: this.#segments.length, recordedMs: this.#recordedMs });
    await this.#step(async () => {
      if (this.#segmentRunning) await this.#endSegment();
      const { clipId } = await this.#options.save([...this.#segments]);
      this.#options.stopControl.hide();
      this.#set({ phase: 'saved', clipId, recordedMs: this.#recordedMs });
    });
    return this.#state;
  }

  /** Throws the recording away and returns to idle. */
  async cancel(): Promise<void> {
    const phase = this.#state.phase;
    if (phase !== 'countdown' && phase !== 'recording' && phase !== 'paused') throw new RecordingStateError('cancel', phase);
    if (this.#countdown) clearTimeout(this.#countdown);
    this.#countdown = null;
    this.#countdownCancelled?.();
    this.#countdownCancelled = null;
    await this.#busy.catch(() => {});
    if (this.#segmentRunning) await this.#endSegment().catch(() => {});
    await this.#options.recorder.discard([...this.#segments]);
    this.#segments = [];
    this.#recordedMs = 0;
    this.#options.stopControl.hide();
    this.#set({ phase: 'idle' });
  }

  async #beginSegment(): Promise<void> {
    await this.#options.recorder.startSegment();
    this.#segmentRunning = true;
    this.#segmentStartedAt = this.#now();
    this.#set({ phase: 'recording', segments: this.#segments.length + 1, recordedMs: this.#recordedMs });
  }

  async #endSegment(): Promise<void> {
    this.#segmentRunning = false;
    const file = await this.#options.recorder.stopSegment();
    this.#segments.push(file);
    this.#recordedMs += this.#now() - this.#segmentStartedAt;
  }

  /** Runs one step after the previous; a failing step ends the session as failed, keeping its segments. */
  #step(work: () => Promise<void>): Promise<void> {
    const run = this.#busy.then(work).catch((error: unknown) => {
      this.#options.stopControl.hide();
      const reason = error instanceof Error ? error.message : String(error);
      const kept = [...this.#segments];
      this.#set({ phase: 'failed', reason: kept.length > 0 ? `${reason} (the recorded parts are kept: ${kept.join(', ')})` : reason, keptSegments: kept });
      throw error;
    });
    this.#busy = run.catch(() => {});
    return run;
  }

  #set(state: RecordingState): void {
    this.#state = state;
    if (state.phase !== 'saved' && state.phase !== 'failed' && state.phase !== 'idle') this.#options.stopControl.update(state);
    for (const listener of this.#listeners) listener(state);
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}
