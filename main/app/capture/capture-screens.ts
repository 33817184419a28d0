// Freezing the screen: a screenshot of every display (desktopCapturer, at each display's device
// pixels) and the windows on them (main/capture/window-list.ts asks each OS; where it cannot, the
// overlay snaps to nothing and the reason is logged once). Electron only; the rest is main/capture/.
import { desktopCapturer, screen } from 'electron';
import type { DesktopWindow, DisplayScreenshot } from '../../capture/capture-service.js';
import { onceEachProblem } from '../../capture/os-probe.js';
import { probeDesktopWindows } from '../../capture/window-list.js';

const report = onceEachProblem((words) => console.error(`ClipShot: ${words}`));

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
  const result = await probeDesktopWindows(process.platform, process.env);
  if (result.ok) return result.value;
  report(result.problem);
  return [];
}
