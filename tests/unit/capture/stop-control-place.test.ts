// Where the recording's stop control goes: outside the recorded area, on its display, inside the
// work area; another display when the recording takes a whole one; in the recording only when
// there is nowhere else, and then said.
import { describe, expect, it } from 'vitest';
import { placeStopControl, type ControlDisplay } from '../../../main/capture/recording/stop-control-place.js';

const SIZE = { width: 200, height: 48 };
// A taskbar takes the bottom 40 px of the first display.
const LEFT: ControlDisplay = { id: 'left', bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const RIGHT: ControlDisplay = { id: 'right', bounds: { x: 1920, y: 0, width: 1280, height: 1024 }, workArea: { x: 1920, y: 0, width: 1280, height: 1024 } };

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the stop control’s place', () => {
  it('goes just below a region, centred on it', () => {
    const region = { x: 100, y: 100, width: 800, height: 600 };
    expect(placeStopControl(region, [LEFT, RIGHT], SIZE)).toEqual({ at: { x: 400, y: 708, width: 200, height: 48 }, displayId: 'left', inRecording: false });
  });

  it('goes above a region that reaches the taskbar, never under the taskbar', () => {
    const region = { x: 100, y: 800, width: 800, height: 240 };
    const place = placeStopControl(region, [LEFT], SIZE)!;
    expect(place.at).toEqual({ x: 400, y: 744, width: 200, height: 48 });
    expect(overlaps(place.at, region)).toBe(false);
  });

  it('stays on the display of a region on the second display, beside it when above and below are full', () => {
    const region = { x: 1920, y: 0, width: 900, height: 1024 };
    const place = placeStopControl(region, [LEFT, RIGHT], SIZE)!;
    expect(place.displayId).toBe('right');
    expect(place.at.x).toBe(1920 + 900 + 8);
    expect(overlaps(place.at, region)).toBe(false);
    expect(place.at.y).toBeGreaterThanOrEqual(0);
    expect(place.at.y + place.at.height).toBeLessThanOrEqual(1024);
  });

  it('goes to the other display when the recording takes a whole display', () => {
    expect(placeStopControl(LEFT.bounds, [LEFT, RIGHT], SIZE)).toEqual({ at: { x: 2992, y: 968, width: 200, height: 48 }, displayId: 'right', inRecording: false });
  });

  it('with one display taken whole, goes in its corner and says it is in the recording', () => {
    expect(placeStopControl(LEFT.bounds, [LEFT], SIZE)).toEqual({ at: { x: 1712, y: 984, width: 200, height: 48 }, displayId: 'left', inRecording: true });
    expect(placeStopControl(LEFT.bounds, [], SIZE)).toBeNull();
  });
});
