// The desktop app's Paster: the chosen item onto the clipboard, the picker hidden so the previous
// window has the focus again, then the paste keystroke sent through the OS's own tool.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { clipboard, nativeImage } from 'electron';
import type { PastePayload } from '../../../contract/clipboard-picker.js';
import type { Paster } from '../../capture/clipboard/picker-service.js';

const run = promisify(execFile);
/** Time for the window manager to give the focus back after the picker hides. */
const REFOCUS_MS = 120;

export function electronPaster(options: { hidePicker: () => void; renderedPng: (clipId: string) => Promise<Buffer> }): Paster {
  return async (payload: PastePayload) => {
    if (payload.imageClipId) {
      clipboard.writeImage(nativeImage.createFromBuffer(await options.renderedPng(payload.imageClipId)));
    } else if (payload.filePaths.length > 0 && process.platform === 'linux') {
      clipboard.writeBuffer('text/uri-list', Buffer.from(payload.filePaths.map((file) => `file://${encodeURI(file)}`).join('\r\n')));
    } else {
      clipboard.write({ text: payload.text ?? '', ...(payload.html ? { html: payload.html } : {}) });
    }
    options.hidePicker();
    await new Promise((resolve) => setTimeout(resolve, REFOCUS_MS));
    await sendPasteKeystroke();
  };
}

/** Cmd+V or Ctrl+V into the focused window. Needs Accessibility permission on macOS and xdotool on X11 (not Wayland). */
async function sendPasteKeystroke(): Promise<void> {
  if (process.platform === 'darwin') await run('osascript', ['-e', 'tell application "System Events" to keystroke "v" using command down']);
  else if (process.platform === 'win32') await run('powershell.exe', ['-NoProfile', '-Command', "(New-Object -ComObject WScript.Shell).SendKeys('^v')"]);
  else await run('xdotool', ['key', '--clearmodifiers', 'ctrl+v']);
}
