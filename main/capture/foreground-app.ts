// Which app has the focus, asked of the OS's own tools, so clipboard history can name the app a
// copy came from and leave out the apps the person excludes (Electron's clipboard does not say).
// Linux/X11: xprop; macOS: System Events through osascript; Windows: user32 through PowerShell.
import { isRecord, isWayland, parseJson, powerShellCommand, probeProblem, runCommand, unreadableProblem, waylandProblem, type CommandRunner, type ProbeCommand, type ProbePurpose, type ProbeResult } from './os-probe.js';

export interface ForegroundApp {
  /** The name to show and to match exclusions against: a bundle id, an .exe name, an X11 class. */
  app: string;
  pid: number | null;
  /** The focused window's title, when the OS gives it. */
  title: string | null;
}

const PURPOSE: ProbePurpose = {
  area: 'source-app',
  what: 'tell which app a copy came from, so "excluded apps" in clipboard history match nothing',
  route: 'Meanwhile, pause clipboard history from the tray before copying from an app you want left out.',
};

export const XPROP_ACTIVE_WINDOW: ProbeCommand = { command: 'xprop', args: ['-root', '_NET_ACTIVE_WINDOW'], timeoutMs: 1500 };

export function xpropWindowCommand(windowId: string): ProbeCommand {
  return { command: 'xprop', args: ['-id', windowId, 'WM_CLASS', '_NET_WM_PID', '_NET_WM_NAME'], timeoutMs: 1500 };
}

/** One -e per line: osascript joins them into one script. */
export const MAC_FRONTMOST_SCRIPT = [
  'tell application "System Events"',
  'set p to first application process whose frontmost is true',
  'set b to bundle identifier of p',
  'if b is missing value then set b to ""',
  'return (name of p) & linefeed & b & linefeed & ((unix id of p) as text)',
  'end tell',
];

export const MAC_FRONTMOST: ProbeCommand = { command: 'osascript', args: MAC_FRONTMOST_SCRIPT.flatMap((line) => ['-e', line]), timeoutMs: 3000 };

/** Prints {"pid","name","path","title"} of the foreground window's process, or null when no window has the focus. */
export const WINDOWS_FOREGROUND_SCRIPT = `$ErrorActionPreference = 'Stop'
Add-Type -Namespace ClipShot -Name Foreground -MemberDefinition @'
[DllImport("user32.dll")] public static extern IntPtr GetForegroundWindow();
[DllImport("user32.dll")] public static extern uint GetWindowThreadProcessId(IntPtr hWnd, out uint processId);
'@
$window = [ClipShot.Foreground]::GetForegroundWindow()
if ($window -eq [IntPtr]::Zero) { 'null'; exit 0 }
$processId = [uint32]0
[void][ClipShot.Foreground]::GetWindowThreadProcessId($window, [ref]$processId)
$process = Get-Process -Id $processId
ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ pid = $process.Id; name = $process.ProcessName; path = $process.Path; title = $process.MainWindowTitle })`;

// Add-Type compiles C# on each run: most of the second PowerShell takes.
export const WINDOWS_FOREGROUND: ProbeCommand = powerShellCommand(WINDOWS_FOREGROUND_SCRIPT, 5000);

/** `_NET_ACTIVE_WINDOW(WINDOW): window id # 0x3a00003` → "0x3a00003"; null for 0x0 (nothing focused) or anything else. */
export function parseActiveWindowId(output: string): string | null {
  const match = /_NET_ACTIVE_WINDOW\(WINDOW\): window id # (0x[0-9a-f]+)/i.exec(output);
  if (!match || parseInt(match[1]!, 16) === 0) return null;
  return match[1]!;
}

/**
 * xprop's lines for one window: `WM_CLASS(STRING) = "Navigator", "firefox"` (instance, class),
 * `_NET_WM_PID(CARDINAL) = 4242`, `_NET_WM_NAME(UTF8_STRING) = "title"`; a property the window
 * lacks reads `NAME:  not found.`. The app is the class, as in the window list.
 */
