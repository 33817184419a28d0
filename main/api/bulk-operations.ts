import { randomBytes } from 'node:crypto';
import { ApiError, type BulkProgress } from '../../contract/api.js';

/** Progress is reported at most this often (and always at the start and the end). */
const PROGRESS_INTERVAL_MS = 200;

export interface BulkContext {
  operationId: string;
  signal: AbortSignal;
  /** Names the work for a person once its size is known ("Tagging 500 clips"). */
  describe(label: string): void;
  progress(done: number, total: number): void;
}

/**
 * The bulk operations running now: each can be cancelled by its id (which the caller may choose,
 * so it can cancel before the answer comes) and reports 'bulk-progress' as it goes.
 */
export class BulkOperations {
  readonly #running = new Map<string, AbortController>();

  constructor(private readonly report: (progress: BulkProgress) => void) {}

  async run<T>(operationId: string | undefined, work: (context: BulkContext) => Promise<T>): Promise<T & { operationId: string }> {
    const id = operationId ?? randomBytes(16).toString('hex');
    if (this.#running.has(id)) throw new ApiError('invalid-request', `operation ${id} is already running`);
    const aborter = new AbortController();
    this.#running.set(id, aborter);
    const progress: BulkProgress = { operationId: id, label: '', done: 0, total: 0, finished: false, cancelled: false };
    let lastReport = -Infinity;
    const send = (force: boolean) => {
      if (!force && performance.now() - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = performance.now();
      this.report({ ...progress });
    };
    try {
      const result = await work({
        operationId: id,
        signal: aborter.signal,
        describe: (label) => {
          progress.label = label;
        },
        progress: (done, total) => {
          progress.done = done;
          progress.total = total;
          send(done === 0);
        },
      });
      return { ...result, operationId: id };
    } finally {
      this.#running.delete(id);
      progress.finished = true;
      progress.cancelled = aborter.signal.aborted;
      send(true);
    }
  }

  cancel(operationId: string): void {
    const aborter = this.#running.get(operationId);
    if (!aborter) throw new ApiError('not-found', `no running operation ${operationId}`);
    aborter.abort();
  }

  stopAll(): void {
    for (const aborter of this.#running.values()) aborter.abort();
  }
}
