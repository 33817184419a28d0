// One open clip's analysis, shared by the parts of the clip view that show it (the panel's
// section and suggestions, the image editor's text layer, the video's frame texts): provided by
// ClipPanel, injected by the others.
import { computed, inject, onScopeDispose, provide, reactive, ref, shallowRef, watch, type ComputedRef, type InjectionKey, type Ref, type ShallowRef } from 'vue';
import { openSuggestions, type ClipAnalysisView, type SuggestedTagSummary } from '../../../contract/analysis.js';
import { ApiError } from '../../../contract/api.js';
import type { ClipView } from '../../../contract/clips.js';
import { useApi } from '../api/use-api.js';
import { useClipUndoStore } from '../clip/clip-undo-store.js';
import type { ShardHandle } from '../clip/clip-writes.js';
import { describeError } from '../lib/describe-error.js';
import { useAnalysisStore } from './analysis-store.js';
import { recognisedText } from './analysis-format.js';

/** How long an accepted or turned-down tag waits for the core's change to reach this window's document. */
const ARRIVAL_TIMEOUT_MS = 10_000;

export interface ClipAnalysisState {
  readonly clipId: string;
  /** What this device knows of the clip's analysis; null until the first answer. */
  view: ShallowRef<ClipAnalysisView | null>;
  /** Analysis is not running in this instance: the clip view shows nothing of it. */
  unsupported: Ref<boolean>;
  /** Why the analysis could not be read, or an action failed, in words ('' when all is well). */
  problem: Ref<string>;
  /** Open suggestions, best first, without those being accepted or turned down right now. */
  suggestions: ComputedRef<SuggestedTagSummary[]>;
  /** The clip's own tags with those being accepted (shown as tags at once). */
  ownTags: ComputedRef<string[]>;
  /** Everything recognised: an image's lines, a video's frames. */
  text: ComputedRef<string>;
  accept(tag: string): Promise<void>;
  reject(tag: string): Promise<void>;
  analyseAgain(): Promise<void>;
  refresh(): Promise<void>;
}

const CLIP_ANALYSIS_KEY: InjectionKey<ClipAnalysisState> = Symbol('clip-analysis');

/** For ClipPanel: starts following the clip's analysis and hands it to the views below. */
export function provideClipAnalysis(clipId: string, clip: ShallowRef<ClipView | null>, handle: ShallowRef<ShardHandle | null>): ClipAnalysisState {
  const state = useClipAnalysis(clipId, clip, handle);
  provide(CLIP_ANALYSIS_KEY, state);
  return state;
}

/** The open clip's analysis, or null outside a clip view (an editor mounted on its own). */
export function injectClipAnalysis(): ClipAnalysisState | null {
  return inject(CLIP_ANALYSIS_KEY, null);
}

