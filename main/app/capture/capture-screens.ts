// Freezing the screen: a screenshot of every display (desktopCapturer, at each display's device
// pixels) and the windows on them (X11 through wmctrl; other desktops give none yet, and the
// overlay then snaps to nothing). Electron only; the rest of a capture is main/capture/.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { desktopCapturer, screen } from 'electron';
import type { DesktopWindow, DisplayScreenshot } from '../../capture/capture-service.js';
import { parseStackingOrder, parseWmctrlWindows } from '../../capture/desktop-windows.js';

const run = promisify(execFile);

export async function screenshotEachDisplay(): Promise<DisplayScreenshot[]> {
  const displays = screen.getAllDisplays();
  const largest = displays.reduce((size, display) => ({ width: Math.max(size.width, Math.round(display.size.width * display.scaleFactor)), height: Math.max(size.height, Math.round(display.size.height * display.scaleFactor)) }), { width: 0, height: 0 });
  const sources = await desktopCapturer.getSources({ types: ['screen'], thumbnailSize: largest });
  const shots: DisplayScreenshot[] = [];
  for (const display of displays) {
    const source = sources.find((candidate) => candidate.display_id === String(display.id)) ?? (displays.length === 1 ? sources[0] : undefined);
    if (!source || source.thumbnail.isEmpty()) continue;
    shots.push({ display: { id: String(display.id), bounds: display.bounds, scaleFactor: display.scaleFactor }, image: source.thumbnail.toPNG() });
  }
  if (shots.length === 0) throw new Error('the screen could not be captured (no display gave a picture); see the capture problems in the tray menu');
  return shots;
}

/** The windows to snap to, front-most first; none where they cannot be listed. */
export async function desktopWindows(): Promise<DesktopWindow[]> {
  if (process.platform !== 'linux' || process.env.XDG_SESSION_TYPE === 'wayland') return [];
  try {
    const [list, stacking] = await Promise.all([run('wmctrl', ['-lGx'], { timeout: 2000 }), run('xprop', ['-root', '_NET_CLIENT_LIST_STACKING'], { timeout: 2000 }).catch(() => ({ stdout: '' }))]);
    return parseWmctrlWindows(list.stdout, parseStackingOrder(stacking.stdout));
  } catch {
    return [];
  }
}
