import type { AiCapability, AnalysisImage, ModelRef, Recognition, SuggestedTag } from '../../contract/analysis.js';

/**
 * One source of analysis: the local ONNX models, or a remote service the person has enabled.
 * A provider declares what it can do and implements exactly those methods; callers ask
 * `capabilities` first. Every call takes an AbortSignal: cancelling analysis cancels the work.
 */
export interface AiProvider {
  /** 'local', 'openai', 'anthropic'. */
  readonly id: string;
  readonly capabilities: ReadonlySet<AiCapability>;
  recogniseText?(image: AnalysisImage, signal: AbortSignal): Promise<Recognition>;
  /** Suggested tags, best first, already limited to the top few. */
  tag?(image: AnalysisImage, context: TagContext, signal: AbortSignal): Promise<SuggestedTag[]>;
  /** A one-sentence description of the image. */
  describe?(image: AnalysisImage, signal: AbortSignal): Promise<{ text: string; model: ModelRef }>;
  /** One embedding per input, L2-normalised. */
  embed?(inputs: readonly (AnalysisImage | string)[], signal: AbortSignal): Promise<{ vectors: Float32Array[]; model: ModelRef }>;
  /** Frees sessions and sockets. */
  close?(): Promise<void>;
}

/** What a tagger may use besides the pixels. */
export interface TagContext {
  readonly recognisedText: string;
  readonly kind: string;
  readonly sourceName: string;
}
