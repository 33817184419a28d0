import { ImmutableString } from '@automerge/automerge';
import {
  type AnalysisImage,
  MAX_SUGGESTED_TAGS,
  MAX_SUMMARY_TEXT,
  openSuggestions,
  type AnalysisControl,
  type AnalysisProgress,
  type ClipAnalysisView,
  type SuggestedTag,
} from '../../../contract/analysis.js';
import type { ClipView } from '../../../contract/clips.js';
import type { ClipAnalysisDoc, ClipEntryDoc } from '../../../contract/shard-document.js';
import { ClipNotFoundError } from '../../library/errors.js';
import type { AnalysisState } from '../../index/clip-index.js';
import type { Library } from '../../library/library.js';
import type { AiProvider } from '../ai-provider.js';
import type { AnalysisTask, TaskModels, WorkerResult } from '../worker/worker-protocol.js';
import { WorkerCrashedError, WorkerTimeoutError, type AnalysisWorkerHost } from '../worker/worker-host.js';
import { analysisInputOf, analysisNeeded, modelsImprove, modelsKeyOf } from './analysis-keys.js';
import { JOB_PRIORITY, AnalysisStore, type NewJob, type StoredAnalysis } from './analysis-store.js';
import { readClipForAnalysis } from './clip-input.js';
import { openPersonalSuggestions } from './personal-suggestions.js';

export interface AnalysisServiceOptions {
  host: AnalysisWorkerHost;
  /** The installed models, asked again whenever `modelsChanged()` is called. */
  models: () => Promise<TaskModels>;
  /** Suggestions learned from the person's own tagging, added to the worker's; kept in the library when not given. */
  personal?: PersonalSuggestions | null;
  /**
   * Remote providers the person turned on (with consent) that tag images: each analysed picture
   * is also sent to them, and their tags join the suggestions. Asked anew for every clip, so
   * turning one off takes effect at once.
   */
  remoteTaggers?: () => AiProvider[];
  /** Failed attempts before a clip is left alone (the reason recorded). */
  maxAttempts?: number;
  /** Worker crashes during one clip before it is marked and never tried on its own again. */
  maxCrashes?: number;
}

/** Learns from what the person tags (accepts, rejects, adds by hand); suggests tags for a newly analysed clip. */
export interface PersonalSuggestions {
  suggest(clip: ClipView, found: WorkerResult): SuggestedTag[];
  learn(clip: ClipView, event: { accepted?: string; rejected?: string; tags?: readonly string[] }): void;
  /** Writes what was learned now (on close). */
  flush(): Promise<void>;
}

/**
 * Results are written to the clips' entries together, at most this long after the first of them:
 * each write commits (an fsync), which would otherwise hold up the main process once per clip.
 */
const WRITE_DELAY_MS = 1_500;
const WRITE_BATCH = 32;
const PAUSED_KEY = 'paused';

/**
 * Analyses every clip in the background, one at a time, in the analysis worker: new clips and
 * clips on screen first. The queue lives in the library's database, so work survives a restart;
 * what each clip's analysis found goes into its entry (synced, indexed for search) and, with
 * boxes, into this device's own results.
 */
export class AnalysisService implements AnalysisControl {
  readonly #store: AnalysisStore;
  readonly #listeners = new Set<() => void>();
  readonly #settledWaiters = new Set<() => void>();
  readonly #pendingWrites = new Map<string, { summary: ClipAnalysisDoc; stored: StoredAnalysis }>();
  #writeTimer: NodeJS.Timeout | null = null;
  #models: TaskModels = { ocr: null, clip: null };
  #modelsKey = '';
  #paused: boolean;
  #closed = false;
  #current: { clipId: string; controller: AbortController } | null = null;
  #pumping = false;
  #analysed = 0;
  #notifyTimer: NodeJS.Timeout | null = null;
  #personal: PersonalSuggestions | null = null;
  /** The last remote provider failure, shown with the progress until one succeeds. */
  #remoteProblem: string | null = null;
  readonly #stopIndexEvents: () => void;
  readonly #maxAttempts: number;
  readonly #maxCrashes: number;

  private constructor(
    private readonly library: Library,
    private readonly options: AnalysisServiceOptions,
  ) {
    this.#store = new AnalysisStore(library.db);
    this.#paused = this.#store.getState(PAUSED_KEY) === '1';
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#maxCrashes = options.maxCrashes ?? 2;
    this.#stopIndexEvents = library.onIndexChanged((ids) => this.#onClipsChanged(ids));
  }

