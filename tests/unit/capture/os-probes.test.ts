import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeCaptureProblem } from '../../../main/capture/capture-permissions.js';
import { isExcluded } from '../../../main/capture/clipboard/clipboard-monitor.js';
import { cachedProbe, parseActiveWindowId, parseMacFrontmost, parseWindowsForeground, parseXpropWindow, probeForegroundApp, WINDOWS_FOREGROUND, WINDOWS_FOREGROUND_SCRIPT } from '../../../main/capture/foreground-app.js';
import { onceEachProblem, probeProblem, runCommand, type CommandRunner, type ProbeCommand, type ProbeRun } from '../../../main/capture/os-probe.js';
import { parseMacWindows, parseWindowsList, probeDesktopWindows, WINDOWS_LIST_SCRIPT } from '../../../main/capture/window-list.js';

/** Answers each command with a recorded output (osascript and PowerShell cannot run here), keeping what was asked. */
function recorded(answers: Record<string, ProbeRun>): CommandRunner & { asked: ProbeCommand[] } {
  const asked: ProbeCommand[] = [];
  const run = async (command: ProbeCommand): Promise<ProbeRun> => {
    asked.push(command);
    const key = [command.command, ...command.args].join(' ');
    const answer = Object.entries(answers).find(([prefix]) => key.startsWith(prefix));
    if (!answer) throw new Error(`unexpected command ${key}`);
    return answer[1];
  };
  return Object.assign(run, { asked });
}
const out = (stdout: string): ProbeRun => ({ ok: true, stdout });

