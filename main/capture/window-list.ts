// The windows a capture snaps to, front-most first, on each OS: Electron lists other apps' windows
// without their rectangles. X11: wmctrl and xprop (parsed in desktop-windows.ts); macOS: System
// Events through osascript; Windows: EnumWindows through PowerShell. Bounds are in the desktop's
// logical pixels (points on macOS), as Electron's screen module gives displays.
import type { DesktopWindow } from './capture-service.js';
import { parseStackingOrder, parseWmctrlWindows } from './desktop-windows.js';
import { isRecord, isWayland, parseJson, powerShellCommand, probeProblem, runCommand, unreadableProblem, waylandProblem, type CommandRunner, type ProbeCommand, type ProbePurpose, type ProbeResult } from './os-probe.js';

const PURPOSE: ProbePurpose = {
  area: 'snapping',
  what: 'list the windows on the screen, so a capture region does not snap to window edges',
  route: 'Drag the region by hand: everything else about capturing works.',
};

export const WMCTRL_LIST: ProbeCommand = { command: 'wmctrl', args: ['-lGx'], timeoutMs: 2000 };
export const XPROP_STACKING: ProbeCommand = { command: 'xprop', args: ['-root', '_NET_CLIENT_LIST_STACKING'], timeoutMs: 2000 };

/**
 * One line per window: frontmost flag, app, x, y, width, height, title, tab-separated. System
 * Events lists processes in no z-order, so the frontmost app's windows (themselves front first)
 * go first and the rest follow. Reading windows needs Accessibility access.
 */
export const MAC_WINDOWS_SCRIPT = [
  'set out to ""',
  'tell application "System Events"',
  'repeat with p in (every application process whose visible is true)',
  'set isFront to (frontmost of p) as text',
  'set appName to name of p',
  'repeat with w in (every window of p)',
  'try',
  'set {x, y} to position of w',
  'set {wd, ht} to size of w',
  'set t to name of w',
  'if t is missing value then set t to ""',
  'set out to out & isFront & tab & appName & tab & (x as text) & tab & (y as text) & tab & (wd as text) & tab & (ht as text) & tab & t & linefeed',
  'end try',
  'end repeat',
  'end repeat',
  'end tell',
  'return out',
];

export const MAC_WINDOWS: ProbeCommand = { command: 'osascript', args: MAC_WINDOWS_SCRIPT.flatMap((line) => ['-e', line]), timeoutMs: 4000 };

/**
 * A JSON array of {app, title, x, y, width, height}: EnumWindows walks the top-level windows in
 * z-order, front first; hidden, minimised, untitled and cloaked ones (UWP apps parked off screen)
 * are left out.
 */
export const WINDOWS_LIST_SCRIPT = `$ErrorActionPreference = 'Stop'
Add-Type -Namespace ClipShot -Name Windows -MemberDefinition @'
public struct RECT { public int Left, Top, Right, Bottom; }
public delegate bool EnumProc(IntPtr hWnd, IntPtr lParam);
[DllImport("user32.dll")] public static extern bool EnumWindows(EnumProc callback, IntPtr lParam);
[DllImport("user32.dll")] public static extern bool IsWindowVisible(IntPtr hWnd);
[DllImport("user32.dll")] public static extern bool IsIconic(IntPtr hWnd);
[DllImport("user32.dll")] public static extern int GetWindowTextLength(IntPtr hWnd);
[DllImport("user32.dll", CharSet = CharSet.Unicode)] public static extern int GetWindowText(IntPtr hWnd, System.Text.StringBuilder text, int count);
[DllImport("user32.dll")] public static extern bool GetWindowRect(IntPtr hWnd, out RECT rect);
[DllImport("user32.dll")] public static extern uint GetWindowThreadProcessId(IntPtr hWnd, out uint processId);
[DllImport("dwmapi.dll")] public static extern int DwmGetWindowAttribute(IntPtr hWnd, int attribute, out int value, int size);
'@
$found = New-Object System.Collections.Generic.List[object]
$callback = [ClipShot.Windows+EnumProc]{
  param($window, $unused)
  if (-not [ClipShot.Windows]::IsWindowVisible($window) -or [ClipShot.Windows]::IsIconic($window)) { return $true }
  $length = [ClipShot.Windows]::GetWindowTextLength($window)
  if ($length -eq 0) { return $true }
  $cloaked = 0
  [void][ClipShot.Windows]::DwmGetWindowAttribute($window, 14, [ref]$cloaked, 4)
  if ($cloaked -ne 0) { return $true }
  $text = New-Object System.Text.StringBuilder ($length + 1)
  [void][ClipShot.Windows]::GetWindowText($window, $text, $text.Capacity)
  $rect = New-Object ClipShot.Windows+RECT
  [void][ClipShot.Windows]::GetWindowRect($window, [ref]$rect)
  $processId = [uint32]0
  [void][ClipShot.Windows]::GetWindowThreadProcessId($window, [ref]$processId)
  $process = Get-Process -Id $processId -ErrorAction SilentlyContinue
  $found.Add([pscustomobject]@{ app = $process.ProcessName; title = $text.ToString(); x = $rect.Left; y = $rect.Top; width = $rect.Right - $rect.Left; height = $rect.Bottom - $rect.Top })
  return $true
}
[void][ClipShot.Windows]::EnumWindows($callback, [IntPtr]::Zero)
ConvertTo-Json -Compress -InputObject @($found)`;

