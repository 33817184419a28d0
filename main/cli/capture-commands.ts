// `clipshot capture region|window|screen [--delay S] [--json]`: asks the running desktop app to
// start a capture, as its shortcut or tray menu would, and says what became of it. Only the app
// can capture (it has the screen); anything else says so, plainly, and what to do instead.
import { CAPTURE_MODES, type CaptureMode, type CaptureSaved } from '../../contract/capture/capture.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { captureProblems, describeCaptureProblem, type CaptureEnvironment } from '../capture/capture-permissions.js';
import { parseCaptureDelay } from '../capture/capture-timer.js';
import { UsageError } from './parse-args.js';

/** What the desktop app offers the CLI: a capture started as the shortcut would start it. */
export interface CaptureStarter {
  /** Counts down `delaySeconds` (telling `onTick`), takes the screenshots and opens the overlays; resolves when the capture ends (null: cancelled). */
  capture(mode: CaptureMode, options: { delaySeconds: number; onTick?: (secondsLeft: number) => void; signal?: AbortSignal }): Promise<CaptureSaved | null>;
}

export interface CaptureRequestParts {
  mode: CaptureMode;
  delaySeconds: number;
  json: boolean;
}

/** The command line's mode and delay, checked before anything is asked of the app. */
export function readCaptureRequest(request: CommandRequest): CaptureRequestParts {
  const mode = CAPTURE_MODES.find((candidate) => candidate === request.positionals[0]);
  if (!mode) throw new UsageError(`capture: say what to capture: ${CAPTURE_MODES.join(', ')} (not ${JSON.stringify(request.positionals[0] ?? '')})`);
  let delaySeconds = 0;
  if (request.options.delay !== undefined) {
    try {
      delaySeconds = parseCaptureDelay(request.options.delay);
    } catch (error) {
      throw new UsageError(`capture: --delay: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { mode, delaySeconds, json: request.options.json === true };
}

/** Without a running app: what is needed, in words (and what this session lacks, when it lacks something). */
export function captureNeedsTheApp(environment: CaptureEnvironment, heldBy: 'nothing' | 'headless'): string {
  const why =
    heldBy === 'headless'
      ? 'capture needs the ClipShot desktop app, but this library is open in `clipshot serve` (or another command), which has no screen to capture.'
      : 'capture needs the ClipShot desktop app running for this library: the app takes the screenshot and shows the overlay, and no ClipShot has the library open.';
  const problems = captureProblems(environment).filter((problem) => problem.area === 'capture');
  const session = problems.length > 0 ? ` ${problems.map(describeCaptureProblem).join(' ')}` : ' Start the app (`npm start`, or ClipShot from your applications), then run this again; or import a screenshot taken elsewhere with `clipshot import FILE`.';
  return `clipshot: ${why}${session}\n`;
}

/** Runs in the instance that holds the library: the app captures; any other instance says it cannot. */
export async function runCaptureCommand(request: CommandRequest, output: CommandOutput, starter: CaptureStarter | null, environment: CaptureEnvironment, signal?: AbortSignal): Promise<number> {
  const { mode, delaySeconds, json } = readCaptureRequest(request);
  if (!starter) {
    output.stderr(captureNeedsTheApp(environment, 'headless'));
    return 1;
  }
  const onTick = output.interactive && !json ? (left: number) => output.stderr(`Capturing in ${left}…\n`) : undefined;
  const result = await starter.capture(mode, { delaySeconds, ...(onTick && { onTick }), ...(signal && { signal }) });
  if (json) output.stdout(`${JSON.stringify({ mode, delaySeconds, cancelled: result === null, ...(result && { clipId: result.clipId, duplicateOf: result.duplicateOf, copied: result.copied, pinned: result.pinned }) })}\n`);
  if (!result) {
    if (!json) output.stderr('clipshot: the capture was cancelled; nothing was saved\n');
    return 1;
  }
  if (!json) output.stdout(`${describeResult(result)}\n`);
  return 0;
}

function describeResult(result: CaptureSaved): string {
  const parts: string[] = [];
  if (result.clipId) parts.push(result.duplicateOf ? `already in the library as ${result.clipId}` : `saved as ${result.clipId}`);
  if (result.copied) parts.push('copied to the clipboard');
  if (result.pinned) parts.push('pinned to the screen');
  return `Captured: ${parts.join(', ') || 'nothing kept'}`;
}