  static async start(library: Library, options: AnalysisServiceOptions): Promise<AnalysisService> {
    const service = new AnalysisService(library, options);
    service.#personal =
      options.personal !== undefined ? options.personal : await openPersonalSuggestions(service.#store, (work) => library.write(async () => work()));
    await service.modelsChanged();
    return service;
  }

  /** Re-reads the installed models; clips analysed with fewer or older ones are queued again. */
  async modelsChanged(): Promise<void> {
    this.#models = await this.options.models();
    this.#modelsKey = modelsKeyOf([this.#models.ocr?.model, this.#models.clip?.model].filter((model) => model !== undefined));
    await this.#enqueueStale(null);
  }

  progress(): AnalysisProgress {
    const counts = this.#store.counts();
    const state = this.#paused ? 'paused' : this.#current || counts.queued > 0 ? 'running' : 'idle';
    return {
      state,
      queued: counts.queued,
      analysed: this.#analysed,
      failed: counts.failed,
      crashed: counts.crashed,
      current: this.#current?.clipId ?? null,
      ...(this.#remoteProblem !== null && { remoteProblem: this.#remoteProblem }),
    };
  }

  async analyse(target: { ids: readonly string[] } | 'all'): Promise<{ queued: number }> {
    const clips = target === 'all' ? this.library.index.analysisStates() : target.ids.map((id) => this.library.get(id));
    const jobs = clips.map((clip) => this.#job(clip, JOB_PRIORITY.new));
    const queued = await this.library.write(async () => this.#store.enqueue(jobs, true));
    this.#changed();
    this.#pump();
    return { queued };
  }

  prioritise(ids: readonly string[]): void {
    // Clips on screen whose analysis is current get nothing; others jump the queue.
    const stale = ids
      .map((id) => this.library.index.get(id))
      .filter((clip) => clip !== null && analysisNeeded(clip, this.#modelsKey) !== null)
      .map((clip) => this.#job(clip!, JOB_PRIORITY.visible));
    if (stale.length === 0) return;
    void this.library.write(async () => this.#store.enqueue(stale, false)).then(() => this.#pump());
  }

  async pause(): Promise<void> {
    this.#paused = true;
    await this.library.write(async () => this.#store.setState(PAUSED_KEY, '1'));
    this.#current?.controller.abort(new Error('analysis paused'));
    this.#changed();
    this.#checkSettled();
  }

  async resume(): Promise<void> {
    this.#paused = false;
    await this.library.write(async () => this.#store.setState(PAUSED_KEY, null));
    this.#changed();
    this.#pump();
  }

  async cancel(ids?: readonly string[]): Promise<{ cancelled: number }> {
    const cancelled = await this.library.write(async () => this.#store.remove(ids ?? null));
    if (this.#current && (!ids || ids.includes(this.#current.clipId))) this.#current.controller.abort(new Error('analysis cancelled'));
    this.#changed();
    return { cancelled };
  }

  async clip(idOrPrefix: string): Promise<ClipAnalysisView> {
    const clip = this.library.get(idOrPrefix);
    const job = this.#store.job(clip.id);
    const stored = this.#store.result(clip.id);
    const current = stored !== null && stored.input === analysisInputOf(clip);
    const status = this.#current?.clipId === clip.id ? 'running' : job ? job.state : clip.analysis || current ? 'done' : 'none';
    return {
      clipId: clip.id,
      status,
      error: job?.error ?? null,
      attempts: job ? job.attempts + job.crashes : 0,
      recognition: current ? stored.recognition : null,
      frames: current ? stored.frames : [],
      suggestions: openSuggestions(clip.analysis, clip.tags),
      analysedAt: clip.analysis?.at ?? stored?.analysedAt ?? null,
      models: clip.analysis?.models ?? stored?.models ?? null,
    };
  }

  async acceptSuggestion(idOrPrefix: string, tag: string): Promise<void> {
    const clip = await this.library.changeClip(idOrPrefix, 'tag', (entry) => {
      entry.tags[tag] = true;
    });
    this.#personal?.learn(clip, { accepted: tag });
  }

  async rejectSuggestion(idOrPrefix: string, tag: string): Promise<void> {
    const clip = await this.library.changeClip(idOrPrefix, 'tag', (entry) => {
      if (entry.analysis) entry.analysis.rejected[tag] = true;
      delete entry.tags[tag];
    });
    this.#personal?.learn(clip, { rejected: tag });
  }

  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.#settledWaiters.add(resolve);
      this.#checkSettled();
    });
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopIndexEvents();
    this.#current?.controller.abort(new Error('analysis stopped'));
    await this.#flushWrites().catch(() => undefined);
    await this.#personal?.flush().catch(() => undefined);
    await this.options.host.close();
    for (const resolve of this.#settledWaiters) resolve();
    this.#settledWaiters.clear();
  }

  // ---- the queue ----

  #job(clip: Pick<ClipView, 'id' | 'importedAt' | 'contentHash' | 'edited'>, priority: number): NewJob {
    return { clipId: clip.id, priority, orderKey: clip.importedAt, input: analysisInputOf(clip) };
  }

  #onClipsChanged(ids: string[] | null): void {
    if (this.#closed) return;
    // Each changed clip is read from the index once, for both uses.
    const clips = ids === null ? null : ids.map((id) => this.library.index.get(id)).filter((clip) => clip !== null);
    void this.#enqueueStale(clips).catch(() => undefined);
    // Tags the person gave analysed clips by hand teach the personal suggestions.
    for (const clip of clips ?? []) {
      if (clip.analysis && clip.tags.length > 0) this.#personal?.learn(clip, { tags: clip.tags });
    }
  }

  /** Queues the clips (all of the library's when null) whose analysis is missing or out of date. */
  async #enqueueStale(changed: readonly AnalysisState[] | null): Promise<void> {
    const clips = changed ?? this.library.index.analysisStates();
    const jobs: NewJob[] = [];
    for (const clip of clips) {
      const need = analysisNeeded(clip, this.#modelsKey);
      if (need === null || this.#pendingWrites.has(clip.id)) continue;
      jobs.push(this.#job(clip, need === 'new' ? JOB_PRIORITY.new : JOB_PRIORITY.backlog));
    }
    if (jobs.length === 0) return;
    await this.library.write(async () => this.#store.enqueue(jobs, false));
    this.#changed();
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping || this.#closed) return;
    this.#pumping = true;
    void this.#run().finally(() => {
      this.#pumping = false;
      this.#checkSettled();
    });
  }

  async #run(): Promise<void> {
    while (!this.#closed && !this.#paused) {
      const [job] = this.#store.next(1, new Set(this.#pendingWrites.keys()));
      if (!job) break;
      const controller = new AbortController();
      this.#current = { clipId: job.clipId, controller };
      this.#changed();
      try {
        await this.#analyseOne(job.clipId, controller.signal);
      } finally {
        this.#current = null;
        this.#changed();
      }
    }
    await this.#flushWrites();
  }

  async #analyseOne(clipId: string, signal: AbortSignal): Promise<void> {
    let clip: ClipView;
    let task: AnalysisTask;
    try {
      clip = this.library.get(clipId);
      if (clip.deletedAt !== null) {
        await this.library.write(async () => this.#store.remove([clipId]));
        return;
      }
      task = await readClipForAnalysis(this.library, clip, this.#models);
    } catch (error) {
      if (error instanceof ClipNotFoundError) await this.library.write(async () => this.#store.remove([clipId]));
      else await this.#recordFailure(clipId, error);
      return;
    }
    try {
      const found = await this.options.host.analyse(task, signal);
      found.tags.push(...(await this.#remoteTags(clip, task, found, signal)));
      this.#queueWrite(clip, found);
      this.#analysed++;
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof WorkerCrashedError || error instanceof WorkerTimeoutError) {
        await this.library.write(async () => this.#store.recordCrash(clipId, error.message, this.#maxCrashes));
      } else {
        await this.#recordFailure(clipId, error);
      }
    }
  }

  /** Tags from enabled remote providers; one that fails is noted in the clip's job, not fatal to its analysis. */
  async #remoteTags(clip: ClipView, task: AnalysisTask, found: WorkerResult, signal: AbortSignal): Promise<SuggestedTag[]> {
    const taggers = task.kind === 'image' && (task.mime === 'image/png' || task.mime === 'image/jpeg') ? (this.options.remoteTaggers?.() ?? []) : [];
    if (taggers.length === 0) return [];
    const size = clip.edited?.width !== undefined ? clip.edited : clip.media;
    // Remote providers read only the encoded picture: it is what leaves the device.
    const image: AnalysisImage = { width: size?.width ?? 0, height: size?.height ?? 0, rgb: new Uint8Array(0), encoded: { bytes: task.bytes, mime: task.mime as AnalysisImage['encoded']['mime'] } };
    const context = { recognisedText: found.recognition?.text ?? '', kind: clip.kind, sourceName: clip.sourceName };
    const tags: SuggestedTag[] = [];
    for (const provider of taggers) {
      try {
        tags.push(...((await provider.tag?.(image, context, signal)) ?? []).map((tag) => ({ ...tag, source: 'remote' as const })));
        this.#remoteProblem = null;
      } catch (error) {
        if (signal.aborted) throw error;
        this.#remoteProblem = `${provider.id}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return tags;
  }

  async #recordFailure(clipId: string, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    await this.library.write(async () => this.#store.recordFailure(clipId, reason, this.#maxAttempts));
  }

  // ---- results ----

  #queueWrite(clip: ClipView, found: WorkerResult): void {
    const personal = this.#personal?.suggest(clip, found) ?? [];
    const tags = bestTags([...found.tags, ...personal]);
    const text = recognisedText(found).slice(0, MAX_SUMMARY_TEXT);
    const summary: ClipAnalysisDoc = {
      text: new ImmutableString(text),
      suggested: Object.fromEntries(tags.map((tag) => [tag.tag, { score: round(tag.score), source: new ImmutableString(tag.source) }])),
      rejected: {},
      input: new ImmutableString(analysisInputOf(clip)),
      models: new ImmutableString(this.#modelsKey),
      at: Date.now(),
    };
    const stored: StoredAnalysis = { clipId: clip.id, input: analysisInputOf(clip), models: this.#modelsKey, analysedAt: summary.at, recognition: found.recognition, frames: found.frames, tags };
    this.#pendingWrites.set(clip.id, { summary, stored });
    if (this.#pendingWrites.size >= WRITE_BATCH) void this.#flushWrites();
    else this.#writeTimer ??= setTimeout(() => void this.#flushWrites(), WRITE_DELAY_MS);
  }

  async #flushWrites(): Promise<void> {
    if (this.#writeTimer) clearTimeout(this.#writeTimer);
    this.#writeTimer = null;
    if (this.#pendingWrites.size === 0) return;
    const writes = new Map(this.#pendingWrites);
    const modelsKey = this.#modelsKey;
    try {
      await this.library.changeClips([...writes.keys()], 'analyse', {
        // Another device may have written a result from better models meanwhile: that one stays.
        changes: (entry) => shouldRecord(entry, writes.get(entry.id.toString())!.summary, modelsKey),
        apply: (entry) => {
          const { summary } = writes.get(entry.id.toString())!;
          const rejected = entry.analysis?.rejected ?? {};
          entry.analysis = { ...summary, rejected: { ...rejected } };
        },
        alongside: () => {
          for (const { stored } of writes.values()) this.#store.completed(stored);
        },
      });
    } finally {
      for (const id of writes.keys()) this.#pendingWrites.delete(id);
      this.#changed();
    }
  }

  #checkSettled(): void {
    if (this.#pumping && !this.#paused && !this.#closed) return;
    if (!this.#paused && !this.#closed && this.#store.counts().queued > 0) return;
    for (const resolve of this.#settledWaiters) resolve();
    this.#settledWaiters.clear();
  }

  #changed(): void {
    if (this.#notifyTimer || this.#listeners.size === 0) return;
    this.#notifyTimer = setTimeout(() => {
      this.#notifyTimer = null;
      for (const listener of this.#listeners) listener();
    }, 50);
    this.#notifyTimer.unref();
  }
}

function shouldRecord(entry: ClipEntryDoc, summary: ClipAnalysisDoc, modelsKey: string): boolean {
  const existing = entry.analysis;
  if (!existing) return true;
  if (existing.input.toString() !== summary.input.toString()) return true;
  return !modelsImprove(existing.models.toString(), modelsKey) && existing.text.toString() + JSON.stringify(existing.suggested) !== summary.text.toString() + JSON.stringify(summary.suggested);
}

/** One suggestion per tag (its best score), best first, the top few. */
function bestTags(tags: readonly SuggestedTag[]): SuggestedTag[] {
  const best = new Map<string, SuggestedTag>();
  for (const tag of tags) {
    const seen = best.get(tag.tag);
    if (!seen || tag.score > seen.score) best.set(tag.tag, tag);
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, MAX_SUGGESTED_TAGS);
}

/** The text search finds a clip by: its recognised lines, and a video's frames' lines once each. */
function recognisedText(found: WorkerResult): string {
  const lines = [...(found.recognition?.text.split('\n') ?? []), ...found.frames.flatMap((frame) => frame.text.split('\n'))];
  return [...new Set(lines.map((line) => line.trim()).filter((line) => line !== ''))].join('\n');
}

function round(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000;
}
