// The clipboard picker's window (the renderer's picker.html), opened over the person's work on its
// global shortcut: small, frameless, on top, centred on the display under the pointer. It goes
// away when it loses the focus, and is hidden before a paste so the previous window has the focus.
import { BrowserWindow, screen } from 'electron';
import { APP_ORIGIN } from '../app-url.js';

const SIZE = { width: 520, height: 440 };

export class PickerWindow {
  #window: BrowserWindow | null = null;

  constructor(private readonly preload: string) {}

  open(): void {
    if (this.#window && !this.#window.isDestroyed()) {
      this.#window.show();
      this.#window.focus();
      return;
    }
    const { workArea } = screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
    const window = new BrowserWindow({
      x: Math.round(workArea.x + (workArea.width - SIZE.width) / 2),
      y: Math.round(workArea.y + (workArea.height - SIZE.height) / 3),
      ...SIZE,
      frame: false,
      resizable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false, preload: this.preload },
    });
    window.once('ready-to-show', () => {
      window.show();
      window.focus();
    });
    window.on('blur', () => window.close());
    window.on('closed', () => {
      if (this.#window === window) this.#window = null;
    });
    this.#window = window;
    void window.loadURL(`${APP_ORIGIN}/picker.html`);
  }

  /** Out of the way before a paste: the window that had the focus gets it back. */
  hide(): void {
    this.#window?.hide();
  }
}
