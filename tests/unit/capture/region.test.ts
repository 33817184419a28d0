import { describe, expect, it } from 'vitest';
import { clampRect, dipToDisplayPixels, displayAt, displayOfRect, displayPixelsToDip, normaliseDrag, nudgeRegion, type CaptureDisplay } from '../../../contract/capture/region.js';
import { snapPoint, snapRect, snapValue, windowAt } from '../../../contract/capture/snapping.js';

const SCREEN = { width: 1920, height: 1080 };

describe('region maths', () => {
  it('normalises a drag in any direction to a whole-pixel rectangle', () => {
    expect(normaliseDrag({ x: 10, y: 20 }, { x: 110, y: 70 })).toEqual({ x: 10, y: 20, width: 100, height: 50 });
    expect(normaliseDrag({ x: 110.4, y: 70.6 }, { x: 9.6, y: 20.2 })).toEqual({ x: 10, y: 20, width: 100, height: 51 });
    expect(normaliseDrag({ x: 5, y: 5 }, { x: 5, y: 5 })).toEqual({ x: 5, y: 5, width: 0, height: 0 });
  });

  it('clamps a region to the display, and to nothing when it lies outside', () => {
    expect(clampRect({ x: -20, y: 1000, width: 100, height: 200 }, SCREEN)).toEqual({ x: 0, y: 1000, width: 80, height: 80 });
    expect(clampRect({ x: 2000, y: 10, width: 50, height: 50 }, SCREEN)).toEqual({ x: 1920, y: 10, width: 0, height: 50 });
  });

  it('nudges by one pixel, resizes with Shift, and stays on the display', () => {
    const region = { x: 10, y: 10, width: 100, height: 50 };
    expect(nudgeRegion(region, 'ArrowLeft', { resize: false }, SCREEN)).toEqual({ ...region, x: 9 });
    expect(nudgeRegion(region, 'ArrowDown', { resize: false }, SCREEN)).toEqual({ ...region, y: 11 });
    expect(nudgeRegion(region, 'ArrowRight', { resize: true }, SCREEN)).toEqual({ ...region, width: 101 });
    expect(nudgeRegion(region, 'ArrowUp', { resize: true }, SCREEN)).toEqual({ ...region, height: 49 });
    expect(nudgeRegion({ x: 0, y: 0, width: 1, height: 1 }, 'ArrowLeft', { resize: true }, SCREEN)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
    expect(nudgeRegion({ x: 0, y: 0, width: 5, height: 5 }, 'ArrowLeft', { resize: false }, SCREEN).x).toBe(0);
    expect(nudgeRegion({ x: 1900, y: 0, width: 20, height: 5 }, 'ArrowRight', { resize: false }, SCREEN).x).toBe(1900);
    expect(nudgeRegion({ x: 1900, y: 0, width: 20, height: 5 }, 'ArrowRight', { resize: true }, SCREEN).width).toBe(20);
    expect(nudgeRegion(region, 'ArrowRight', { resize: false, step: 10 }, SCREEN).x).toBe(20);
  });

  it('scales DIP rectangles into each display’s device pixels and back', () => {
    const left: CaptureDisplay = { id: 'left', bounds: { x: 0, y: 0, width: 1440, height: 900 }, scaleFactor: 2 };
    const right: CaptureDisplay = { id: 'right', bounds: { x: 1440, y: 0, width: 1920, height: 1080 }, scaleFactor: 1.25 };
    const retina = { width: 2880, height: 1800 };
    expect(dipToDisplayPixels({ x: 100, y: 50, width: 200, height: 100 }, left, retina)).toEqual({ x: 200, y: 100, width: 400, height: 200 });
    // A half pixel at an edge is kept whole, and the part on another display is cut off.
    expect(dipToDisplayPixels({ x: 1500.2, y: 10, width: 100, height: 100 }, right, { width: 2400, height: 1350 })).toEqual({ x: 75, y: 12, width: 126, height: 126 });
    expect(dipToDisplayPixels({ x: 1400, y: 0, width: 100, height: 10 }, left, retina)).toEqual({ x: 2800, y: 0, width: 80, height: 20 });
    const dip = displayPixelsToDip({ x: 200, y: 100, width: 400, height: 200 }, left);
    expect(dip).toEqual({ x: 100, y: 50, width: 200, height: 100 });
    expect(displayOfRect({ x: 1400, y: 10, width: 200, height: 100 }, [left, right])?.id).toBe('right');
    expect(displayAt({ x: 5000, y: 10 }, [left, right])?.id).toBe('right');
    expect(displayAt({ x: 10, y: 10 }, [])).toBeNull();
  });
});

describe('snapping to windows', () => {
  const windows = [
    { rect: { x: 100, y: 100, width: 400, height: 300 }, title: 'front', app: 'A' },
    { rect: { x: 50, y: 50, width: 800, height: 600 }, title: 'behind', app: 'B' },
  ];

  it('offers the front-most window under the pointer', () => {
    expect(windowAt({ x: 150, y: 150 }, windows)?.title).toBe('front');
    expect(windowAt({ x: 60, y: 60 }, windows)?.title).toBe('behind');
    expect(windowAt({ x: 10, y: 10 }, windows)).toBeNull();
  });

  it('pulls an edge within the tolerance onto the nearest window edge, and leaves others alone', () => {
    expect(snapValue(104, [100, 500], 8)).toBe(100);
    expect(snapValue(109, [100, 500], 8)).toBe(109);
    expect(snapPoint({ x: 497, y: 396 }, windows)).toEqual({ x: 500, y: 400 });
    expect(snapPoint({ x: 300, y: 250 }, windows)).toEqual({ x: 300, y: 250 });
    expect(snapRect({ x: 53, y: 97, width: 450, height: 306 }, windows, 5)).toEqual({ x: 50, y: 100, width: 450, height: 300 });
    expect(snapRect({ x: 53, y: 97, width: 450, height: 310 }, windows, 2)).toEqual({ x: 53, y: 97, width: 450, height: 310 });
  });
});
