import type { AnalysisControl, AnalysisProgress, ClipAnalysisView } from '../../contract/analysis.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import type { Library } from '../library/library.js';
import { UsageError } from './parse-args.js';

const ACTIONS = new Set(['status', 'pause', 'resume', 'cancel', 'show']);
const FINISHED = new Set(['done', 'failed', 'crashed']);

/**
 * `clipshot analyze`: with no clips, the queue's progress; with clips (or --all), analyses them
 * now and shows progress until each is done; `pause`, `resume`, `cancel [ID...]`, `show ID`.
 */
export async function runAnalyzeCommand(library: Library, analysis: AnalysisControl, request: CommandRequest, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  const json = request.options.json === true;
  const [first, ...rest] = request.positionals;
  const action = first !== undefined && ACTIONS.has(first) ? first : null;
  const all = request.options.all === true;
  if (action === null && first === undefined && !all) return printProgress(analysis.progress(), json, output);
  switch (action) {
    case 'status':
      return printProgress(analysis.progress(), json, output);
    case 'pause':
      await analysis.pause();
      output.stdout(json ? `${JSON.stringify(analysis.progress())}\n` : 'Analysis is paused; `clipshot analyze resume` goes on.\n');
      return 0;
    case 'resume':
      await analysis.resume();
      output.stdout(json ? `${JSON.stringify(analysis.progress())}\n` : 'Analysis goes on.\n');
      return 0;
    case 'cancel': {
      const { cancelled } = await analysis.cancel(rest.length > 0 ? rest.map((id) => library.resolveId(id)) : undefined);
      output.stdout(json ? `${JSON.stringify({ cancelled })}\n` : `Cancelled ${cancelled} queued clip${cancelled === 1 ? '' : 's'}.\n`);
      return 0;
    }
    case 'show': {
      if (rest.length !== 1) throw new UsageError('analyze show ID');
      const view = await analysis.clip(rest[0]!);
      output.stdout(json ? `${JSON.stringify(view)}\n` : formatClipAnalysis(view));
      return 0;
    }
  }
  if (all && request.positionals.length > 0) throw new UsageError('analyze: give clip ids or --all, not both');
  const ids = all ? null : request.positionals.map((id) => library.resolveId(id));
  const { queued } = await analysis.analyse(ids === null ? 'all' : { ids });
  const progress = analysis.progress();
  if (progress.state === 'paused') output.stderr('clipshot: analysis is paused; the clips are queued and wait for `clipshot analyze resume`\n');
  else await waitUntilAnalysed(analysis, ids, queued, json, output, signal);
  if (ids === null) return printProgress(analysis.progress(), json, output);
  let failed = 0;
  for (const id of ids) {
    const view = await analysis.clip(id);
    if (view.status === 'failed' || view.status === 'crashed') failed++;
    output.stdout(json ? `${JSON.stringify(view)}\n` : formatClipAnalysis(view));
  }
  return failed > 0 ? 1 : 0;
}

/** Waits for the clips (or the whole queue), showing progress; Ctrl+C stops waiting, not the analysis. */
async function waitUntilAnalysed(analysis: AnalysisControl, ids: readonly string[] | null, total: number, json: boolean, output: CommandOutput, signal?: AbortSignal): Promise<void> {
  let lastLine = '';
  const report = (): void => {
    const progress = analysis.progress();
    const line = json ? JSON.stringify({ progress }) : `Analysing: ${Math.max(0, total - progress.queued)} of ${total} done${progress.failed ? `, ${progress.failed} failed` : ''}`;
    if (line === lastLine) return;
    lastLine = line;
    if (json) output.stdout(`${line}\n`);
    else if (output.interactive) output.stderr(`\r${line}`);
  };
  await new Promise<void>((resolve) => {
    const check = async (): Promise<void> => {
      report();
      if (signal?.aborted || analysis.progress().state === 'paused') return finish();
      if (ids === null) {
        if (analysis.progress().queued === 0 && analysis.progress().current === null) finish();
        return;
      }
      const views = await Promise.all(ids.map((id) => analysis.clip(id).catch(() => null)));
      if (views.every((view) => view === null || FINISHED.has(view.status))) finish();
    };
    const stop = analysis.onChange(() => void check());
    const poll = setInterval(() => void check(), 500);
    const onAbort = (): void => finish();
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(): void {
      stop();
      clearInterval(poll);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    void check();
  });
  if (!json && output.interactive && lastLine !== '') output.stderr('\n');
}

function printProgress(progress: AnalysisProgress, json: boolean, output: CommandOutput): number {
  if (json) {
    output.stdout(`${JSON.stringify(progress)}\n`);
    return 0;
  }
  const state = progress.state === 'paused' ? 'paused' : progress.state === 'running' ? `running${progress.current ? ` (clip ${progress.current})` : ''}` : 'idle';
  output.stdout(`Analysis: ${state}\nQueued: ${progress.queued}\nAnalysed since start: ${progress.analysed}\nFailed: ${progress.failed}\nCrashed the worker: ${progress.crashed}\n`);
  return 0;
}

function formatClipAnalysis(view: ClipAnalysisView): string {
  const lines = [`${view.clipId}: ${view.status}${view.error ? ` (${view.error})` : ''}`];
  if (view.models) lines.push(`  models: ${view.models}`);
  for (const line of view.recognition?.lines ?? []) lines.push(`  ${line.text}    [${Math.round(line.confidence * 100)}%]`);
  for (const frame of view.frames) lines.push(`  at ${(frame.atMs / 1000).toFixed(1)} s: ${frame.text.replace(/\n/g, ' / ')}`);
  if (view.suggestions.length > 0) lines.push(`  suggested tags: ${view.suggestions.map((tag) => `${tag.tag} (${Math.round(tag.score * 100)}%, ${tag.source})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
