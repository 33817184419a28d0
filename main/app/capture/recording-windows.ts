// A screen recording in the desktop app: the hidden recorder window (recorder.html) feeding
// electronSegmentRecorder, the always-on-top stop control (stop-control.html) placed with
// placeStopControl, and the RecordingSession between them, saved with saveRecording (a region's
// recording is its display's, cut to the region when saved). Thin and
// type-checked here; the session, the placing and the saving are main/capture/recording/'s, tested there.
import os from 'node:os';
import path from 'node:path';
import { BrowserWindow, desktopCapturer, ipcMain, screen } from 'electron';
import { STOP_CONTROL_ACTIONS, STOP_CONTROL_CHANNEL, type StopControlAction } from '../../../contract/capture/recording-ipc.js';
import { displayOfRect, intersect, isEmptyRect, type CaptureDisplay, type Rect } from '../../../contract/capture/region.js';
import type { CaptureSettingsStore } from '../../capture/capture-settings.js';
import { planAudio } from '../../capture/recording/audio-options.js';
import { frameSizeOf } from '../../capture/recording/join-segments.js';
import { regionInRecording } from '../../capture/recording/recording-crop.js';
import { RecordingSession } from '../../capture/recording/recording-session.js';
import { saveRecording } from '../../capture/recording/save-recording.js';
import type { RecordingState, StopControl } from '../../capture/recording/segment-recorder.js';
import { placeStopControl } from '../../capture/recording/stop-control-place.js';
import type { Library } from '../../library/library.js';
import { APP_ORIGIN } from '../app-url.js';
import { electronSegmentRecorder } from './recording-electron.js';

const CONTROL_SIZE = { width: 260, height: 44 };
const SECURE = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false } as const;

export class RecordingWindows {
  #session: RecordingSession | null = null;
  #recorder: BrowserWindow | null = null;

  constructor(
    private readonly library: Library,
    /** Where the last region and the recording's sound (the tray's ticks) are kept. */
    private readonly settings: CaptureSettingsStore,
    private readonly preload: string,
    /** The state changed (the tray shows Pause/Resume/Stop); a saved recording's clip id comes along. */
    private readonly changed: (state: RecordingState) => void,
  ) {}

  get state(): RecordingState {
    return this.#session?.state ?? { phase: 'idle' };
  }

  /** Records the display under the pointer, with the sound the capture settings ask for. */
  async startScreen(): Promise<void> {
    const point = screen.getCursorScreenPoint();
    await this.#start(screen.getDisplayNearestPoint(point), null);
  }

  /**
   * Records the last region captured ("repeat last region"), on the display holding most of it.
   * Resolves with why it cannot, in words, when no region has been captured yet.
   */
  async startRegion(): Promise<string | null> {
    const region = this.settings.current.lastRegion;
    if (!region) return 'No region has been captured yet. Capture a region first (its shortcut, or Capture a region in this menu); Record a region… then records that region.';
    const displays = screen.getAllDisplays();
    const chosen = displayOfRect(region, displays.map(captureDisplay));
    const display = displays.find((candidate) => String(candidate.id) === chosen?.id) ?? screen.getPrimaryDisplay();
    const onDisplay = intersect(region, display.bounds);
    if (isEmptyRect(onDisplay)) return 'The last region is on no screen connected now. Capture a region again, then record it.';
    await this.#start(display, onDisplay);
    return null;
  }

