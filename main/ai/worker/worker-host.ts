import type { AnalysisTask, WorkerMessage, WorkerResult } from './worker-protocol.js';
import type { WorkerChannel, WorkerLauncher } from './worker-launcher.js';

/** The worker process ended (crash, kill, out of memory) while it had this clip. */
export class WorkerCrashedError extends Error {
  readonly code = 'worker-crashed';
  constructor(readonly clipId: string, how: string) {
    super(`the analysis worker stopped (${how}) while analysing clip ${clipId}`);
    this.name = 'WorkerCrashedError';
  }
}

/** The worker took longer than allowed on one clip and was stopped. */
export class WorkerTimeoutError extends Error {
  readonly code = 'worker-timeout';
  constructor(readonly clipId: string, timeoutMs: number) {
    super(`analysing clip ${clipId} took over ${Math.round(timeoutMs / 1000)} s; the analysis worker was stopped`);
    this.name = 'WorkerTimeoutError';
  }
}

/** The analysis of one clip failed inside the worker (a bad image, a model error); the worker lives on. */
export class AnalysisFailedError extends Error {
  readonly code = 'analysis-failed';
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisFailedError';
  }
}

export interface WorkerHostOptions {
  /** Per clip; a video gets `videoTimeoutMs`. */
  timeoutMs?: number;
  videoTimeoutMs?: number;
  /** After a crash the next start waits this long, doubling up to `maxBackoffMs`; a finished clip resets it. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Told when a worker process starts and when one ends, for progress and tests. */
  onLifecycle?: (event: { type: 'started'; pid: number | undefined } | { type: 'exited'; pid: number | undefined; code: number | null; signal: string | null }) => void;
  onStarted?: (clipId: string) => void;
}

interface InFlight {
  requestId: number;
  clipId: string;
  resolve: (result: WorkerResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const CANCEL_GRACE_MS = 2_000;

/**
 * Runs clips through the analysis worker one at a time. The worker starts on first use; when it
 * dies the clip it had fails with WorkerCrashedError and the next clip starts a new worker after a
 * backoff, so one bad clip cannot take analysis down, nor spin a crash loop.
 */
export class AnalysisWorkerHost {
  #channel: WorkerChannel | null = null;
  #inFlight: InFlight | null = null;
  #nextRequestId = 1;
  #backoffMs: number;
  #notBefore = 0;
  #closed = false;
  readonly #options: Required<Omit<WorkerHostOptions, 'onLifecycle' | 'onStarted'>> & Pick<WorkerHostOptions, 'onLifecycle' | 'onStarted'>;

  constructor(private readonly launcher: WorkerLauncher, options: WorkerHostOptions = {}) {
    this.#options = { timeoutMs: 120_000, videoTimeoutMs: 600_000, backoffMs: 1_000, maxBackoffMs: 30_000, ...options };
    this.#backoffMs = this.#options.backoffMs;
  }

  get pid(): number | undefined {
    return this.#channel?.pid;
  }

  async analyse(task: AnalysisTask, signal?: AbortSignal): Promise<WorkerResult> {
    if (this.#closed) throw new Error('the analysis worker is shut down');
    if (this.#inFlight) throw new Error('the analysis worker takes one clip at a time');
    signal?.throwIfAborted();
    const wait = this.#notBefore - Date.now();
    if (wait > 0) await sleep(wait, signal);
    const channel = this.#ensureChannel();
    const requestId = this.#nextRequestId++;
    const timeoutMs = task.kind === 'video' ? this.#options.videoTimeoutMs : this.#options.timeoutMs;
    return new Promise<WorkerResult>((resolve, reject) => {
      const onAbort = (): void => {
        channel.send({ type: 'cancel', requestId });
        // A worker deep inside a native call may not hear the cancel; stopping it frees the clip.
        setTimeout(() => {
          if (this.#inFlight?.requestId === requestId) channel.kill();
        }, CANCEL_GRACE_MS).unref();
      };
      const timer = setTimeout(() => {
        if (this.#inFlight?.requestId !== requestId) return;
        this.#settle()?.reject(new WorkerTimeoutError(task.clipId, timeoutMs));
        channel.kill();
      }, timeoutMs);
      this.#inFlight = {
        requestId,
        clipId: task.clipId,
        timer,
        resolve: (result) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(signal?.aborted ? (signal.reason as Error) : error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // Transferring would detach the caller's bytes; a copy keeps them usable after a crash.
      channel.send({ type: 'analyse', requestId, task });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#settle()?.reject(new Error('the analysis worker was shut down'));
    this.#channel?.kill();
    this.#channel = null;
  }

  #ensureChannel(): WorkerChannel {
    if (this.#channel) return this.#channel;
    const channel = this.launcher.launch();
    this.#channel = channel;
    this.#options.onLifecycle?.({ type: 'started', pid: channel.pid });
    channel.onMessage((raw) => this.#onMessage(raw as WorkerMessage));
    channel.onExit((code, signal) => {
      if (this.#channel === channel) this.#channel = null;
      this.#options.onLifecycle?.({ type: 'exited', pid: channel.pid, code, signal });
      const lost = this.#settle();
      if (lost) {
        lost.reject(new WorkerCrashedError(lost.clipId, signal ? `signal ${signal}` : `exit code ${code}`));
        this.#notBefore = Date.now() + this.#backoffMs;
        this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs);
      }
    });
    return channel;
  }

  #onMessage(message: WorkerMessage): void {
    const inFlight = this.#inFlight;
    if (!inFlight || !('requestId' in message) || message.requestId !== inFlight.requestId) return;
    if (message.type === 'started') {
      this.#options.onStarted?.(inFlight.clipId);
    } else if (message.type === 'done') {
      this.#settle();
      this.#backoffMs = this.#options.backoffMs;
      inFlight.resolve(message.result);
    } else if (message.type === 'failed') {
      this.#settle();
      inFlight.reject(new AnalysisFailedError(message.error));
    }
  }

  #settle(): InFlight | null {
    const inFlight = this.#inFlight;
    if (inFlight) clearTimeout(inFlight.timer);
    this.#inFlight = null;
    return inFlight;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
