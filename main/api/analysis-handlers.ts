// The API's analysis methods: each hands its (already checked) request to the analysis service,
// and a core without analysis answers every one of them 'unsupported'.
import type { AnalysisControl } from '../../contract/analysis.js';
import { ApiError, type API_REQUEST_SCHEMAS, type AnalysisFailure, type ApiEvent, type ApiResults } from '../../contract/api.js';
import type { ClipView } from '../../contract/clips.js';
import { AnalysisStore } from '../ai/analysis/analysis-store.js';
import type { Library } from '../library/library.js';

type AnalysisMethod =
  | 'analysisProgress'
  | 'analyseClips'
  | 'prioritiseAnalysis'
  | 'pauseAnalysis'
  | 'resumeAnalysis'
  | 'cancelAnalysis'
  | 'clipAnalysis'
  | 'analysisFailures'
  | 'acceptSuggestion'
  | 'rejectSuggestion';
type Params<M extends AnalysisMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type AnalysisHandlers = { [M in AnalysisMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

/** 'analysis-changed' events are at most this often (4 a second): a busy queue changes with every clip. */
export const ANALYSIS_EVENT_INTERVAL_MS = 250;
/** The failures list shows this many; more would not be read one by one. */
export const MAX_LISTED_FAILURES = 200;

export function createAnalysisHandlers(library: Library, analysis: AnalysisControl | undefined): AnalysisHandlers {
  const control = (): AnalysisControl => {
    if (!analysis) throw new ApiError('unsupported', 'analysis is not running in this instance');
    return analysis;
  };
  // The queue's failures live in the library's database beside the queue; read only once asked.
  let store: AnalysisStore | null = null;

  /** A tag the clip's analysis suggested (open, accepted or turned down): the API writes no other tag this way. */
  const suggestedClip = (id: string, tag: string): ClipView => {
    const clip = library.get(id);
    if (!clip.analysis?.suggested.some((suggestion) => suggestion.tag === tag)) throw new ApiError('not-found', `“${tag}” is not a tag suggested for this clip`);
    return clip;
  };

  return {
    analysisProgress: () => control().progress(),
    analyseClips: ({ ids, all }) => control().analyse(all ? 'all' : { ids: ids ?? [] }),
    prioritiseAnalysis: ({ ids }) => {
      control().prioritise(ids);
      return null;
    },
    pauseAnalysis: async () => {
      const running = control();
      await running.pause();
      return running.progress();
    },
    resumeAnalysis: async () => {
      const running = control();
      await running.resume();
      return running.progress();
    },
    cancelAnalysis: ({ ids }) => control().cancel(ids),
    clipAnalysis: ({ id }) => control().clip(id),
    analysisFailures: () => {
      control();
      store ??= new AnalysisStore(library.db);
      return store.problems(MAX_LISTED_FAILURES).map((job): AnalysisFailure => ({
        clipId: job.clipId,
        title: library.index.get(job.clipId)?.title ?? '',
        state: job.state === 'crashed' ? 'crashed' : 'failed',
        error: job.error ?? 'no reason was recorded',
        attempts: job.attempts + job.crashes,
      }));
    },
    acceptSuggestion: async ({ id, tag }) => {
      const running = control();
      const clip = suggestedClip(id, tag);
      // Already one of its tags (a second press, another window): nothing to learn twice.
      if (!clip.tags.includes(tag)) await running.acceptSuggestion(clip.id, tag);
      return library.get(clip.id);
    },
    rejectSuggestion: async ({ id, tag }) => {
      const running = control();
      const clip = suggestedClip(id, tag);
      if (!clip.analysis?.rejected.includes(tag) || clip.tags.includes(tag)) await running.rejectSuggestion(clip.id, tag);
      return library.get(clip.id);
    },
  };
}

/**
 * Forwards analysis's changes as 'analysis-changed' events carrying the whole progress, at most
 * one per ANALYSIS_EVENT_INTERVAL_MS: the first change waits out the interval and the progress
 * sent is the one at its end, so the last change is never lost. Returns the function that stops it.
 */
export function forwardAnalysisChanges(analysis: AnalysisControl | undefined, emit: (event: ApiEvent) => void): () => void {
  if (!analysis) return () => undefined;
  let timer: NodeJS.Timeout | null = null;
  const stop = analysis.onChange(() => {
    timer ??= setTimeout(() => {
      timer = null;
      let progress;
      try {
        progress = analysis.progress();
      } catch {
        // Analysis is closing with the library: a window asks again when it reconnects.
        return;
      }
      emit({ type: 'analysis-changed', progress });
    }, ANALYSIS_EVENT_INTERVAL_MS);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
