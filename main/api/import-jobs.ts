import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ApiError, type ImportProgress } from '../../contract/api.js';
import { importFiles, type ImportEvent } from '../library/importer.js';
import type { Library } from '../library/library.js';

/** Progress is reported at most this often while files keep finishing (and always at the end). */
const PROGRESS_INTERVAL_MS = 150;

export interface ImportSource {
  /** Where the file (or folder) is now. */
  path: string;
  /** What the person should see: the upload's own name, or the path they chose. */
  name: string;
}

/** Running imports: each reports progress as events and can be cancelled. */
export class ImportJobs {
  readonly #running = new Map<string, AbortController>();
  readonly #settled = new Set<Promise<void>>();

  constructor(
    private readonly library: Library,
    private readonly report: (progress: ImportProgress) => void,
  ) {}

  start(sources: ImportSource[], cleanUp: () => Promise<void> = async () => undefined): { importId: string } {
    const importId = randomBytes(16).toString('hex');
    const aborter = new AbortController();
    this.#running.set(importId, aborter);
    const names = new Map(sources.map((source) => [path.resolve(source.path), source.name]));
    const nameOf = (file: string) => names.get(path.resolve(file)) ?? path.basename(file);
    const progress: ImportProgress = { importId, done: 0, total: sources.length, imported: [], duplicates: [], failed: [], finished: false, cancelled: false };
    let lastReport = 0;
    const onEvent = (event: ImportEvent, counts: { done: number }) => {
      progress.done = counts.done;
      progress.total = Math.max(progress.total, counts.done);
      if (event.type === 'imported') progress.imported.push(event.id);
      else if (event.type === 'duplicate') progress.duplicates.push({ name: nameOf(event.path), existingId: event.existingId });
      else progress.failed.push({ name: nameOf(event.path), code: event.code, reason: event.reason });
      if (performance.now() - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = performance.now();
        this.report(structuredClone(progress));
      }
    };
    this.report(structuredClone(progress));
    const job = importFiles(this.library, sources.map((source) => source.path), { onEvent, signal: aborter.signal })
      .then((result) => {
        progress.cancelled = result.interrupted;
      })
      .catch((error: unknown) => {
        progress.failed.push({ name: '(import)', code: 'failed', reason: error instanceof Error ? error.message : String(error) });
      })
      .finally(async () => {
        this.#running.delete(importId);
        await cleanUp().catch(() => undefined);
        progress.finished = true;
        this.report(structuredClone(progress));
      });
    this.#settled.add(job);
    void job.finally(() => this.#settled.delete(job));
    return { importId };
  }

  cancel(importId: string): void {
    const aborter = this.#running.get(importId);
    if (!aborter) throw new ApiError('not-found', `no running import ${importId}`);
    aborter.abort();
  }

  /** Stops every import; resolves once each has kept what it finished and cleaned up. */
  async stopAll(): Promise<void> {
    for (const aborter of this.#running.values()) aborter.abort();
    await Promise.all(this.#settled);
  }
}
