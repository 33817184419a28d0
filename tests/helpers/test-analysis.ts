// Background analysis for the API's and the app's tests, without the worker's models: the real
// AnalysisService, worker host and fork launcher, its worker a child process that stops on every
// clip it is handed (as one crashing in native code would). What analysis found in a clip is
// recorded as the service records it: the summary into the clip's entry, and the boxes into this
// device's own results.
import { ImmutableString } from '@automerge/automerge';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrameRecognition, Recognition, RecognisedLine, SuggestedTagSummary } from '../../contract/analysis.js';
import { analysisInputOf } from '../../main/ai/analysis/analysis-keys.js';
import { AnalysisService } from '../../main/ai/analysis/analysis-service.js';
import { AnalysisStore } from '../../main/ai/analysis/analysis-store.js';
import { ForkLauncher } from '../../main/ai/worker/fork-launcher.js';
import { AnalysisWorkerHost } from '../../main/ai/worker/worker-host.js';
import type { Library } from '../../main/library/library.js';

/** The exit code of the test worker (crashing-worker.cjs): a crash report names it. */
export const WORKER_EXIT_CODE = 70;
// A path from the module's own (a string): under happy-dom, URL is the DOM's, which Node's fileURLToPath refuses.
const CRASHING_WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crashing-worker.cjs');

/**
 * Starts analysis on `library` with no models installed. `paused` (the default) keeps the queue
 * still, as a person who paused it would: clips are queued and nothing runs until resumed.
 */
export async function startTestAnalysis(library: Library, options: { paused?: boolean } = {}): Promise<AnalysisService> {
  if (options.paused ?? true) await library.write(async () => new AnalysisStore(library.db).setState('paused', '1'));
  const host = new AnalysisWorkerHost(new ForkLauncher(CRASHING_WORKER), { backoffMs: 10, maxBackoffMs: 50 });
  return AnalysisService.start(library, { host, models: async () => ({ ocr: null, clip: null }), maxCrashes: 1, maxAttempts: 1 });
}

/** A recognised line whose box is the rectangle x, y, width, height (corners clockwise from top left). */
export function line(text: string, [x, y, width, height]: readonly [number, number, number, number], confidence = 0.97): RecognisedLine {
  return {
    text,
    confidence,
    box: [
      [x, y],
      [x + width, y],
      [x + width, y + height],
      [x, y + height],
    ],
  };
}

export const TEST_OCR_MODEL = { id: 'pp-ocrv4', version: '4.0' } as const;

export function recognitionOf(lines: RecognisedLine[], size: { width: number; height: number }): Recognition {
  return { lines, text: lines.map((each) => each.text).join('\n'), model: TEST_OCR_MODEL, width: size.width, height: size.height };
}

export interface Found {
  recognition?: Recognition | null;
  frames?: FrameRecognition[];
  suggested?: SuggestedTagSummary[];
}

/** Records `found` as the clip's analysis, current for the clip as it is now; its queued job (if any) ends. */
export async function markAnalysed(library: Library, clipId: string, found: Found): Promise<void> {
  const clip = library.get(clipId);
  const input = analysisInputOf(clip);
  const models = `${TEST_OCR_MODEL.id}@${TEST_OCR_MODEL.version}`;
  const recognition = found.recognition ?? null;
  const frames = found.frames ?? [];
  const suggested = found.suggested ?? [];
  const text = [recognition?.text ?? '', ...frames.map((frame) => frame.text)].filter((part) => part !== '').join('\n');
  const at = Date.now();
  await library.changeClips([clip.id], 'analyse', {
    changes: () => true,
    apply: (entry) => {
      entry.analysis = {
        text: new ImmutableString(text),
        suggested: Object.fromEntries(suggested.map((tag) => [tag.tag, { score: tag.score, source: new ImmutableString(tag.source) }])),
        rejected: { ...(entry.analysis?.rejected ?? {}) },
        input: new ImmutableString(input),
        models: new ImmutableString(models),
        at,
      };
    },
  });
  await library.write(async () => new AnalysisStore(library.db).completed({ clipId: clip.id, input, models, analysedAt: at, recognition, frames, tags: suggested }));
}
