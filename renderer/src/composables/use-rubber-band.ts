import { onScopeDispose, ref, type Ref } from 'vue';
import { autoScrollStep, bandBetween, indexesInBand, type Band, type GridGeometry } from '../lib/rubber-band.js';

/** A press moving less than this is a click, not a drag. */
const DRAG_THRESHOLD_PX = 4;

export interface RubberBandTarget {
  element(): HTMLElement | null | undefined;
  geometry(): GridGeometry;
}

export interface RubberBandHandlers {
  /** The band moved: these cards are under it. `additive`: Ctrl/Cmd or Shift was held when it started. */
  onBand(indexes: ReadonlySet<number>, additive: boolean): void;
  /** The band was let go. */
  onRelease(): void;
  /** A press on empty space that did not drag. */
  onEmptyClick(additive: boolean): void;
}

/**
 * Dragging on the grid's empty space draws a band that selects the cards it touches; near the
 * top or bottom edge the grid scrolls, and the band stretches with it. The band (in content
 * coordinates) is returned for drawing.
 */
export function useRubberBand(target: Ref<RubberBandTarget | null>, handlers: RubberBandHandlers): { band: Ref<Band | null>; start(event: MouseEvent): void } {
  const band = ref<Band | null>(null);
  let origin: { x: number; y: number } | null = null;
  let pointer = { x: 0, y: 0 };
  let additive = false;
  let dragging = false;
  let frame = 0;

  function contentPoint(element: HTMLElement, clientX: number, clientY: number): { x: number; y: number } {
    const rect = element.getBoundingClientRect();
    return { x: clientX - rect.left + element.scrollLeft, y: clientY - rect.top + element.scrollTop };
  }

  function update(): void {
    const element = target.value?.element();
    if (!element || !origin) return;
    band.value = bandBetween(origin, contentPoint(element, pointer.x, pointer.y));
    handlers.onBand(new Set(indexesInBand(band.value, target.value!.geometry())), additive);
  }

  function autoScroll(): void {
    frame = 0;
    const element = target.value?.element();
    if (!element || !dragging) return;
    const rect = element.getBoundingClientRect();
    const step = autoScrollStep(pointer.y, rect.top, rect.bottom);
    if (step !== 0) {
      element.scrollTop += step;
      update();
    }
    frame = requestAnimationFrame(autoScroll);
  }

  function onMove(event: MouseEvent): void {
    pointer = { x: event.clientX, y: event.clientY };
    const element = target.value?.element();
    if (!element || !origin) return;
    if (!dragging) {
      const here = contentPoint(element, pointer.x, pointer.y);
      if (Math.hypot(here.x - origin.x, here.y - origin.y) < DRAG_THRESHOLD_PX) return;
      dragging = true;
      frame = requestAnimationFrame(autoScroll);
    }
    update();
  }

  function onUp(): void {
    const wasDragging = dragging;
    stop();
    if (wasDragging) handlers.onRelease();
    else handlers.onEmptyClick(additive);
  }

  function stop(): void {
    window.removeEventListener('mousemove', onMove);
    window.removeEventListener('mouseup', onUp);
    cancelAnimationFrame(frame);
    frame = 0;
    origin = null;
    dragging = false;
    band.value = null;
  }

  /** Call on a primary-button press on the grid's empty space. */
  function start(event: MouseEvent): void {
    const element = target.value?.element();
    if (!element || event.button !== 0) return;
    // No text selection, no native drag: the press is ours.
    event.preventDefault();
    element.focus({ preventScroll: true });
    origin = contentPoint(element, event.clientX, event.clientY);
    pointer = { x: event.clientX, y: event.clientY };
    additive = event.shiftKey || event.ctrlKey || event.metaKey;
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
  }

  onScopeDispose(stop);
  return { band, start };
}
