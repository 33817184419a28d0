import { z } from 'zod';
import type { FrameRecognition, ModelRef, Recognition, SuggestedTag } from '../../../contract/analysis.js';

/** One clip to analyse, with everything the worker needs: it never opens the library itself. */
export interface AnalysisTask {
  clipId: string;
  kind: 'image' | 'video' | 'text';
  mime: string;
  /** The picture as edited (or the original), or the video's file; empty for a text clip. */
  bytes: Uint8Array;
  /** A text clip's text; '' otherwise. */
  text: string;
  sourceName: string;
  models: TaskModels;
}

/** Installed models the worker may use (folders), resolved by the host: null when not installed. */
export interface TaskModels {
  ocr: { dir: string; model: ModelRef } | null;
  clip: { dir: string; model: ModelRef; cacheDir: string } | null;
}

export interface WorkerResult {
  recognition: Recognition | null;
  frames: FrameRecognition[];
  tags: SuggestedTag[];
}

export type HostMessage = { type: 'analyse'; requestId: number; task: AnalysisTask } | { type: 'cancel'; requestId: number };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'started'; requestId: number }
  | { type: 'done'; requestId: number; result: WorkerResult }
  | { type: 'failed'; requestId: number; error: string };

const modelRef = z.object({ id: z.string().min(1).max(200), version: z.string().min(1).max(100) });

const taskSchema = z.object({
  clipId: z.string().regex(/^[0-9a-z]{26}$/),
  kind: z.enum(['image', 'video', 'text']),
  mime: z.string().max(100),
  bytes: z.instanceof(Uint8Array),
  text: z.string(),
  sourceName: z.string().max(10_000),
  models: z.object({
    ocr: z.object({ dir: z.string().min(1), model: modelRef }).nullable(),
    clip: z.object({ dir: z.string().min(1), model: modelRef, cacheDir: z.string().min(1) }).nullable(),
  }),
});

const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('analyse'), requestId: z.number().int().nonnegative(), task: taskSchema }),
  z.object({ type: z.literal('cancel'), requestId: z.number().int().nonnegative() }),
]);

/** What the worker accepts; anything else is answered with an error, never acted on. */
export function readHostMessage(raw: unknown): { ok: true; message: HostMessage } | { ok: false; reason: string } {
  const parsed = hostMessageSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, reason: parsed.error.issues.slice(0, 2).map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; ') };
}
