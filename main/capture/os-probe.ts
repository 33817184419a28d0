// Asking the OS a question it answers only through a command-line tool (xprop, wmctrl, osascript,
// PowerShell): a command, a time limit and a pure parser, run here. A probe never throws: it gives
// the parsed answer, or a CaptureProblem in plain words (the tool is missing, macOS refused, the
// output made no sense), so a caller can say why snapping or "excluded apps" cannot work here.
import { execFile } from 'node:child_process';
import { describeCaptureProblem, type CaptureProblem, type CaptureProblemArea } from './capture-permissions.js';

export interface ProbeCommand {
  command: string;
  args: readonly string[];
  /** The tool is killed after this long: a hung window manager must not hold up a copy or a capture. */
  timeoutMs: number;
}

/** What running a command gave: its output, or why it gave none. */
export type ProbeRun = { ok: true; stdout: string } | { ok: false; failure: ProbeFailure };

export interface ProbeFailure {
  kind: 'missing' | 'timeout' | 'failed';
  /** stderr (or the error's message), for the wording and the log. */
  detail: string;
}

export type ProbeResult<T> = { ok: true; value: T } | { ok: false; problem: CaptureProblem };

export type CommandRunner = (command: ProbeCommand) => Promise<ProbeRun>;

/** Output beyond this is cut off: a window list is a few kilobytes, never megabytes. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** Runs one command without a shell (no quoting to get wrong), and never throws. */
export const runCommand: CommandRunner = (probe) =>
  new Promise((resolve) => {
    execFile(probe.command, [...probe.args], { timeout: probe.timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve({ ok: false, failure: { kind: 'missing', detail: `${probe.command} is not installed` } });
      const timedOut = (error as { killed?: boolean }).killed === true && error.signal !== null;
      if (timedOut) return resolve({ ok: false, failure: { kind: 'timeout', detail: `${probe.command} gave no answer within ${probe.timeoutMs} ms` } });
      resolve({ ok: false, failure: { kind: 'failed', detail: (stderr || error.message).trim() } });
    });
  });

/** What a probe is for, in the words its problems use. */
export interface ProbePurpose {
  area: CaptureProblemArea;
  /** "tell which app copied", "list the windows to snap to". */
  what: string;
  /** What still works without it. */
  route: string;
}

/** A failed run as a person reads it: the tool, what to install or allow, and what works meanwhile. */
export function probeProblem(platform: NodeJS.Platform, command: string, failure: ProbeFailure, purpose: ProbePurpose): CaptureProblem {
  const base = { area: purpose.area, route: purpose.route };
  if (failure.kind === 'missing') {
    return { ...base, problem: `ClipShot cannot ${purpose.what}: the \`${command}\` tool is not installed.`, fix: installFix(platform, command) };
  }
  if (failure.kind === 'timeout') {
    return { ...base, problem: `ClipShot cannot ${purpose.what}: \`${command}\` did not answer in time.`, fix: 'If the desktop is busy this passes by itself; if it keeps happening, restart the window manager or log in again.' };
  }
  if (platform === 'darwin' && /-1743|not allowed to send apple ?events|not authori[sz]ed/i.test(failure.detail)) {
    return {
      ...base,
      problem: `macOS has not allowed ClipShot to ask System Events, so it cannot ${purpose.what}.`,
      fix: 'Open System Settings › Privacy & Security › Automation, turn on System Events under ClipShot, then try again.',
    };
  }
  if (platform === 'darwin' && /-1719|-25211|assistive access|accessibility/i.test(failure.detail)) {
    return {
      ...base,
      problem: `macOS has not given ClipShot Accessibility access, so it cannot ${purpose.what}.`,
      fix: 'Open System Settings › Privacy & Security › Accessibility, turn ClipShot on, then quit and reopen ClipShot.',
    };
  }
  if (/unable to open display|cannot open display/i.test(failure.detail)) {
    return { ...base, problem: `ClipShot cannot ${purpose.what}: \`${command}\` found no X display (DISPLAY is not set or not reachable).`, fix: 'Run ClipShot inside a desktop session.' };
  }
  if (platform === 'win32' && /execution ?policy|disabled on this system|blocked by group policy|is not recognized/i.test(failure.detail)) {
    return { ...base, problem: `Windows did not let ClipShot run PowerShell, so it cannot ${purpose.what}.`, fix: 'Ask whoever manages this PC to allow powershell.exe for ClipShot (it runs a short script, no files).' };
  }
  return { ...base, problem: `ClipShot cannot ${purpose.what}: \`${command}\` failed (${oneLine(failure.detail)}).`, fix: 'Try again; if it keeps failing, report this message.' };
}

/** A run whose output the parser could not read. */
export function unreadableProblem(command: string, purpose: ProbePurpose): CaptureProblem {
  return { area: purpose.area, route: purpose.route, problem: `ClipShot cannot ${purpose.what}: \`${command}\` answered in a form it does not understand.`, fix: 'Report this message with your desktop and its version.' };
}

/** Wayland keeps windows from each other; xprop and wmctrl see only the X11 apps running under XWayland. */
export function waylandProblem(purpose: ProbePurpose): CaptureProblem {
  return {
    area: purpose.area,
    route: purpose.route,
    problem: `This is a Wayland session, which does not tell apps about other apps' windows (xprop and wmctrl see only the older X11 apps), so ClipShot cannot ${purpose.what}.`,
    fix: 'Log in to an X11 session ("GNOME on Xorg", "Plasma (X11)") if you need it.',
  };
}

export function isWayland(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.XDG_SESSION_TYPE === 'wayland' || Boolean(env.WAYLAND_DISPLAY);
}

function installFix(platform: NodeJS.Platform, command: string): string {
  if (platform === 'linux') return `Install it with your package manager (for example \`sudo apt install ${command === 'xprop' ? 'x11-utils' : command}\`), then try again.`;
  if (platform === 'win32') return 'powershell.exe ships with Windows; ask whoever manages this PC to restore it.';
  return `${command} ships with macOS; ask whoever manages this Mac to restore it.`;
}

function oneLine(text: string): string {
  const line = text.split(/\r?\n/).find((part) => part.trim() !== '')?.trim() ?? 'no message';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Says each distinct problem once: a probe runs on every copy and every capture, its problem seldom changes. */
export function onceEachProblem(log: (words: string) => void): (problem: CaptureProblem) => void {
  const said = new Set<string>();
  return (problem) => {
    const words = describeCaptureProblem(problem);
    if (said.has(words)) return;
    said.add(words);
    log(words);
  };
}

/** PowerShell takes a script as UTF-16LE base64: no quoting rules of cmd.exe or of PowerShell to get wrong. */
export function powerShellCommand(script: string, timeoutMs: number): ProbeCommand {
  return { command: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')], timeoutMs };
}

/** JSON a tool printed, or undefined when it is not JSON. */
export function parseJson(output: string): unknown {
  try {
    return JSON.parse(output.trim()) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
