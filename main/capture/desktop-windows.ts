// The windows on an X11 desktop, for snapping: Electron lists other apps' windows without their
// rectangles, so the desktop layer asks `wmctrl -lGx` (geometry and class of each managed window)
// and `xprop -root _NET_CLIENT_LIST_STACKING` (their order, bottom first). Both parsed here.
import type { DesktopWindow } from './capture-service.js';

/**
 * `wmctrl -lGx` lines: id, desktop, x, y, width, height, WM_CLASS, host, title. Windows on no
 * desktop (-1: docks, the desktop itself) are left out. In stacking order, front-most first, when
 * the stacking is given.
 */
export function parseWmctrlWindows(output: string, stacking: readonly string[] = []): DesktopWindow[] {
  const windows: { id: number; window: DesktopWindow }[] = [];
  for (const line of output.split('\n')) {
    const match = /^(0x[0-9a-f]+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+\S+\s?(.*)$/i.exec(line.trim());
    if (!match) continue;
    const [, id = '', desktop, x, y, width, height, wmClass = '', title = ''] = match;
    if (Number(desktop) < 0 || Number(width) === 0 || Number(height) === 0) continue;
    windows.push({ id: parseInt(id, 16), window: { bounds: { x: Number(x), y: Number(y), width: Number(width), height: Number(height) }, title: title.trim(), app: appOfClass(wmClass) } });
  }
  const order = stacking.map((id) => parseInt(id, 16));
  const rank = (id: number) => {
    const at = order.indexOf(id);
    return at === -1 ? -1 : at;
  };
  return windows.sort((a, b) => rank(b.id) - rank(a.id)).map((entry) => entry.window);
}

/** `_NET_CLIENT_LIST_STACKING(WINDOW): window id # 0x1e00003, 0x3a00003`: the ids, bottom first. */
export function parseStackingOrder(output: string): string[] {
  return [...output.matchAll(/0x[0-9a-f]+/gi)].map((match) => match[0]);
}

/** "firefox.Firefox" → "Firefox": the class half is the app's name. */
function appOfClass(wmClass: string): string {
  const parts = wmClass.split('.');
  return parts.length > 1 ? parts.slice(1).join('.') : wmClass;
}

/** Which portal interfaces `busctl --user introspect org.freedesktop.portal.Desktop /org/freedesktop/portal/desktop` lists. */
export function parsePortalInterfaces(output: string): { screenCast: boolean; globalShortcuts: boolean } {
  return { screenCast: /org\.freedesktop\.portal\.ScreenCast\b/.test(output), globalShortcuts: /org\.freedesktop\.portal\.GlobalShortcuts\b/.test(output) };
}
