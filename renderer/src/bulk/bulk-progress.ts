import { defineStore } from 'pinia';
import { computed, onScopeDispose, shallowReactive } from 'vue';
import type { BulkProgress, ExportProgress } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';

/** Work on fewer clips than this is over before a progress bar could mean anything. */
export const PROGRESS_SHOWN_FROM_CLIPS = 200;

/** A long job this window started, as the core reports it. */
export type RunningJob = { kind: 'bulk'; progress: BulkProgress } | { kind: 'export'; progress: ExportProgress; download: boolean };

/** A new operation id (32 hex digits) for the core's bulk API: chosen here so the window can cancel before the answer comes. */
export function newOperationId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/**
 * Bulk operations and exports this window started, with their progress from the core's events:
 * what the progress panel shows (with Cancel) while they run.
 */
export const useBulkProgressStore = defineStore('bulk-progress', () => {
  const api = useApi();
  const jobs = shallowReactive(new Map<string, RunningJob>());
  const finishedExports = new Map<string, (progress: ExportProgress) => void>();

  /** Watches a bulk operation by the id given to the core. */
  function trackOperation(operationId: string, label: string): () => void {
    jobs.set(operationId, { kind: 'bulk', progress: { operationId, label, done: 0, total: 0, finished: false, cancelled: false } });
    return () => jobs.delete(operationId);
  }

  /** Watches an export job; resolves once it finished (done, failed or cancelled). */
  function trackExport(jobId: string, label: string, download: boolean): Promise<ExportProgress> {
    const progress: ExportProgress = { jobId, label, fraction: 0, stage: 'starting', finished: false, cancelled: false, error: null, fileName: null };
    jobs.set(jobId, { kind: 'export', progress, download });
    return new Promise((resolve) => finishedExports.set(jobId, resolve));
  }

  const stop = api.onEvent((event) => {
    if (event.type === 'bulk-progress') {
      const job = jobs.get(event.progress.operationId);
      if (job?.kind === 'bulk' && !event.progress.finished) jobs.set(event.progress.operationId, { kind: 'bulk', progress: { ...event.progress, label: event.progress.label || job.progress.label } });
    } else if (event.type === 'export-progress') {
      const job = jobs.get(event.progress.jobId);
      if (job?.kind !== 'export') return;
      if (!event.progress.finished) {
        jobs.set(event.progress.jobId, { ...job, progress: event.progress });
        return;
      }
      jobs.delete(event.progress.jobId);
      finishedExports.get(event.progress.jobId)?.(event.progress);
      finishedExports.delete(event.progress.jobId);
    }
  });
  onScopeDispose(stop);

  function cancel(id: string): Promise<null> {
    const job = jobs.get(id);
    if (job?.kind === 'export') return api.cancelExport({ jobId: id });
    return api.cancelBulk({ operationId: id });
  }

  /** Jobs worth a progress bar: exports, and bulk operations on many clips. */
  const shown = computed(() => [...jobs.values()].filter((job) => job.kind === 'export' || job.progress.total >= PROGRESS_SHOWN_FROM_CLIPS));

  return { jobs, shown, trackOperation, trackExport, cancel };
});
