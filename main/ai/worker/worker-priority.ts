import os from 'node:os';

/** How much lower than the app the analysis worker runs (a nice value on Unix, "below normal" on Windows). */
const BACKGROUND_NICE = 10;

/**
 * Background analysis yields the CPU to the app: on a two-core laptop the ONNX threads would
 * otherwise delay the main process and the windows while the person works.
 */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, BACKGROUND_NICE);
  } catch {
    // Not permitted (a sandbox, a container): analysis still runs, only at normal priority.
  }
}
