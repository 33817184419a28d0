// Capturing in the desktop app: the global shortcuts (conflicts said in words), the tray menu, the
// timer, and the CLI's `clipshot capture` all come here; it freezes the screens, hands them to the
// core's CaptureService and opens an overlay per display. What cannot be checked without a
// desktop lives here and stays thin; the decisions are main/capture/'s, tested there.
import { globalShortcut, Menu, nativeImage, systemPreferences, Tray, type MenuItemConstructorOptions } from 'electron';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TIMER_CHOICES, type CaptureMode, type CaptureSaved } from '../../../contract/capture/capture.js';
import { clampRect, dipToDisplayPixels, displayOfRect } from '../../../contract/capture/region.js';
import type { CaptureStarter } from '../../cli/capture-commands.js';
import { captureProblems, describeCaptureProblem, type CaptureEnvironment, type CaptureProblem } from '../../capture/capture-permissions.js';
import type { CaptureService } from '../../capture/capture-service.js';
import { CAPTURE_ACTION_LABELS, CAPTURE_ACTIONS, SHORTCUT_ACTIONS, captureShortcutConflicts, capturePlatform, effectiveShortcuts, registrationFailure, toAccelerator, type CaptureAction, type ShortcutConflict } from '../../capture/capture-shortcuts.js';
import { countDown } from '../../capture/capture-timer.js';
import { parsePortalInterfaces } from '../../capture/desktop-windows.js';
import { desktopWindows, screenshotEachDisplay } from './capture-screens.js';
import type { CaptureWindows } from './capture-windows.js';

const run = promisify(execFile);

export interface DesktopCaptureOptions {
  /** The clipboard picker's global shortcut and tray entry. */
  openPicker?: () => void;
  /** More tray entries (clipboard history, recording), built again at each refresh. */
  trayItems?: () => MenuItemConstructorOptions[];
}

export class DesktopCapture implements CaptureStarter {
  #tray: Tray | null = null;
  #problems: CaptureProblem[] = [];
  #conflicts: ShortcutConflict[] = [];
  #stopWatching: (() => void) | null = null;

  constructor(
    private readonly captures: CaptureService,
    private readonly windows: CaptureWindows,
    private readonly options: DesktopCaptureOptions = {},
  ) {}

