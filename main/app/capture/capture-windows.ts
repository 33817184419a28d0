// The windows of a capture: an overlay over each display (the renderer's capture.html), the pinned
// picture (always on top), and the quick-access card in a screen corner. Also the CaptureShell the
// core's CaptureService calls after a capture: the clipboard and these windows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrowserWindow, clipboard, ipcMain, nativeImage, screen, type IpcMainEvent } from 'electron';
import { isQuickAccessMessage, QUICK_ACCESS_CHANNEL } from '../../../contract/capture/quick-access.js';
import type { Rect } from '../../../contract/capture/region.js';
import type { CaptureShell } from '../../capture/capture-service.js';
import { APP_ORIGIN } from '../app-url.js';

const QUICK_ACCESS_SIZE = { width: 240, height: 160 };
/** preload/index.cts repeats it: the app window opens the clip it names. */
export const OPEN_CLIP_CHANNEL = 'clipshot:open-clip';

interface QuickAccessCard {
  window: BrowserWindow;
  clipId: string;
  png: Buffer;
  /** The picture as a file, for dragging out. */
  file: string;
}
const SECURE = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false } as const;

export class CaptureWindows implements CaptureShell {
  readonly #overlays = new Map<string, BrowserWindow>();
  /** By the card's webContents id: only a card speaks for its own clip. */
  readonly #cards = new Map<number, QuickAccessCard>();

  constructor(
    private readonly preload: string,
    private readonly openClip: (clipId: string) => void,
  ) {
    ipcMain.on(QUICK_ACCESS_CHANNEL, (event, message: unknown) => this.#onQuickAccess(event, message));
  }

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

  /**
   * The quick-access card (quick-access.html) in the bottom-right corner of the display under the
   * pointer, shown without taking the focus; the page dismisses itself after a while unless hovered.
   */
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
      show: false,
      webPreferences: { ...SECURE, preload: this.preload },
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clipshot-quick-access-')), `${clipId}.png`);
    fs.writeFileSync(file, png);
    const id = window.webContents.id;
    this.#cards.set(id, { window, clipId, png, file });
    window.once('ready-to-show', () => window.showInactive());
    window.on('closed', () => {
      this.#cards.delete(id);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });
    void window.loadURL(`${APP_ORIGIN}/quick-access.html?clip=${clipId}`);
  }

  #onQuickAccess(event: IpcMainEvent, message: unknown): void {
    const card = this.#cards.get(event.sender.id);
    if (!card || !isQuickAccessMessage(message) || message.clipId !== card.clipId) return;
    switch (message.action) {
      case 'annotate':
        card.window.close();
        this.openClip(card.clipId);
        break;
      case 'pin': {
        const size = nativeImage.createFromBuffer(card.png).getSize();
        const { workArea } = screen.getDisplayMatching(card.window.getBounds());
        const width = Math.min(size.width, workArea.width);
        const height = Math.min(size.height, workArea.height);
        this.pin(card.png, { x: workArea.x + (workArea.width - width) / 2, y: workArea.y + (workArea.height - height) / 2, width, height });
        card.window.close();
        break;
      }
      case 'copy':
        void this.copyImage(card.png);
        break;
      case 'dismiss':
        card.window.close();
        break;
      case 'start-drag':
        event.sender.startDrag({ file: card.file, icon: nativeImage.createFromBuffer(card.png).resize({ width: 96 }) });
        break;
    }
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
