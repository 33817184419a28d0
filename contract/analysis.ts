// What on-device (or, with consent, remote) analysis finds in a clip. Shared by main (which
// computes and stores it), the CLI and the renderer (which shows it).

/** What a provider can do; a provider declares the ones it supports. */
export const AI_CAPABILITIES = ['recognise-text', 'tag', 'describe', 'embed'] as const;
export type AiCapability = (typeof AI_CAPABILITIES)[number];

/** Which model produced a result; a result is recomputed when the installed model differs. */
export interface ModelRef {
  readonly id: string;
  readonly version: string;
}

/** A point in the analysed image's pixels (the clip as edited: after crop and rotation). */
export type Point = readonly [x: number, y: number];

/** One recognised line: its text, the four corners of its box (clockwise from top left), and how sure. */
export interface RecognisedLine {
  readonly text: string;
  readonly confidence: number;
  readonly box: readonly [Point, Point, Point, Point];
}

export interface Recognition {
  /** Lines in reading order (top to bottom, then left to right). */
  readonly lines: readonly RecognisedLine[];
  /** The lines joined with newlines: what search indexes and "copy all text" copies. */
  readonly text: string;
  readonly model: ModelRef;
  /** Size of the image the boxes refer to. */
  readonly width: number;
  readonly height: number;
}

/** Text recognised in one sampled frame of a video. */
export interface FrameRecognition extends Recognition {
  readonly atMs: number;
}

export const TAG_SOURCES = ['clip', 'text', 'metadata', 'personal', 'remote'] as const;
/** clip: zero-shot image model; text: from recognised text; metadata: from size, kind, source; personal: learned from the person's own tagging. */
export type TagSource = (typeof TAG_SOURCES)[number];

export interface SuggestedTag {
  readonly tag: string;
  /** 0..1, comparable within one source. */
  readonly score: number;
  readonly source: TagSource;
  readonly model?: ModelRef;
}

/**
 * An image handed to a provider: decoded pixels for local models, and the encoded bytes for
 * remote ones (which would send exactly these bytes).
 */
export interface AnalysisImage {
  readonly width: number;
  readonly height: number;
  /** Tightly packed RGB, 3 bytes per pixel, row by row. */
  readonly rgb: Uint8Array;
  readonly encoded: { readonly bytes: Uint8Array; readonly mime: 'image/png' | 'image/jpeg' };
}

/**
 * What analysis found, as the clip's catalog entry carries it (synced with the clip, indexed for
 * search). Boxes and per-frame results stay on the device that computed them (ClipAnalysisView).
 */
export interface ClipAnalysisSummary {
  /** Recognised text (in a video, of all sampled frames), at most MAX_SUMMARY_TEXT characters. */
  text: string;
  /** Suggested tags, best first; shown apart from the clip's own tags until accepted. */
  suggested: SuggestedTagSummary[];
  /** Tags the person turned down for this clip: never suggested for it again. */
  rejected: string[];
  /** What was analysed (content and edits) and by which models: a change of either analyses again. */
  input: string;
  models: string;
  at: number;
}

export interface SuggestedTagSummary {
  tag: string;
  score: number;
  source: TagSource;
}

export const MAX_SUMMARY_TEXT = 8_000;
export const MAX_SUGGESTED_TAGS = 8;

/** The suggestions still to show: neither accepted (already a tag) nor turned down. */
export function openSuggestions(summary: ClipAnalysisSummary | undefined, tags: readonly string[]): SuggestedTagSummary[] {
  if (!summary) return [];
  const own = new Set(tags);
  const rejected = new Set(summary.rejected);
  return summary.suggested.filter((suggestion) => !own.has(suggestion.tag) && !rejected.has(suggestion.tag));
}

export type AnalysisState = 'idle' | 'running' | 'paused';

export interface AnalysisProgress {
  state: AnalysisState;
  /** Clips waiting to be analysed. */
  queued: number;
  /** Clips analysed since this instance started. */
  analysed: number;
  /** Clips that failed every attempt, or crashed the worker: they are not retried on their own. */
  failed: number;
  crashed: number;
  /** The clip being analysed now. */
  current: string | null;
  /** Why the last request to a remote provider failed (in plain words), until one succeeds. */
  remoteProblem?: string;
}

export type ClipAnalysisStatus = 'none' | 'queued' | 'running' | 'done' | 'failed' | 'crashed';

/** Everything this device knows about one clip's analysis (the app's text overlay reads boxes from it). */
export interface ClipAnalysisView {
  clipId: string;
  status: ClipAnalysisStatus;
  /** Why it failed or crashed. */
  error: string | null;
  attempts: number;
  recognition: Recognition | null;
  frames: FrameRecognition[];
  /** Suggestions still open (neither accepted nor turned down), best first. */
  suggestions: SuggestedTagSummary[];
  analysedAt: number | null;
  models: string | null;
}

/** The analysis subsystem as the CLI, the API and the app see it. */
export interface AnalysisControl {
  progress(): AnalysisProgress;
  /** Queues clips (or every clip) to be analysed again, even if their analysis is current. */
  analyse(target: { ids: readonly string[] } | 'all'): Promise<{ queued: number }>;
  /** Clips on screen go first. */
  prioritise(ids: readonly string[]): void;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Drops queued clips (all of them without ids) and stops the one being analysed if it is among them. */
  cancel(ids?: readonly string[]): Promise<{ cancelled: number }>;
  clip(id: string): Promise<ClipAnalysisView>;
  /** Makes a suggested tag one of the clip's own tags. */
  acceptSuggestion(id: string, tag: string): Promise<void>;
  /** Turns a suggestion down: never suggested for this clip again. */
  rejectSuggestion(id: string, tag: string): Promise<void>;
  /** Resolves once nothing is queued or running (or analysis is paused). */
  settled(): Promise<void>;
  onChange(listener: () => void): () => void;
}
