// Where the recording's stop control goes: on the display being recorded, outside the recorded
// area (so it is neither in the video nor covering what is recorded), inside the display's work
// area (not under a taskbar or dock). Only when the recording takes the whole display is there no
// such place: then it goes to another display, or, with none, into a corner of the recording
// (said in `inRecording`, since it will show in the video).
import { displayOfRect, intersect, isEmptyRect, type Rect, type Size } from '../../../contract/capture/region.js';

export interface ControlDisplay {
  id: string;
  bounds: Rect;
  /** The display less the taskbar, dock and menu bar (DIP). */
  workArea: Rect;
}

export interface StopControlPlace {
  at: Rect;
  displayId: string;
  /** The control covers part of the recorded area (nowhere else to put it). */
  inRecording: boolean;
}

/** Space kept between the control and the recorded area or the work area's edge. */
const GAP = 8;

export function placeStopControl(recorded: Rect, displays: readonly ControlDisplay[], size: Size): StopControlPlace | null {
  if (displays.length === 0) return null;
  const display = displays.find((candidate) => candidate.id === displayOfRect(recorded, displays.map((each) => ({ id: each.id, bounds: each.bounds, scaleFactor: 1 })))?.id) ?? displays[0]!;
  const centreX = recorded.x + (recorded.width - size.width) / 2;
  const centreY = recorded.y + (recorded.height - size.height) / 2;
  // Below, above, right, left of the area (centred on it), then the work area's corners.
  const around: Rect[] = [
    { x: centreX, y: recorded.y + recorded.height + GAP, ...size },
    { x: centreX, y: recorded.y - size.height - GAP, ...size },
    { x: recorded.x + recorded.width + GAP, y: centreY, ...size },
    { x: recorded.x - size.width - GAP, y: centreY, ...size },
  ].map((rect) => fitInside(rect, display.workArea));
  const outside = [...around, ...corners(display.workArea, size)].find((rect) => insideRect(rect, display.workArea) && isEmptyRect(intersect(rect, grow(recorded, GAP / 2))));
  if (outside) return { at: round(outside), displayId: display.id, inRecording: false };
  const other = displays.find((candidate) => candidate.id !== display.id && isEmptyRect(intersect(candidate.workArea, recorded)));
  if (other) return { at: round(corners(other.workArea, size)[3]!), displayId: other.id, inRecording: false };
  return { at: round(corners(display.workArea, size)[3]!), displayId: display.id, inRecording: true };
}

/** Slid along the edge it is on so it stays on the display (the side it is on does not change). */
function fitInside(rect: Rect, area: Rect): Rect {
  const x = Math.min(Math.max(rect.x, area.x + GAP), area.x + area.width - rect.width - GAP);
  const y = Math.min(Math.max(rect.y, area.y + GAP), area.y + area.height - rect.height - GAP);
  return { ...rect, x, y };
}

/** Top-left, top-right, bottom-left, bottom-right. */
function corners(area: Rect, size: Size): Rect[] {
  const left = area.x + GAP;
  const right = area.x + area.width - size.width - GAP;
  const top = area.y + GAP;
  const bottom = area.y + area.height - size.height - GAP;
  return [
    { x: left, y: top, ...size },
    { x: right, y: top, ...size },
    { x: left, y: bottom, ...size },
    { x: right, y: bottom, ...size },
  ];
}

function insideRect(rect: Rect, area: Rect): boolean {
  return rect.x >= area.x && rect.y >= area.y && rect.x + rect.width <= area.x + area.width && rect.y + rect.height <= area.y + area.height;
}

function grow(rect: Rect, by: number): Rect {
  return { x: rect.x - by, y: rect.y - by, width: rect.width + 2 * by, height: rect.height + 2 * by };
}

function round(rect: Rect): Rect {
  return { x: Math.round(rect.x), y: Math.round(rect.y), width: rect.width, height: rect.height };
}
