// `clipshot capture` for real: without a running desktop app (here, headless) it says plainly what
// is needed and exits non-zero, whether no ClipShot or `serve` holds the library; bad arguments are
// usage errors. The app's side (a starter that takes the screenshot) cannot run here: a recording
// one stands in for it to check what the command prints.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureSaved } from '../../contract/capture/capture.js';
import { runCaptureCommand, type CaptureStarter } from '../../main/cli/capture-commands.js';
import type { CommandOutput } from '../../main/control/protocol.js';
import { startServe, type RunningServe } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const HEADLESS = { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, XDG_SESSION_TYPE: undefined };
let serve: RunningServe | null = null;
afterEach(async () => {
  await serve?.stop();
  serve = null;
});

describe('clipshot capture', () => {
  it('without a running app, says what is needed and exits 1', async () => {
    const library = path.join(await tempDir(), 'library');
    const result = await runCli(['--library', library, 'capture', 'region'], { env: HEADLESS });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('clipshot: capture needs the ClipShot desktop app running for this library');
    expect(result.stderr).toContain('There is no desktop session here (neither DISPLAY nor WAYLAND_DISPLAY is set)');
    expect(result.stderr).toContain('`clipshot import FILE`');
  });

  it('with the library in `serve`, says serve has no screen and exits 1', async () => {
    const library = path.join(await tempDir(), 'library');
    serve = await startServe(library);
    const result = await runCli(['--library', library, 'capture', 'window', '--delay', '3'], { env: HEADLESS });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('this library is open in `clipshot serve` (or another command), which has no screen to capture');
  });

  it('refuses an unknown mode or delay as a usage error', async () => {
    const library = path.join(await tempDir(), 'library');
    const mode = await runCli(['--library', library, 'capture', 'everything']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toBe('clipshot: capture: say what to capture: region, window, screen (not "everything")\n');
    const delay = await runCli(['--library', library, 'capture', 'screen', '--delay', '90']);
    expect(delay.code).toBe(2);
    expect(delay.stderr).toContain('capture: --delay: the delay is whole seconds from 0 to 60');
  });
});

describe('the capture command in the app', () => {
  function output(): CommandOutput & { out: string; err: string } {
    const collected = { out: '', err: '', interactive: true, stdout: (text: string) => void (collected.out += text), stderr: (text: string) => void (collected.err += text) };
    return collected;
  }
  const saved: CaptureSaved = { clipId: '0123456789abcdefghijklmnop', duplicateOf: null, copied: true, pinned: false, outcome: { copy: true, save: true, quickAccess: true, openEditor: false, analyse: true, pin: false } };
  const request = (positionals: string[], options: Record<string, string | boolean> = {}) => ({ command: 'capture', positionals, options, cwd: '/' });

  it('asks the app with the mode and delay, counts down, and prints what became of it', async () => {
    const asked: unknown[] = [];
    const starter: CaptureStarter = {
      capture: async (mode, options) => {
        asked.push({ mode, delaySeconds: options.delaySeconds });
        for (let left = options.delaySeconds; left > 0; left--) options.onTick?.(left);
        return saved;
      },
    };
    const plain = output();
    expect(await runCaptureCommand(request(['region'], { delay: '3' }), plain, starter, { platform: 'linux', env: { DISPLAY: ':0' } })).toBe(0);
    expect(asked).toEqual([{ mode: 'region', delaySeconds: 3 }]);
    expect(plain.err).toBe('Capturing in 3…\nCapturing in 2…\nCapturing in 1…\n');
    expect(plain.out).toBe('Captured: saved as 0123456789abcdefghijklmnop, copied to the clipboard\n');

    const json = output();
    expect(await runCaptureCommand(request(['screen'], { json: true }), json, starter, { platform: 'linux', env: { DISPLAY: ':0' } })).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ mode: 'screen', delaySeconds: 0, cancelled: false, clipId: saved.clipId, duplicateOf: null, copied: true, pinned: false });
    expect(json.err).toBe('');
  });

  it('exits 1 when the person cancels', async () => {
    const cancelled = output();
    expect(await runCaptureCommand(request(['window']), cancelled, { capture: async () => null }, { platform: 'win32', env: {} })).toBe(1);
    expect(cancelled.err).toBe('clipshot: the capture was cancelled; nothing was saved\n');
  });
});
