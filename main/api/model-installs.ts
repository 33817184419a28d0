// The model downloads this instance runs for its windows: one per model at most, each with its
// progress and speed, cancellable, and its failure kept (for every window to show, with Retry)
// until the next try.
import type { ModelInstallFailure, ModelInstallView } from '../../contract/ai-settings.js';
import { ModelError } from '../ai/models/model-errors.js';
import type { ModelInstallEvent, ModelStore } from '../ai/models/model-store.js';

/** Speed is measured over this much of the recent past. */
const SPEED_WINDOW_MS = 3000;
/** A speed over less than this is mostly noise: none is shown yet. */
const MIN_SPEED_SPAN_MS = 400;

interface Install {
  view: ModelInstallView;
  controller: AbortController | null;
  /** Settles when the download has stopped, whatever the outcome. */
  done: Promise<void> | null;
  samples: { at: number; bytes: number }[];
}

export interface ModelInstallsOptions {
  /** Called whenever a download moves on, stops or fails. */
  onChange: () => void;
  /** Called once a model is installed (analysis then uses it). */
  onInstalled: (id: string) => void;
  now?: () => number;
}

export class ModelInstalls {
  readonly #installs = new Map<string, Install>();
  readonly #now: () => number;

  constructor(
    private readonly store: ModelStore,
    private readonly options: ModelInstallsOptions,
  ) {
    this.#now = options.now ?? Date.now;
  }

  view(id: string): ModelInstallView | null {
    const install = this.#installs.get(id);
    return install ? { ...install.view } : null;
  }

  isRunning(id: string): boolean {
    return this.#installs.get(id)?.view.state === 'downloading';
  }

  /** Starts the download (the caller has the person's consent); resolves once it has started, not finished. */
  start(id: string, totalBytes: number, presentBytes: number): void {
    const controller = new AbortController();
    const install: Install = {
      view: { state: 'downloading', receivedBytes: presentBytes, totalBytes, bytesPerSecond: null, retrying: null, failure: null },
      controller,
      done: null,
      samples: [],
    };
    this.#installs.set(id, install);
    install.done = this.store
      .install(id, { consent: true, signal: controller.signal, onProgress: (event) => this.#onProgress(install, event) })
      .then(
        () => {
          this.#forget(id, install);
          this.options.onInstalled(id);
        },
        (error: unknown) => {
          if (error instanceof ModelError && error.code === 'aborted') this.#forget(id, install);
          else install.view = { ...install.view, state: 'failed', bytesPerSecond: null, retrying: null, failure: failureOf(error) };
        },
      )
      .finally(() => {
        install.controller = null;
        this.options.onChange();
      });
    this.options.onChange();
  }

  /** Stops a running download and resolves once it has stopped (what arrived is kept). False when none was running. */
  async cancel(id: string): Promise<boolean> {
    const install = this.#installs.get(id);
    if (install?.view.state !== 'downloading' || !install.controller) return false;
    install.controller.abort();
    await install.done;
    return true;
  }

  /** Forgets a failure shown for the model (it is being removed, or tried again). */
  clear(id: string): void {
    if (this.#installs.get(id)?.view.state === 'failed') this.#installs.delete(id);
  }

  async stopAll(): Promise<void> {
    const running = [...this.#installs.values()].filter((install) => install.controller);
    for (const install of running) install.controller?.abort();
    await Promise.all(running.map((install) => install.done));
  }

  #forget(id: string, install: Install): void {
    if (this.#installs.get(id) === install) this.#installs.delete(id);
  }

  #onProgress(install: Install, event: ModelInstallEvent): void {
    if (event.type === 'start') {
      install.view = { ...install.view, receivedBytes: event.presentBytes, totalBytes: event.totalBytes };
      install.samples = [{ at: this.#now(), bytes: event.presentBytes }];
    } else if (event.type === 'progress') {
      install.view = { ...install.view, receivedBytes: event.receivedBytes, totalBytes: event.totalBytes, retrying: null, bytesPerSecond: this.#speed(install, event.receivedBytes) };
    } else if (event.type === 'retry') {
      install.view = { ...install.view, retrying: event.reason };
    } else {
      return;
    }
    this.options.onChange();
  }

  #speed(install: Install, bytes: number): number | null {
    const now = this.#now();
    install.samples.push({ at: now, bytes });
    while (install.samples.length > 2 && now - install.samples[1]!.at >= SPEED_WINDOW_MS) install.samples.shift();
    const first = install.samples[0]!;
    const span = now - first.at;
    return span < MIN_SPEED_SPAN_MS ? null : Math.max(0, Math.round(((bytes - first.bytes) * 1000) / span));
  }
}

function failureOf(error: unknown): ModelInstallFailure {
  if (error instanceof ModelError) return { code: error.code, message: error.message, retryable: error.transient };
  return { code: 'failed', message: error instanceof Error ? error.message : String(error), retryable: false };
}