export function useClipAnalysis(clipId: string, clip: ShallowRef<ClipView | null>, handle: ShallowRef<ShardHandle | null>): ClipAnalysisState {
  const api = useApi();
  const analysis = useAnalysisStore();
  const undo = useClipUndoStore();
  const view = shallowRef<ClipAnalysisView | null>(null);
  const unsupported = ref(false);
  const problem = ref('');
  const accepting = reactive(new Set<string>());
  const rejecting = reactive(new Set<string>());
  let requests = 0;
  let disposed = false;

  async function refresh(): Promise<void> {
    const asked = ++requests;
    try {
      const fresh = await api.clipAnalysis({ id: clipId });
      if (asked !== requests || disposed) return;
      view.value = fresh;
      unsupported.value = false;
    } catch (error) {
      if (asked !== requests || disposed) return;
      unsupported.value = error instanceof ApiError && error.code === 'unsupported';
      if (!unsupported.value) problem.value = describeError(error, 'read what analysis found in this clip');
    }
  }

  // Analysis moved on: this clip's part of it may have changed when it is waiting, being analysed, or just was.
  let lastCurrent: string | null = null;
  watch(
    () => analysis.changes,
    () => {
      const current = analysis.progress?.current ?? null;
      const status = view.value?.status;
      const concerned = current === clipId || lastCurrent === clipId || status === undefined || status === 'queued' || status === 'running' || status === 'none';
      lastCurrent = current;
      if (concerned) void refresh();
    },
  );
  // A new result in the entry, or an edit that makes the one held stale (a crop): ask again.
  watch(
    () => [clip.value?.analysis?.at, clip.value?.analysis?.input, clip.value?.edited?.at, clip.value?.contentHash],
    (now, before) => {
      if (before.some((value) => value !== undefined) && now.some((value, index) => value !== before[index])) void refresh();
    },
  );
  void refresh();
  onScopeDispose(() => {
    disposed = true;
  });

  const suggestions = computed(() => {
    const current = clip.value;
    if (!current) return [];
    return openSuggestions(current.analysis, current.tags).filter((suggestion) => !accepting.has(suggestion.tag) && !rejecting.has(suggestion.tag));
  });
  const ownTags = computed(() => {
    const tags = clip.value?.tags ?? [];
    const adding = [...accepting].filter((tag) => !tags.includes(tag));
    return adding.length === 0 ? tags : [...tags, ...adding];
  });
  const text = computed(() => recognisedText(view.value));

  const tagsInDocument = (): string[] => Object.keys(handle.value?.doc()?.clips[clipId]?.tags ?? {});

  /** Resolves once `holds` is true of the clip as this window's document has it (the core's change arrived), or after a while. */
  function arrival(holds: (clip: ClipView) => boolean): Promise<boolean> {
    return new Promise((resolve) => {
      if (clip.value && holds(clip.value)) {
        resolve(true);
        return;
      }
      const timer = setTimeout(() => {
        stop();
        resolve(false);
      }, ARRIVAL_TIMEOUT_MS);
      const stop = watch(clip, (current) => {
        if (!current || !holds(current)) return;
        clearTimeout(timer);
        stop();
        resolve(true);
      });
    });
  }

  /**
   * The tag shows among the clip's own at once; the core records it (and learns from it). Its
   * undo step is recorded once the core's change is in this window's document, so an undo takes
   * back that change rather than racing it.
   */
  async function accept(tag: string): Promise<void> {
    if (accepting.has(tag) || rejecting.has(tag)) return;
    accepting.add(tag);
    problem.value = '';
    try {
      await api.acceptSuggestion({ id: clipId, tag });
      const arrived = await arrival((current) => current.tags.includes(tag));
      const shard = handle.value;
      if (arrived && shard && !disposed) {
        const after = tagsInDocument();
        undo.record(clipId, { field: 'tags', before: after.filter((kept) => kept !== tag), after }, shard.heads(), { coalesce: false });
      }
    } catch (error) {
      problem.value = describeError(error, `add the tag “${tag}”`);
    } finally {
      accepting.delete(tag);
    }
  }

  /** The suggestion goes at once; the core records it as turned down (never suggested for this clip again). */
  async function reject(tag: string): Promise<void> {
    if (accepting.has(tag) || rejecting.has(tag)) return;
    rejecting.add(tag);
    problem.value = '';
    try {
      await api.rejectSuggestion({ id: clipId, tag });
      await arrival((current) => current.analysis?.rejected.includes(tag) === true);
    } catch (error) {
      problem.value = describeError(error, `turn down the tag “${tag}”`);
    } finally {
      rejecting.delete(tag);
    }
  }

  async function analyseAgain(): Promise<void> {
    problem.value = '';
    try {
      await analysis.analyseAgain([clipId]);
      await refresh();
    } catch (error) {
      problem.value = describeError(error, 'analyse the clip again');
    }
  }

  return { clipId, view, unsupported, problem, suggestions, ownTags, text, accept, reject, analyseAgain, refresh };
}
