import { computed, onScopeDispose, ref, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue';
import type { ExportFormat, ExportProgress } from '../../../../contract/api.js';
import { useApi } from '../../api/use-api.js';
import { describeError } from '../../lib/describe-error.js';

export interface ExportJob {
  /** The running or last export, as its events tell it; null before the first. */
  progress: ShallowRef<ExportProgress | null>;
  running: ComputedRef<boolean>;
  /** Where the finished file downloads from; null until there is one. */
  downloadUrl: ComputedRef<string | null>;
  /** Why starting or cancelling failed (a failed export says why in its progress). */
  error: Ref<string>;
  start(format: ExportFormat, detailHeads: string[]): Promise<void>;
  cancel(): Promise<void>;
}

/** One clip's export at a time: started through the API, followed through its progress events. */
export function useExportJob(clipId: string): ExportJob {
  const api = useApi();
  const progress = shallowRef<ExportProgress | null>(null);
  const error = ref('');
  let jobId: string | null = null;
  // Events of jobs this window may be starting: one can arrive before the answer naming its job.
  let unclaimed = new Map<string, ExportProgress>();
  let starting = false;

  const stop = api.onEvent((event) => {
    if (event.type !== 'export-progress') return;
    if (event.progress.jobId === jobId) progress.value = event.progress;
    else if (starting) unclaimed.set(event.progress.jobId, event.progress);
  });
  onScopeDispose(stop);

  const running = computed(() => progress.value !== null && !progress.value.finished);
  const downloadUrl = computed(() => {
    const current = progress.value;
    return current?.finished && current.fileName && !current.error && !current.cancelled ? api.exportUrl(current.jobId) : null;
  });

  return {
    progress,
    running,
    downloadUrl,
    error,
    async start(format, detailHeads) {
      error.value = '';
      starting = true;
      try {
        const started = await api.exportClip({ id: clipId, format, detailHeads });
        jobId = started.jobId;
        progress.value = unclaimed.get(jobId) ?? { jobId, label: format.toUpperCase(), fraction: 0, stage: 'starting', finished: false, cancelled: false, error: null, fileName: null };
      } catch (cause) {
        error.value = describeError(cause, `export the video as ${format.toUpperCase()}`);
      } finally {
        starting = false;
        unclaimed = new Map();
      }
    },
    async cancel() {
      const current = progress.value;
      if (!current || current.finished) return;
      try {
        await api.cancelExport({ jobId: current.jobId });
      } catch (cause) {
        error.value = describeError(cause, 'cancel the export');
      }
    },
  };
}
