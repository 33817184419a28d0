import { describe, expect, it } from 'vitest';
import { routeAppRequest } from '../../../main/app/app-protocol.js';
import { parsePortalInterfaces, parseStackingOrder, parseWmctrlWindows } from '../../../main/capture/desktop-windows.js';

describe('desktop windows for snapping', () => {
  const wmctrl = [
    '0x01e00003 -1 0    0    1920 1080 desktop_window.Nautilus  host Desktop',
    '0x03a00003  0 100  80   1280 720  firefox.Firefox  host Release notes — Mozilla Firefox',
    '0x04400007  0 640  400  800  500  gnome-terminal-server.Gnome-terminal  host ~/src',
    'garbage line',
  ].join('\n');

  it('reads wmctrl’s windows, front-most first by the stacking order, without the desktop', () => {
    const stacking = parseStackingOrder('_NET_CLIENT_LIST_STACKING(WINDOW): window id # 0x1e00003, 0x4400007, 0x3a00003');
    expect(stacking).toEqual(['0x1e00003', '0x4400007', '0x3a00003']);
    expect(parseWmctrlWindows(wmctrl, stacking)).toEqual([
      { bounds: { x: 100, y: 80, width: 1280, height: 720 }, title: 'Release notes — Mozilla Firefox', app: 'Firefox' },
      { bounds: { x: 640, y: 400, width: 800, height: 500 }, title: '~/src', app: 'Gnome-terminal' },
    ]);
  });

  it('reads which portals answer', () => {
    expect(parsePortalInterfaces('org.freedesktop.portal.ScreenCast interface - - -\norg.freedesktop.portal.Screenshot interface')).toEqual({ screenCast: true, globalShortcuts: false });
    expect(parsePortalInterfaces('org.freedesktop.portal.GlobalShortcuts interface')).toEqual({ screenCast: false, globalShortcuts: true });
  });

  it('routes a capture’s screenshot in the app’s protocol, and nothing else under /captures', () => {
    const id = 'ab'.repeat(16);
    expect(routeAppRequest(`clipshot://app/captures/${id}/screenshot`, 'GET')).toEqual({ kind: 'capture', captureId: id });
    expect(routeAppRequest('clipshot://app/captures/xyz/screenshot', 'GET')).toMatchObject({ kind: 'refused', status: 404 });
  });
});
