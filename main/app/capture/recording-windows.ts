// A screen recording in the desktop app: the hidden recorder window (recorder.html) feeding
// electronSegmentRecorder, the always-on-top stop control (stop-control.html) placed with
// placeStopControl, and the RecordingSession between them, saved with saveRecording. Thin and
// type-checked here; the session, the placing and the saving are main/capture/recording/'s, tested there.
import os from 'node:os';
import path from 'node:path';
import { BrowserWindow, desktopCapturer, ipcMain, screen } from 'electron';
import { STOP_CONTROL_ACTIONS, STOP_CONTROL_CHANNEL, type StopControlAction } from '../../../contract/capture/recording-ipc.js';
import { planAudio } from '../../capture/recording/audio-options.js';
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
    private readonly preload: string,
    /** The state changed (the tray shows Pause/Resume/Stop); a saved recording's clip id comes along. */
    private readonly changed: (state: RecordingState) => void,
  ) {}

  get state(): RecordingState {
    return this.#session?.state ?? { phase: 'idle' };
  }

  /** Records the display under the pointer (no audio unless asked: the microphone needs the OS's leave). */
  async startScreen(audio = { microphone: false, systemAudio: false }): Promise<void> {
    if (this.#session && !['saved', 'failed', 'idle'].includes(this.#session.state.phase)) return;
    const display = screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
    const sources = await desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width: 0, height: 0 } });
    const source = sources.find((candidate) => candidate.display_id === String(display.id)) ?? sources[0];
    if (!source) throw new Error('no screen can be recorded (the system offered none)');
    const plan = planAudio(audio, process.platform, os.release());
    for (const note of plan.notes) console.error(`ClipShot: ${note}`);
    const recorder = new BrowserWindow({ show: false, webPreferences: { ...SECURE, preload: this.preload, backgroundThrottling: false } });
    await recorder.loadURL(`${APP_ORIGIN}/recorder.html`);
    this.#recorder = recorder;
    const startedAt = Date.now();
    const dir = path.join(os.tmpdir(), `clipshot-segments-${startedAt}`);
    const session = new RecordingSession({
      recorder: electronSegmentRecorder({ window: recorder, sourceId: source.id, audio: plan, dir }),
      stopControl: this.#stopControl(display.bounds),
      save: (segments) => saveRecording(this.library, segments, { startedAt, hasAudio: plan.microphone || plan.systemAudio }),
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