function isInstalled(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('foreground app: parsers', () => {
  it('reads xprop’s active window and the window’s class, pid and title (escapes undone)', () => {
    expect(parseActiveWindowId('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x3a00003\n')).toBe('0x3a00003');
    expect(parseActiveWindowId('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0\n')).toBeNull();
    expect(parseActiveWindowId('_NET_ACTIVE_WINDOW:  not found.\n')).toBeNull();
    const window = ['WM_CLASS(STRING) = "keepassxc", "KeePassXC"', '_NET_WM_PID(CARDINAL) = 4242', '_NET_WM_NAME(UTF8_STRING) = "Passwords.kdbx \\"work\\" — KeePassXC"', ''].join('\n');
    expect(parseXpropWindow(window)).toEqual({ app: 'KeePassXC', pid: 4242, title: 'Passwords.kdbx "work" — KeePassXC' });
    expect(parseXpropWindow('WM_CLASS(STRING) = "xterm"\n_NET_WM_PID:  not found.\n_NET_WM_NAME:  not found.\n')).toEqual({ app: 'xterm', pid: null, title: null });
    expect(parseXpropWindow('WM_CLASS:  not found.\n')).toBeNull();
    expect(parseXpropWindow('')).toBeNull();
  });

  it('reads macOS’s frontmost process as its bundle id, or its name without one', () => {
    expect(parseMacFrontmost('Safari\ncom.apple.Safari\n512\n')).toEqual({ app: 'com.apple.Safari', pid: 512, title: null });
    expect(parseMacFrontmost('mytool\n\n77\n')).toEqual({ app: 'mytool', pid: 77, title: null });
    expect(parseMacFrontmost('')).toBeNull();
    expect(parseMacFrontmost('Safari\ncom.apple.Safari\nnot a pid')).toBeNull();
  });

  it('reads the PowerShell JSON as the .exe’s name, and malformed JSON as null', () => {
    expect(parseWindowsForeground('{"pid":9120,"name":"KeePassXC","path":"C:\\\\Program Files\\\\KeePassXC\\\\KeePassXC.exe","title":"Passwords"}\r\n')).toEqual({ app: 'KeePassXC.exe', pid: 9120, title: 'Passwords' });
    // An elevated process hides its path from a normal one.
    expect(parseWindowsForeground('{"pid":4,"name":"Taskmgr","path":null,"title":""}')).toEqual({ app: 'Taskmgr.exe', pid: 4, title: null });
    for (const bad of ['', '{"pid":1', '[1,2]', '{"pid":1,"name":"","path":null}', 'Add-Type : Cannot add type']) expect(parseWindowsForeground(bad)).toBeNull();
  });

  it('gives names the excluded-apps list matches as the README says', () => {
    const windows = parseWindowsForeground('{"pid":1,"name":"KeePassXC","path":"C:\\\\KeePassXC\\\\KeePassXC.exe","title":""}')!.app;
    expect(['KeePassXC', 'keepassxc.exe'].every((name) => isExcluded(windows, [name]))).toBe(true);
    const mac = parseMacFrontmost('1Password 7\ncom.agilebits.onepassword7\n9')!.app;
    expect(['com.agilebits.onepassword7', 'onepassword7'].every((name) => isExcluded(mac, [name]))).toBe(true);
    expect(isExcluded(mac, ['Safari'])).toBe(false);
  });

  it('hands PowerShell the script as UTF-16LE base64, decoding back to the constant', () => {
    const encoded = WINDOWS_FOREGROUND.args[WINDOWS_FOREGROUND.args.indexOf('-EncodedCommand') + 1]!;
    expect(Buffer.from(encoded, 'base64').toString('utf16le')).toBe(WINDOWS_FOREGROUND_SCRIPT);
    expect(WINDOWS_FOREGROUND_SCRIPT).toContain('GetWindowThreadProcessId');
    expect(WINDOWS_LIST_SCRIPT).toContain('EnumWindows');
  });
});

describe('foreground app: the probe on each OS', () => {
  it('on X11 asks for the active window, then that window’s properties', async () => {
    const run = recorded({ 'xprop -root': out('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x4400007\n'), 'xprop -id 0x4400007': out('WM_CLASS(STRING) = "Navigator", "firefox"\n_NET_WM_PID(CARDINAL) = 31\n') });
    expect(await probeForegroundApp('linux', { DISPLAY: ':0' }, run)).toEqual({ ok: true, value: { app: 'firefox', pid: 31, title: null } });
    expect(run.asked.map((command) => command.timeoutMs > 0)).toEqual([true, true]);
  });

  it('says nothing has the focus as null, not as a problem', async () => {
    expect(await probeForegroundApp('linux', { DISPLAY: ':0' }, recorded({ xprop: out('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0\n') }))).toEqual({ ok: true, value: null });
    expect(await probeForegroundApp('win32', {}, recorded({ 'powershell.exe': out('null\r\n') }))).toEqual({ ok: true, value: null });
  });

  it('on Wayland runs nothing and says why in plain words', async () => {
    const run = recorded({});
    const result = await probeForegroundApp('linux', { XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' }, run);
    expect(run.asked).toEqual([]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(describeCaptureProblem(result.problem)).toMatch(/Wayland session.*XWayland|Wayland session.*older X11 apps.*X11 session/);
  });

  it('names the Automation setting when macOS refuses System Events, and Accessibility when that is missing', async () => {
    const refused = await probeForegroundApp('darwin', {}, recorded({ osascript: { ok: false, failure: { kind: 'failed', detail: 'execution error: Not authorized to send Apple events to System Events. (-1743)' } } }));
    expect(refused.ok || refused.problem.fix).toMatch(/Privacy & Security › Automation/);
    const windows = await probeDesktopWindows('darwin', {}, recorded({ osascript: { ok: false, failure: { kind: 'failed', detail: 'System Events got an error: osascript is not allowed assistive access. (-25211)' } } }));
    expect(windows.ok || windows.problem).toMatchObject({ area: 'snapping', fix: expect.stringMatching(/Privacy & Security › Accessibility/) });
  });

  it('turns unreadable output into a problem, never a throw', async () => {
    const result = await probeForegroundApp('darwin', {}, recorded({ osascript: out('') }));
    expect(result.ok || result.problem).toMatchObject({ area: 'source-app', problem: expect.stringMatching(/osascript.*does not understand/) });
  });
});

describe('window list: parsers and probes', () => {
  it('reads System Events’ lines with the frontmost app first, skipping broken lines; all broken is null', () => {
    const lines = ['false\tFinder\t0\t25\t800\t600\tDownloads', 'true\tSafari\t100\t50\t1200\t800\tApple — Start\tPage', 'true\tSafari\t-20\t40\t640.0\t480\t', 'false\tDock\tx\ty\t1\t1\tbroken', ''].join('\n');
    expect(parseMacWindows(lines)).toEqual([
      { bounds: { x: 100, y: 50, width: 1200, height: 800 }, title: 'Apple — Start\tPage', app: 'Safari' },
      { bounds: { x: -20, y: 40, width: 640, height: 480 }, title: '', app: 'Safari' },
      { bounds: { x: 0, y: 25, width: 800, height: 600 }, title: 'Downloads', app: 'Finder' },
    ]);
    expect(parseMacWindows('')).toEqual([]);
    expect(parseMacWindows('execution error: something\n')).toBeNull();
  });

  it('reads the EnumWindows JSON (an array, or one bare object), skipping entries without a rectangle', () => {
    const json = JSON.stringify([
      { app: 'Code', title: 'main.ts — ClipShot', x: -8, y: -8, width: 1936, height: 1056 },
      { app: null, title: 'Orphan', x: 10, y: 10, width: 300, height: 200 },
      { app: 'explorer', title: 'Program Manager', x: 0, y: 0, width: 0, height: 0 },
      { app: 'x', title: 'no rect' },
    ]);
    expect(parseWindowsList(json)).toEqual([
      { bounds: { x: -8, y: -8, width: 1936, height: 1056 }, title: 'main.ts — ClipShot', app: 'Code' },
      { bounds: { x: 10, y: 10, width: 300, height: 200 }, title: 'Orphan', app: '' },
    ]);
    expect(parseWindowsList('{"app":"notepad","title":"a.txt","x":1,"y":2,"width":3,"height":4}')).toEqual([{ bounds: { x: 1, y: 2, width: 3, height: 4 }, title: 'a.txt', app: 'notepad' }]);
    expect(parseWindowsList('[]')).toEqual([]);
    for (const bad of ['[{"x":1}]', '"text"', '{"app":', 'Exception calling "EnumWindows"']) expect(parseWindowsList(bad)).toBeNull();
  });

  it('on X11 sorts wmctrl’s list by xprop’s stacking, and keeps it when the stacking fails', async () => {
    const wmctrl = out('0x03a00003  0 100 80 1280 720  firefox.Firefox  host Notes\n0x04400007  0 640 400 800 500  xterm.XTerm  host ~\n');
    const stacked = await probeDesktopWindows('linux', { DISPLAY: ':0' }, recorded({ wmctrl, xprop: out('_NET_CLIENT_LIST_STACKING(WINDOW): window id # 0x3a00003, 0x4400007') }));
    expect(stacked.ok && stacked.value.map((window) => window.app)).toEqual(['XTerm', 'Firefox']);
    const unstacked = await probeDesktopWindows('linux', { DISPLAY: ':0' }, recorded({ wmctrl, xprop: { ok: false, failure: { kind: 'timeout', detail: 'slow' } } }));
    expect(unstacked.ok && unstacked.value.map((window) => window.app)).toEqual(['Firefox', 'XTerm']);
  });

  it('on Windows runs PowerShell and reads its list', async () => {
    const run = recorded({ 'powershell.exe': out('[{"app":"notepad","title":"a.txt","x":1,"y":2,"width":3,"height":4}]') });
    expect(await probeDesktopWindows('win32', {}, run)).toEqual({ ok: true, value: [{ bounds: { x: 1, y: 2, width: 3, height: 4 }, title: 'a.txt', app: 'notepad' }] });
    expect(run.asked[0]!.args).toContain('-EncodedCommand');
  });
});

describe('probe problems and caching', () => {
  it('says a missing tool plainly, with the package to install', () => {
    const problem = probeProblem('linux', 'xprop', { kind: 'missing', detail: 'xprop is not installed' }, { area: 'source-app', what: 'tell which app copied', route: 'Pause history.' });
    expect(describeCaptureProblem(problem)).toBe('ClipShot cannot tell which app copied: the `xprop` tool is not installed. Install it with your package manager (for example `sudo apt install x11-utils`), then try again. Pause history.');
  });

  it('says each problem once', () => {
    const said: string[] = [];
    const report = onceEachProblem((words) => said.push(words));
    const problem = probeProblem('linux', 'wmctrl', { kind: 'timeout', detail: '' }, { area: 'snapping', what: 'list windows', route: '' });
    report(problem);
    report(problem);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/wmctrl` did not answer in time/);
  });

  it('asks once per time-to-live, sharing a run between overlapping callers', async () => {
    let clock = 0;
    let runs = 0;
    const cached = cachedProbe(async () => ++runs, 1000, () => clock);
    expect(await Promise.all([cached(), cached()])).toEqual([1, 1]);
    clock = 999;
    expect(await cached()).toBe(1);
    clock = 1000;
    expect(await cached()).toBe(2);
  });
});

describe('the Linux probes run for real here', () => {
  const environment = { ...process.env, XDG_SESSION_TYPE: undefined, WAYLAND_DISPLAY: undefined };

  it('a missing tool is a problem in plain words, not a throw', async () => {
    const result = await runCommand({ command: 'clipshot-no-such-tool', args: [], timeoutMs: 2000 });
    expect(result).toEqual({ ok: false, failure: { kind: 'missing', detail: 'clipshot-no-such-tool is not installed' } });
    const slow = await runCommand({ command: 'sleep', args: ['5'], timeoutMs: 100 });
    expect(slow.ok || slow.failure.kind).toBe('timeout');
  });

  it(`foreground app through xprop (${isInstalled('xprop') ? 'installed' : 'not installed'} here, DISPLAY ${process.env.DISPLAY ? 'set' : 'unset'})`, async () => {
    const result = await probeForegroundApp('linux', environment);
    if (!isInstalled('xprop')) expect(result.ok || result.problem.problem).toMatch(/`xprop` tool is not installed/);
    else if (!process.env.DISPLAY) expect(result.ok || result.problem.problem).toMatch(/`xprop` found no X display/);
    else expect(result.ok && (result.value === null || result.value.app.length > 0)).toBe(true);
  });

  it(`window list through wmctrl (${isInstalled('wmctrl') ? 'installed' : 'not installed'} here)`, async () => {
    const result = await probeDesktopWindows('linux', environment);
    if (!isInstalled('wmctrl')) expect(result.ok || describeCaptureProblem(result.problem)).toMatch(/`wmctrl` tool is not installed.*sudo apt install wmctrl.*Drag the region by hand/);
    else if (!process.env.DISPLAY) expect(result.ok).toBe(false);
    else expect(result.ok && Array.isArray(result.value)).toBe(true);
  });
});