export function parseXpropWindow(output: string): ForegroundApp | null {
  const classLine = /^WM_CLASS\(STRING\) = (.*)$/m.exec(output);
  const names = classLine ? xpropStrings(classLine[1]!) : [];
  const app = names[1] ?? names[0];
  if (!app) return null;
  const pid = /^_NET_WM_PID\(CARDINAL\) = (\d+)\s*$/m.exec(output);
  const titleLine = /^_NET_WM_NAME\([A-Z0-9_]+\) = (.*)$/m.exec(output);
  return { app, pid: pid ? Number(pid[1]) : null, title: titleLine ? (xpropStrings(titleLine[1]!)[0] ?? null) : null };
}

/** The quoted strings of an xprop value, with its backslash escapes undone. */
function xpropStrings(value: string): string[] {
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(.)/g, '$1'));
}

/** The three lines MAC_FRONTMOST_SCRIPT returns: name, bundle id (may be empty), unix pid. The bundle id is the app, being stable across languages and renames. */
export function parseMacFrontmost(output: string): ForegroundApp | null {
  const [name = '', bundleId = '', pid = ''] = output.replace(/\r/g, '').replace(/\n$/, '').split('\n');
  if (name.trim() === '' || !/^\d*$/.test(pid.trim())) return null;
  return { app: bundleId.trim() || name.trim(), pid: pid.trim() === '' ? null : Number(pid), title: null };
}

/** WINDOWS_FOREGROUND_SCRIPT's JSON; the app is the .exe's file name, which excluded apps match with or without ".exe". */
export function parseWindowsForeground(output: string): ForegroundApp | null {
  const value = parseJson(output);
  if (!isRecord(value)) return null;
  const path = typeof value.path === 'string' ? value.path : '';
  const exe = path.split(/[\\/]/).pop() || (typeof value.name === 'string' && value.name !== '' ? `${value.name}.exe` : '');
  if (exe === '') return null;
  return { app: exe, pid: typeof value.pid === 'number' ? value.pid : null, title: typeof value.title === 'string' && value.title !== '' ? value.title : null };
}

/**
 * The foreground app, or null when nothing has the focus, or the problem that kept the OS from
 * saying. Never throws.
 */
export async function probeForegroundApp(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, run: CommandRunner = runCommand): Promise<ProbeResult<ForegroundApp | null>> {
  if (platform === 'darwin') return single(platform, MAC_FRONTMOST, parseMacFrontmost, run);
  if (platform === 'win32') return single(platform, WINDOWS_FOREGROUND, parseWindowsForeground, run, (output) => output.trim() === 'null');
  if (isWayland(env)) return { ok: false, problem: waylandProblem(PURPOSE) };
  const active = await run(XPROP_ACTIVE_WINDOW);
  if (!active.ok) return { ok: false, problem: probeProblem(platform, 'xprop', active.failure, PURPOSE) };
  if (/not found/i.test(active.stdout) || /# 0x0\b/.test(active.stdout)) return { ok: true, value: null };
  const windowId = parseActiveWindowId(active.stdout);
  if (windowId === null) return { ok: false, problem: unreadableProblem('xprop', PURPOSE) };
  return single(platform, xpropWindowCommand(windowId), parseXpropWindow, run);
}

async function single(platform: NodeJS.Platform, command: ProbeCommand, parse: (output: string) => ForegroundApp | null, run: CommandRunner, isNothing: (output: string) => boolean = () => false): Promise<ProbeResult<ForegroundApp | null>> {
  const result = await run(command);
  if (!result.ok) return { ok: false, problem: probeProblem(platform, command.command, result.failure, PURPOSE) };
  if (isNothing(result.stdout)) return { ok: true, value: null };
  const app = parse(result.stdout);
  return app ? { ok: true, value: app } : { ok: false, problem: unreadableProblem(command.command, PURPOSE) };
}

/**
 * Asks at most once per `ttlMs` (copies come in bursts, and PowerShell takes most of a second),
 * sharing one run between callers that overlap. Kept short: a copy made just after switching apps
 * within the window would be put down to the app before.
 */
export function cachedProbe<T>(probe: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null;
  return () => {
    const at = now();
    if (cached && at - cached.at < ttlMs) return cached.value;
    const value = probe();
    cached = { at, value };
    return value;
  };
}