  /** Finds out what the desktop allows, registers the shortcuts and builds the tray menu. */
  async start(): Promise<void> {
    this.#problems = captureProblems(await captureEnvironment());
    for (const problem of this.#problems) console.error(`ClipShot: ${describeCaptureProblem(problem)}`);
    this.registerShortcuts();
    // Settings → Capture changed the keys: they take effect at once, and its conflicts come back from here.
    this.#stopWatching = this.captures.settings.onShortcutsChanged(() => this.registerShortcuts());
    this.#tray = new Tray(nativeImage.createEmpty());
    this.#tray.setToolTip('ClipShot');
    this.refreshTray();
  }

  /** (Again, after the settings changed.) Every conflict and refusal is kept for the tray and the log. */
  registerShortcuts(): ShortcutConflict[] {
    globalShortcut.unregisterAll();
    const platform = capturePlatform(process.platform);
    const keys = effectiveShortcuts(platform, this.captures.settings.current.shortcuts);
    const conflicts = captureShortcutConflicts(keys, platform);
    const unusable = new Set(conflicts.filter((conflict) => conflict.kind !== 'reserved').map((conflict) => `${conflict.action} ${conflict.keys}`));
    const refused: ShortcutConflict[] = [];
    for (const action of SHORTCUT_ACTIONS) {
      if (action === 'clipboard-picker' && !this.options.openPicker) continue;
      for (const spec of keys[action]) {
        const accelerator = toAccelerator(spec);
        if (!accelerator || unusable.has(`${action} ${spec}`)) continue;
        const run = action === 'clipboard-picker' ? () => this.options.openPicker?.() : () => void this.#run(action);
        if (!globalShortcut.register(accelerator, run)) refused.push(registrationFailure(action, spec, platform));
      }
    }
    this.captures.settings.refusedShortcuts = refused;
    conflicts.push(...refused);
    for (const conflict of conflicts) console.error(`ClipShot: ${conflict.problem}`);
    this.#conflicts = conflicts;
    this.refreshTray();
    return conflicts;
  }

  async capture(mode: CaptureMode, options: { delaySeconds: number; onTick?: (secondsLeft: number) => void; signal?: AbortSignal }): Promise<CaptureSaved | null> {
    await countDown(options.delaySeconds, { ...(options.onTick && { onTick: options.onTick }), ...(options.signal && { signal: options.signal }) });
    const [shots, windows] = await Promise.all([screenshotEachDisplay(), desktopWindows()]);
    const ids = await this.captures.open(mode, shots, windows);
    const ended = this.captures.ended(ids[0]!);
    this.windows.openOverlays(ids.map((captureId, index) => ({ captureId, bounds: shots[index]!.display.bounds })));
    return ended;
  }

  /** "Repeat last region": captured straight away, no overlay. */
  async repeatLastRegion(): Promise<CaptureSaved | null> {
    const last = this.captures.settings.current.lastRegion;
    if (!last) return this.capture('region', { delaySeconds: 0 });
    const shots = await screenshotEachDisplay();
    const display = displayOfRect(last, shots.map((shot) => shot.display));
    const shot = shots.find((candidate) => candidate.display.id === display?.id) ?? shots[0]!;
    const [captureId] = await this.captures.open('region', [shot], await desktopWindows());
    const { screenshot } = this.captures.input(captureId!);
    const region = clampRect(dipToDisplayPixels(last, shot.display, screenshot), screenshot);
    return this.captures.save({ captureId: captureId!, region, annotations: [], trigger: 'enter' });
  }

  stop(): void {
    this.#stopWatching?.();
    globalShortcut.unregisterAll();
    this.#tray?.destroy();
    this.captures.close();
  }

  async #run(action: CaptureAction, delaySeconds = 0): Promise<void> {
    try {
      if (action === 'capture-repeat') await this.repeatLastRegion();
      else await this.capture(action === 'capture-region' ? 'region' : action === 'capture-window' ? 'window' : 'screen', { delaySeconds });
    } catch (error) {
      console.error(`ClipShot: ${CAPTURE_ACTION_LABELS[action]} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Builds the tray menu again (a state it shows changed: paused clipboard history, a recording). */
  refreshTray(): void {
    if (!this.#tray) return;
    const notes = [...this.#problems.map(describeCaptureProblem), ...this.#conflicts.map((conflict) => conflict.problem)];
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        ...CAPTURE_ACTIONS.map((action) => ({ label: CAPTURE_ACTION_LABELS[action], click: () => void this.#run(action) })),
        {
          label: 'Capture a region after…',
          submenu: TIMER_CHOICES.filter((seconds) => seconds > 0).map((seconds) => ({ label: `${seconds} seconds`, click: () => void this.#run('capture-region', seconds) })),
        },
        ...(this.options.openPicker ? [{ label: CAPTURE_ACTION_LABELS['clipboard-picker'], click: () => this.options.openPicker?.() }] : []),
        ...(this.options.trayItems?.() ?? []),
        ...(notes.length > 0 ? [{ type: 'separator' as const }, { label: 'Capture problems', submenu: notes.map((note) => ({ label: note.length > 120 ? `${note.slice(0, 119)}…` : note, toolTip: note, enabled: false })) }] : []),
      ]),
    );
  }
}

/** What the desktop allows, found out the only way each OS tells. */
async function captureEnvironment(): Promise<CaptureEnvironment> {
  const environment: CaptureEnvironment = { platform: process.platform, env: process.env };
  if (process.platform === 'darwin') environment.macScreenAccess = systemPreferences.getMediaAccessStatus('screen');
  if (process.platform === 'linux' && (process.env.XDG_SESSION_TYPE === 'wayland' || process.env.WAYLAND_DISPLAY)) {
    environment.portal = await run('busctl', ['--user', 'introspect', 'org.freedesktop.portal.Desktop', '/org/freedesktop/portal/desktop'], { timeout: 3000 })
      .then(({ stdout }) => parsePortalInterfaces(stdout))
      .catch(() => ({ screenCast: false, globalShortcuts: false }));
  }
  return environment;
}