export const WINDOWS_LIST: ProbeCommand = powerShellCommand(WINDOWS_LIST_SCRIPT, 6000);

/** MAC_WINDOWS_SCRIPT's lines, frontmost app first; null when there is output and no line reads as a window. */
export function parseMacWindows(output: string): DesktopWindow[] | null {
  const lines = output.replace(/\r/g, '').split('\n').filter((line) => line.trim() !== '');
  const front: DesktopWindow[] = [];
  const rest: DesktopWindow[] = [];
  for (const line of lines) {
    const [isFront, app, x, y, width, height, ...title] = line.split('\t');
    const numbers = [x, y, width, height].map((part) => (part !== undefined && /^-?\d+(\.\d+)?$/.test(part.trim()) ? Number(part) : Number.NaN));
    if (!app || numbers.some(Number.isNaN) || (isFront !== 'true' && isFront !== 'false')) continue;
    const [left, top, w, h] = numbers as [number, number, number, number];
    if (w <= 0 || h <= 0) continue;
    (isFront === 'true' ? front : rest).push({ bounds: { x: left, y: top, width: w, height: h }, title: title.join('\t'), app });
  }
  const windows = [...front, ...rest];
  return windows.length === 0 && lines.length > 0 ? null : windows;
}

/** WINDOWS_LIST_SCRIPT's JSON (one window may come as a bare object); null when it is not JSON of windows. */
export function parseWindowsList(output: string): DesktopWindow[] | null {
  if (output.trim() === '') return [];
  const value = parseJson(output);
  const items = Array.isArray(value) ? (value as unknown[]) : isRecord(value) ? [value] : null;
  if (items === null) return null;
  const windows: DesktopWindow[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const { x, y, width, height } = item;
    if (![x, y, width, height].every((n) => typeof n === 'number' && Number.isFinite(n))) continue;
    if ((width as number) <= 0 || (height as number) <= 0) continue;
    windows.push({ bounds: { x: x as number, y: y as number, width: width as number, height: height as number }, title: typeof item.title === 'string' ? item.title : '', app: typeof item.app === 'string' ? item.app : '' });
  }
  return windows.length === 0 && items.length > 0 ? null : windows;
}

/** The windows to snap to, front-most first, or the problem that kept the OS from listing them. Never throws. */
export async function probeDesktopWindows(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, run: CommandRunner = runCommand): Promise<ProbeResult<DesktopWindow[]>> {
  if (platform === 'darwin') return single(platform, MAC_WINDOWS, parseMacWindows, run);
  if (platform === 'win32') return single(platform, WINDOWS_LIST, parseWindowsList, run);
  if (isWayland(env)) return { ok: false, problem: waylandProblem(PURPOSE) };
  // The stacking order only sorts the list: without it the windows come in wmctrl's order.
  const [list, stacking] = await Promise.all([run(WMCTRL_LIST), run(XPROP_STACKING)]);
  if (!list.ok) return { ok: false, problem: probeProblem(platform, 'wmctrl', list.failure, PURPOSE) };
  return { ok: true, value: parseWmctrlWindows(list.stdout, stacking.ok ? parseStackingOrder(stacking.stdout) : []) };
}

async function single(platform: NodeJS.Platform, command: ProbeCommand, parse: (output: string) => DesktopWindow[] | null, run: CommandRunner): Promise<ProbeResult<DesktopWindow[]>> {
  const result = await run(command);
  if (!result.ok) return { ok: false, problem: probeProblem(platform, command.command, result.failure, PURPOSE) };
  const windows = parse(result.stdout);
  return windows ? { ok: true, value: windows } : { ok: false, problem: unreadableProblem(command.command, PURPOSE) };
}