  async #start(display: Electron.Display, region: Rect | null): Promise<void> {
    if (this.#session && !['saved', 'failed', 'idle'].includes(this.#session.state.phase)) return;
    const sources = await desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width: 0, height: 0 } });
    const source = sources.find((candidate) => candidate.display_id === String(display.id)) ?? sources[0];
    if (!source) throw new Error('no screen can be recorded (the system offered none)');
    const plan = planAudio(this.settings.current.recordAudio, process.platform);
    for (const note of plan.notes) console.error(`ClipShot: ${note}`);
    const recorder = new BrowserWindow({ show: false, webPreferences: { ...SECURE, preload: this.preload, backgroundThrottling: false } });
    await recorder.loadURL(`${APP_ORIGIN}/recorder.html`);
    this.#recorder = recorder;
    const startedAt = Date.now();
    const dir = path.join(os.tmpdir(), `clipshot-segments-${startedAt}`);
    const hasAudio = plan.microphone || plan.systemAudio;
    const session = new RecordingSession({
      recorder: electronSegmentRecorder({ window: recorder, sourceId: source.id, audio: plan, dir }),
      stopControl: this.#stopControl(region ?? display.bounds),
      save: async (segments) => {
        if (!region) return saveRecording(this.library, segments, { startedAt, hasAudio });
        // The recorded frames need not be the display's device pixels: the region is scaled to them.
        const frame = segments[0] ? await frameSizeOf(segments[0]) : null;
        const crop = frame && regionInRecording(region, captureDisplay(display), frame);
        if (!crop) throw new Error(`the region could not be found in the recorded screen (${frame ? `${frame.width} × ${frame.height}` : 'no picture'})`);
        return saveRecording(this.library, segments, { startedAt, hasAudio, crop });
      },
    });
    session.onChange((state) => {
      if (state.phase === 'saved' || state.phase === 'failed' || state.phase === 'idle') this.#closeRecorder();
      if (state.phase === 'failed') console.error(`ClipShot: the recording failed: ${state.reason}`);
      this.changed(state);
    });
    this.#session = session;
    await session.start();
  }

  pause(): void {
    void this.#session?.pause().catch(() => {});
  }

  resume(): void {
    void this.#session?.resume().catch(() => {});
  }

  stop(): void {
    void this.#session?.stop().catch(() => {});
  }

  #closeRecorder(): void {
    if (this.#recorder && !this.#recorder.isDestroyed()) this.#recorder.close();
    this.#recorder = null;
  }

  /** The small window outside the recorded area; its buttons come back on STOP_CONTROL_CHANNEL. */
  #stopControl(recorded: Electron.Rectangle): StopControl {
    let window: BrowserWindow | null = null;
    let actions: { stop(): void; pause(): void; resume(): void } | null = null;
    const onAction = (event: Electron.IpcMainEvent, action: unknown) => {
      if (!window || event.sender !== window.webContents || !actions) return;
      if (STOP_CONTROL_ACTIONS.includes(action as StopControlAction)) actions[action as StopControlAction]();
    };
    return {
      show: (given) => {
        actions = given;
        const displays = screen.getAllDisplays().map((display) => ({ id: String(display.id), bounds: display.bounds, workArea: display.workArea }));
        const place = placeStopControl(recorded, displays, CONTROL_SIZE);
        window = new BrowserWindow({ ...(place?.at ?? CONTROL_SIZE), frame: false, resizable: false, skipTaskbar: true, alwaysOnTop: true, focusable: true, show: false, webPreferences: { ...SECURE, preload: this.preload } });
        window.setAlwaysOnTop(true, 'screen-saver');
        // Kept out of the recording where the OS allows it (it may still sit inside it: see place.inRecording).
        window.setContentProtection(true);
        window.once('ready-to-show', () => window?.showInactive());
        ipcMain.on(STOP_CONTROL_CHANNEL, onAction);
        void window.loadURL(`${APP_ORIGIN}/stop-control.html`);
      },
      update: (state) => {
        if (window && !window.isDestroyed()) window.webContents.send(STOP_CONTROL_CHANNEL, state);
      },
      hide: () => {
        ipcMain.removeListener(STOP_CONTROL_CHANNEL, onAction);
        if (window && !window.isDestroyed()) window.close();
        window = null;
      },
    };
  }
}

function captureDisplay(display: Electron.Display): CaptureDisplay {
  return { id: String(display.id), bounds: display.bounds, scaleFactor: display.scaleFactor };
}
