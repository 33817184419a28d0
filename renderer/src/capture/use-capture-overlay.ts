// The capture overlay's state apart from the page: the region being chosen (dragged, snapped to
// windows, nudged by keys), the annotations drawn on it with the image editor's tools, and how a
// capture ends. Annotations are kept in the screenshot's pixels while drawing and handed over in
// the region's pixels.
import { computed, ref, shallowRef } from 'vue';
import type { CaptureOverlayInput, CaptureTrigger } from '../../../contract/capture/capture.js';
import { clampRect, isEmptyRect, normaliseDrag, nudgeRegion, type ArrowKey, type Point, type Rect } from '../../../contract/capture/region.js';
import { DEFAULT_SNAP_TOLERANCE, snapPoint, windowAt, type SnapWindow } from '../../../contract/capture/snapping.js';
import type { Annotation } from '../../../contract/edits/annotations.js';
import { moveAnnotation } from '../clip/image-editor/annotation-geometry.js';
import { defaultColor, drawnAnnotation, newAnnotationId, sizeScale, sizeSetting, type DrawingTool, type DrawStyle, type NewAnnotationBase } from '../clip/image-editor/editor-tools.js';
import type { CaptureFinish } from './capture-bridge.js';

/** 'region' chooses the region; the others are the image editor's drawing tools. */
export type OverlayTool = 'region' | DrawingTool;

type Drag =
  | { kind: 'region'; start: Point; current: Point }
  | { kind: 'draw'; tool: DrawingTool; start: Point; current: Point; path: Point[]; base: NewAnnotationBase; style: DrawStyle };

/** A drag shorter than this (screenshot pixels) is a click: it takes the window under the pointer. */
const CLICK_DISTANCE = 3;

export function useCaptureOverlay(input: CaptureOverlayInput) {
  const bounds = input.screenshot;
  const region = ref<Rect | null>(input.mode === 'screen' ? { x: 0, y: 0, ...bounds } : null);
  const pointer = ref<Point | null>(null);
  const tool = ref<OverlayTool>('region');
  const annotations = ref<Annotation[]>([]);
  const drag = shallowRef<Drag | null>(null);
  const tolerance = DEFAULT_SNAP_TOLERANCE;

  /** The window a click would take (while choosing a region, not while drawing). */
  const hoveredWindow = computed<SnapWindow | null>(() => {
    if (drag.value || tool.value !== 'region' || !pointer.value) return null;
    return windowAt(pointer.value, input.windows);
  });

  /** The region as shown: while dragging, the drag's (snapped) rectangle. */
  const shownRegion = computed<Rect | null>(() => {
    const current = drag.value;
    if (current?.kind === 'region') return regionOfDrag(current.start, current.current);
    return region.value;
  });

  /** The annotations as shown: with the one being drawn. */
  const shownAnnotations = computed<Annotation[]>(() => {
    const current = drag.value;
    if (current?.kind !== 'draw') return annotations.value;
    const drawn = drawnAnnotation(current.tool, current.start, current.current, current.style, current.base, current.path);
    return drawn ? [...annotations.value, drawn] : annotations.value;
  });

  function regionOfDrag(start: Point, end: Point): Rect {
    return clampRect(normaliseDrag(snapPoint(start, input.windows, tolerance), snapPoint(end, input.windows, tolerance)), bounds);
  }

  function styleOf(drawing: DrawingTool): DrawStyle {
    return { color: defaultColor(drawing), size: sizeSetting(drawing).initial * sizeScale(region.value ?? bounds) };
  }

  function pointerDown(at: Point): void {
    pointer.value = at;
    const chosen = tool.value;
    if (chosen === 'region' || !region.value) {
      drag.value = { kind: 'region', start: at, current: at };
      return;
    }
    if (chosen === 'text') return;
    const base = { id: newAnnotationId(), z: (annotations.value.at(-1)?.z ?? 0) + 1, createdAt: Date.now() };
    drag.value = { kind: 'draw', tool: chosen, start: at, current: at, path: [at], base, style: styleOf(chosen) };
  }

  function pointerMove(at: Point): void {
    pointer.value = at;
    const current = drag.value;
    if (!current) return;
    if (current.kind === 'draw') {
      const last = current.path.at(-1)!;
      drag.value = { ...current, current: at, path: Math.hypot(at.x - last.x, at.y - last.y) >= 1 ? [...current.path, at] : current.path };
    } else drag.value = { ...current, current: at };
  }

  function pointerUp(at: Point): void {
    pointerMove(at);
    const done = drag.value;
    drag.value = null;
    if (!done) return;
    if (done.kind === 'draw') {
      const drawn = drawnAnnotation(done.tool, done.start, done.current, done.style, done.base, done.path);
      if (drawn) annotations.value = [...annotations.value, drawn];
      return;
    }
    const moved = Math.hypot(done.current.x - done.start.x, done.current.y - done.start.y);
    if (moved < CLICK_DISTANCE) {
      const window = windowAt(done.start, input.windows);
      if (window) region.value = clampRect(window.rect, bounds);
      return;
    }
    const dragged = regionOfDrag(done.start, done.current);
    if (!isEmptyRect(dragged)) region.value = dragged;
  }

  function cancelDrag(): boolean {
    if (!drag.value) return false;
    drag.value = null;
    return true;
  }

  function nudge(key: ArrowKey, resize: boolean): void {
    if (region.value) region.value = nudgeRegion(region.value, key, { resize }, bounds);
  }

  function repeatLastRegion(): boolean {
    if (!input.lastRegion) return false;
    region.value = clampRect(input.lastRegion, bounds);
    return true;
  }

  function addText(at: Point, text: string): void {
    if (!text.trim()) return;
    const style = styleOf('text');
    annotations.value = [
      ...annotations.value,
      { id: newAnnotationId(), z: (annotations.value.at(-1)?.z ?? 0) + 1, createdAt: Date.now(), kind: 'text', color: style.color, x: Math.round(at.x), y: Math.round(at.y), size: style.size, text, background: null },
    ];
  }

  function undo(): void {
    annotations.value = annotations.value.slice(0, -1);
  }

  /** What ending the capture sends, or null while there is no region. */
  function finishRequest(trigger: CaptureTrigger): CaptureFinish | null {
    const chosen = region.value;
    if (!chosen || isEmptyRect(chosen)) return null;
    return { region: { ...chosen }, annotations: annotations.value.map((annotation) => moveAnnotation(annotation, -chosen.x, -chosen.y)), trigger };
  }

  return { region, pointer, tool, annotations, drag, hoveredWindow, shownRegion, shownAnnotations, pointerDown, pointerMove, pointerUp, cancelDrag, nudge, repeatLastRegion, addText, undo, finishRequest };
}

export type CaptureOverlayState = ReturnType<typeof useCaptureOverlay>;
