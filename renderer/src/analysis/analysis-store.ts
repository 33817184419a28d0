import { defineStore } from 'pinia';
import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { AnalysisProgress } from '../../../contract/analysis.js';
import { ApiError, type AnalysisFailure } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';
import { describeError } from '../lib/describe-error.js';
import { useConnectionStore } from '../stores/connection.js';

/**
 * Background analysis as the window shows it: its progress, fetched once and then kept fresh by
 * 'analysis-changed' events, the clips it gave up on, and what the person asks of it (pause,
 * resume, analyse again). A core without analysis leaves `unsupported` set and nothing shown.
 */
export const useAnalysisStore = defineStore('analysis', () => {
  const api = useApi();
  const connection = useConnectionStore();
  const progress = shallowRef<AnalysisProgress | null>(null);
  const unsupported = ref(false);
  /** Why the progress could not be read (not 'unsupported'), in words. */
  const problem = ref('');
  /** Bumped by every 'analysis-changed' event: an open clip asks for its own analysis again when it may have moved on. */
  const changes = ref(0);
  /** The clips analysis gave up on, once asked for (the failures list); refreshed while it is shown. */
  const failures = shallowRef<AnalysisFailure[] | null>(null);
  const failuresShown = ref(false);
  /** Whether the recognised text lies over images: the person's choice, kept from clip to clip. */
  const textLayerShown = ref(false);
  // Bumped by every event: an answer to a request sent before the latest event is older than what is shown.
  let version = 0;

  async function refresh(): Promise<void> {
    const asked = version;
    try {
      const fresh = await api.analysisProgress({});
      if (asked !== version) return;
      show(fresh);
    } catch (error) {
      if (asked !== version) return;
      unsupported.value = error instanceof ApiError && error.code === 'unsupported';
      problem.value = unsupported.value ? '' : describeError(error, 'read how analysis goes');
    }
  }

  function show(fresh: AnalysisProgress): void {
    const failedBefore = failedCount();
    progress.value = fresh;
    unsupported.value = false;
    problem.value = '';
    if (failuresShown.value && failedCount() !== failedBefore) void loadFailures();
  }

  function failedCount(): number {
    return (progress.value?.failed ?? 0) + (progress.value?.crashed ?? 0);
  }

  const unsubscribe = api.onEvent((event) => {
    if (event.type !== 'analysis-changed') return;
    version++;
    changes.value++;
    show(event.progress);
  });
  onScopeDispose(unsubscribe);
  // Events sent while the connection was down are lost.
  watch(
    () => connection.recoveries,
    () => {
      changes.value++;
      void refresh();
    },
  );

  // Each answer is shown at once; the event that follows says the same, or newer.
  async function pause(): Promise<void> {
    version++;
    show(await api.pauseAnalysis({}));
  }

  async function resume(): Promise<void> {
    version++;
    show(await api.resumeAnalysis({}));
  }

  /** Analyses the clips again (a failed one starts over); resolves with how many were queued. */
  async function analyseAgain(ids: readonly string[]): Promise<number> {
    const { queued } = await api.analyseClips({ ids: [...ids] });
    if (failures.value) failures.value = failures.value.filter((failure) => !ids.includes(failure.clipId));
    return queued;
  }

  async function loadFailures(): Promise<void> {
    failures.value = await api.analysisFailures({});
  }

  /** The clips on screen go first (ClipGrid, a moment after the view settles). */
  function prioritise(ids: readonly string[]): void {
    if (unsupported.value || ids.length === 0) return;
    // Nothing waits on this: a failure only means the queue keeps its own order.
    api.prioritiseAnalysis({ ids: [...ids] }).catch(() => undefined);
  }

  void refresh();

  return { progress, unsupported, problem, changes, failures, failuresShown, textLayerShown, refresh, pause, resume, analyseAgain, loadFailures, prioritise };
});
