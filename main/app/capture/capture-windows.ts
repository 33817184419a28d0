// The windows of a capture: an overlay over each display (the renderer's capture.html), the pinned
// picture (always on top), and the quick-access card in a screen corner. Also the CaptureShell the
// core's CaptureService calls after a capture: the clipboard and these windows.
import { BrowserWindow, clipboard, nativeImage, screen } from 'electron';
import type { Rect } from '../../../contract/capture/region.js';
import type { CaptureShell } from '../../capture/capture-service.js';
import { APP_ORIGIN } from '../app-url.js';

const QUICK_ACCESS_SIZE = { width: 240, height: 160 };
const QUICK_ACCESS_MS = 8000;
const SECURE = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false } as const;

export class CaptureWindows implements CaptureShell {
  readonly #overlays = new Map<string, BrowserWindow>();

  constructor(
    private readonly preload: string,
    private readonly openClip: (clipId: string) => void,
  ) {}

  /** One frameless window over each display's frozen screen, loaded with its capture. */
  openOverlays(captures: { captureId: string; bounds: Rect }[]): void {
    for (const { captureId, bounds } of captures) {
      const window = new BrowserWindow({
        ...bounds,
        frame: false,
        transparent: false,
        resizable: false,
        movable: false,
        fullscreenable: false,
        skipTaskbar: true,
        enableLargerThanScreen: true,
        hasShadow: false,
        show: false,
        webPreferences: { ...SECURE, preload: this.preload },
      });
      window.setAlwaysOnTop(true, 'screen-saver');
      window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
      window.once('ready-to-show', () => {
        window.show();
        window.focus();
      });
      window.on('closed', () => this.#overlays.delete(captureId));
      this.#overlays.set(captureId, window);
      void window.loadURL(`${APP_ORIGIN}/capture.html?capture=${captureId}`);
    }
  }

  finished(captureIds: readonly string[]): void {
    for (const id of captureIds) this.#overlays.get(id)?.close();
  }

  async copyImage(png: Buffer): Promise<void> {
    clipboard.writeImage(nativeImage.createFromBuffer(png));
  }

  /** The picture where it was taken, always on top, draggable (Esc or a double click closes it). */
  pin(png: Buffer, at: Rect): void {
    const window = new BrowserWindow({ ...roundRect(at), frame: false, resizable: true, skipTaskbar: true, alwaysOnTop: true, hasShadow: true, webPreferences: { ...SECURE } });
    window.setAlwaysOnTop(true, 'floating');
    window.webContents.on('before-input-event', (_event, input) => {
      if (input.type === 'keyDown' && input.key === 'Escape') window.close();
    });
    void window.loadURL(imagePage(png));
  }

  /** A thumbnail in the bottom-right corner of the display under the pointer; it goes by itself, a click opens the clip. */
  showQuickAccess(clipId: string, png: Buffer): void {
    const { workArea } = screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
    const window = new BrowserWindow({
      x: workArea.x + workArea.width - QUICK_ACCESS_SIZE.width - 16,
      y: workArea.y + workArea.height - QUICK_ACCESS_SIZE.height - 16,
      ...QUICK_ACCESS_SIZE,
      frame: false,
      resizable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      focusable: false,
      webPreferences: { ...SECURE },
    });
    const timer = setTimeout(() => window.close(), QUICK_ACCESS_MS);
    window.webContents.on('before-input-event', (_event, input) => {
      if (input.type === 'mouseUp') {
        clearTimeout(timer);
        window.close();
        this.openClip(clipId);
      }
    });
    window.on('closed', () => clearTimeout(timer));
    void window.loadURL(imagePage(png));
  }

  openEditor(clipId: string): void {
    this.openClip(clipId);
  }
}

/** The picture as a page of its own: an image document from a data URL runs no script. */
function imagePage(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

function roundRect(rect: Rect): Rect {
  return { x: Math.round(rect.x), y: Math.round(rect.y), width: Math.max(1, Math.round(rect.width)), height: Math.max(1, Math.round(rect.height)) };
}
