// The image editor's state and every edit it makes, apart from the page: what is selected, what
// the pointer is doing, and each action as one undoable Automerge change to the detail document.
import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import type { CropRect, Rotation } from '../../../../contract/clip-details.js';
import { compareStacking, type Annotation } from '../../../../contract/edits/annotations.js';
import { outputToImage, type ImageGeometry, type Point, type Size } from '../../../../contract/edits/image-geometry.js';
import { useClipUndoStore } from '../clip-undo-store.js';
import { growAnnotation, moveAnnotation, resizeAnnotation, resizeBox, type Box, type HandleId } from './annotation-geometry.js';
import { useImageEditorStore } from './editor-settings.js';
import { boxBetween, drawnAnnotation, newAnnotationId, sizeScale, sizeSetting, toolSpec, type DrawStyle, type DrawingTool, type NewAnnotationBase, type ToolId } from './editor-tools.js';
import { isEmptyStep, writeImageStep, type AnnotationChange, type DetailHandle, type ImageStep } from './image-step.js';
import { useImageDetails } from './use-image-details.js';

export type Interaction =
  | { kind: 'draw'; tool: DrawingTool; start: Point; current: Point; path: Point[]; base: NewAnnotationBase; style: DrawStyle }
  | { kind: 'move'; start: Point; current: Point; originals: Annotation[] }
  | { kind: 'resize'; handle: HandleId; original: Annotation; current: Point }
  | { kind: 'crop'; start: Point; current: Point }
  | { kind: 'crop-resize'; handle: HandleId; original: Box; current: Point };

/** A text being typed: where it goes, and the annotation it replaces when one is being edited. */
export interface TextEntry {
  at: Point;
  editing: Annotation | null;
  value: string;
}

export function useImageEditor(clipId: string, detail: Ref<DetailHandle | null>, image: Ref<Size>) {
  const settings = useImageEditorStore();
  const undo = useClipUndoStore();
  const { details, problem } = useImageDetails(detail, clipId);
  const selection = ref<string[]>([]);
  const interaction = shallowRef<Interaction | null>(null);
  /** The crop being chosen with the crop tool (image pixels), until applied. */
  const pendingCrop = ref<CropRect | null>(null);
  const textEntry = ref<TextEntry | null>(null);

  const annotations = computed(() => details.value?.image.annotations ?? []);
  const crop = computed(() => details.value?.image.crop ?? null);
  const rotation = computed<Rotation>(() => details.value?.image.rotation ?? 0);
  const selected = computed(() => annotations.value.filter((annotation) => selection.value.includes(annotation.id)));
  const scale = computed(() => sizeScale(image.value));
  const preview = computed(() => previewAnnotations(annotations.value, interaction.value));
  const cropping = computed(() => settings.tool === 'crop');
  const hasEdits = computed(() => annotations.value.length > 0 || crop.value !== null || rotation.value !== 0);

  // What another window deleted cannot stay selected here.
  watch(annotations, (list) => {
    const ids = new Set(list.map((annotation) => annotation.id));
    if (selection.value.some((id) => !ids.has(id))) selection.value = selection.value.filter((id) => ids.has(id));
  });

  function styleOf(tool: DrawingTool): DrawStyle {
    return { color: settings.colorOf(tool), size: settings.sizeOf(tool) * scale.value, shape: settings.spotlightShape };
  }

  // A crop left unfinished in another clip does not carry over.
  if (settings.tool === 'crop') settings.tool = 'select';

  function newBase(): NewAnnotationBase {
    const top = annotations.value.at(-1);
    return { id: newAnnotationId(), z: top ? Math.floor(top.z) + 1 : 1, createdAt: Date.now() };
  }

  /** Writes a step as one change and makes it this window's next undo. */
  function commit(step: ImageStep): void {
    const handle = detail.value;
    if (!handle || isEmptyStep(step)) return;
    const heads = writeImageStep(handle, clipId, step, 'forward');
    undo.record(clipId, { field: 'image', step }, heads, { coalesce: false });
  }

  function changeAnnotations(name: string, changes: AnnotationChange[]): void {
    commit({ name, operation: 'annotate', annotations: changes });
  }

  function selectTool(tool: ToolId): void {
    if (tool === settings.tool) return;
    cancelInteraction();
    if (settings.tool === 'crop') pendingCrop.value = null;
    settings.tool = tool;
    if (tool === 'crop') {
      selection.value = [];
      pendingCrop.value = crop.value ? { ...crop.value } : { x: 0, y: 0, w: image.value.width, h: image.value.height };
    }
  }

  // ---- the pointer ----

  function startDrawing(tool: DrawingTool, at: Point): void {
    interaction.value = { kind: 'draw', tool, start: at, current: at, path: [at], base: newBase(), style: styleOf(tool) };
  }

  function startMoving(at: Point): void {
    interaction.value = { kind: 'move', start: at, current: at, originals: selected.value };
  }

  function startResizing(handle: HandleId, at: Point): void {
    const [only] = selected.value;
    if (only && selected.value.length === 1) interaction.value = { kind: 'resize', handle, original: only, current: at };
  }

  function startCropping(at: Point, handle: HandleId | null): void {
    interaction.value = handle && pendingCrop.value ? { kind: 'crop-resize', handle, original: pendingCrop.value, current: at } : { kind: 'crop', start: at, current: at };
  }

  /** `minStep`: pen points closer than this to the last one are dropped (image pixels). */
  function moveTo(at: Point, minStep = 1): void {
    const current = interaction.value;
    if (!current) return;
    if (current.kind === 'draw') {
      const last = current.path.at(-1)!;
      const path = Math.hypot(at.x - last.x, at.y - last.y) >= minStep ? [...current.path, at] : current.path;
      interaction.value = { ...current, current: at, path };
    } else interaction.value = { ...current, current: at };
  }

  /** Ends the drag: what it drew or moved becomes one change. */
  function finishInteraction(): void {
    const done = interaction.value;
    interaction.value = null;
    if (!done) return;
    switch (done.kind) {
      case 'draw': {
        const drawn = drawnAnnotation(done.tool, done.start, done.current, done.style, done.base, done.path);
        if (!drawn) return;
        changeAnnotations(toolSpec(done.tool).label.toLowerCase(), [{ id: drawn.id, before: null, after: drawn }]);
        selection.value = [drawn.id];
        return;
      }
      case 'move': {
        const dx = done.current.x - done.start.x;
        const dy = done.current.y - done.start.y;
        if (dx === 0 && dy === 0) return;
        changeAnnotations(
          'move',
          done.originals.map((original) => ({ id: original.id, before: original, after: moveAnnotation(original, dx, dy) })),
        );
        return;
      }
      case 'resize':
        changeAnnotations('resize', [{ id: done.original.id, before: done.original, after: resizeAnnotation(done.original, done.handle, done.current) }]);
        return;
      case 'crop': {
        const box = boxBetween(done.start, done.current);
        if (box.w >= 2 && box.h >= 2) pendingCrop.value = box;
        return;
      }
      case 'crop-resize':
        pendingCrop.value = resizeBox(done.original, done.handle, done.current);
        return;
    }
  }

  function cancelInteraction(): void {
    interaction.value = null;
  }

  // ---- keyboard and toolbar actions ----

  function deleteSelected(): void {
    const doomed = selected.value;
    if (doomed.length === 0) return;
    changeAnnotations(
      'delete',
      doomed.map((annotation) => ({ id: annotation.id, before: annotation, after: null })),
    );
    selection.value = [];
  }

  /** Moves the selection by a distance on screen (so arrow keys follow the picture's rotation). */
  function nudge(dx: number, dy: number, geometry: ImageGeometry): void {
    const delta = screenToImageDelta(dx, dy, geometry);
    changeAnnotations(
      'move',
      selected.value.map((annotation) => ({ id: annotation.id, before: annotation, after: moveAnnotation(annotation, delta.x, delta.y) })),
    );
  }

  /** Grows (or shrinks) the selection by keyboard: width and height as seen on screen. */
  function grow(dw: number, dh: number, geometry: ImageGeometry): void {
    const [w, h] = geometry.rotation === 90 || geometry.rotation === 270 ? [dh, dw] : [dw, dh];
    changeAnnotations(
      'resize',
      selected.value.map((annotation) => ({ id: annotation.id, before: annotation, after: growAnnotation(annotation, w, h) })),
    );
  }

  /** One step up or down the stack (swapping places with the neighbour). */
  function restack(direction: 1 | -1): void {
    const [annotation] = selected.value;
    if (!annotation || selected.value.length !== 1) return;
    const list = [...annotations.value].sort(compareStacking);
    const index = list.findIndex((item) => item.id === annotation.id);
    const neighbour = list[index + direction];
    if (!neighbour) return;
    // Equal z (stacked by id): step just past the neighbour instead of swapping nothing.
    const [z, neighbourZ] = annotation.z === neighbour.z ? [neighbour.z + direction * 0.001, neighbour.z] : [neighbour.z, annotation.z];
    changeAnnotations(direction > 0 ? 'bring forward' : 'send backward', [
      { id: annotation.id, before: annotation, after: { ...annotation, z } },
      { id: neighbour.id, before: neighbour, after: { ...neighbour, z: neighbourZ } },
    ]);
  }

  /** Recolours the selection, and makes the colour the current tool's. */
  function setColor(color: string): void {
    const tool = settings.tool;
    if (tool !== 'select' && tool !== 'crop') settings.colors[tool] = color;
    const changes = selected.value.filter((annotation) => annotation.color !== color).map((annotation) => ({ id: annotation.id, before: annotation, after: { ...annotation, color } as Annotation }));
    if (changes.length > 0) changeAnnotations('colour', changes);
  }

  /** Sets the shape of new spotlights and of the selected ones. */
  function setSpotlightShape(shape: 'rect' | 'ellipse'): void {
    settings.spotlightShape = shape;
    const changes = selected.value.flatMap((annotation) => (annotation.kind === 'spotlight' && annotation.shape !== shape ? [{ id: annotation.id, before: annotation, after: { ...annotation, shape } }] : []));
    if (changes.length > 0) changeAnnotations('shape', changes);
  }

  /** Gives new text, and the selected text, a white background (or takes it away). */
  function setTextBackground(on: boolean): void {
    settings.textBackground = on;
    const background = on ? '#ffffff' : null;
    const changes = selected.value.flatMap((annotation) => (annotation.kind === 'text' && annotation.background !== background ? [{ id: annotation.id, before: annotation, after: { ...annotation, background } }] : []));
    if (changes.length > 0) changeAnnotations('text background', changes);
  }

  /** Sets the size (line width, text or marker size, strength) of the selection and of the current tool, before scaling to the image. */
  function setSize(size: number): void {
    const tool = settings.tool;
    if (tool !== 'select' && tool !== 'crop') settings.sizes[tool] = size;
    const changes: AnnotationChange[] = [];
    for (const annotation of selected.value) {
      const field = sizeSetting(annotation.kind).field;
      if (!field || !(field in annotation)) continue;
      changes.push({ id: annotation.id, before: annotation, after: { ...annotation, [field]: size * scale.value } as Annotation });
    }
    if (changes.length > 0) changeAnnotations('size', changes);
  }

  function rotate(quarterTurns: 1 | -1): void {
    const before = rotation.value;
    const after = (((before + quarterTurns * 90) % 360) + 360) % 360;
    commit({ name: 'rotation', operation: 'rotate', annotations: [], rotation: { before, after: after as Rotation } });
  }

  function applyCrop(): void {
    const chosen = pendingCrop.value;
    if (!chosen) return;
    const x = Math.max(0, Math.round(chosen.x));
    const y = Math.max(0, Math.round(chosen.y));
    const w = Math.min(image.value.width, Math.round(chosen.x + chosen.w)) - x;
    const h = Math.min(image.value.height, Math.round(chosen.y + chosen.h)) - y;
    const whole = x === 0 && y === 0 && w === image.value.width && h === image.value.height;
    if (w >= 1 && h >= 1) commit({ name: 'crop', operation: 'crop', annotations: [], crop: { before: crop.value, after: whole ? null : { x, y, w, h } } });
    pendingCrop.value = null;
    settings.tool = 'select';
  }

  function cancelCrop(): void {
    pendingCrop.value = null;
    settings.tool = 'select';
  }

  function clearCrop(): void {
    commit({ name: 'crop', operation: 'crop', annotations: [], crop: { before: crop.value, after: null } });
    if (cropping.value) pendingCrop.value = { x: 0, y: 0, w: image.value.width, h: image.value.height };
  }

  /** Back to the image as imported: every annotation, the crop and the rotation go, in one undoable step. */
  function revert(): void {
    commit({
      name: 'revert to original',
      operation: 'revert',
      annotations: annotations.value.map((annotation) => ({ id: annotation.id, before: annotation, after: null })),
      crop: { before: crop.value, after: null },
      rotation: { before: rotation.value, after: 0 },
    });
    selection.value = [];
    pendingCrop.value = null;
  }

  /** Places the current tool's annotation in the middle of the picture: drawing without a pointer. */
  function placeDefault(center: Point): void {
    const tool = settings.tool;
    if (tool === 'select' || tool === 'crop') return;
    if (tool === 'text') {
      textEntry.value = { at: center, editing: null, value: '' };
      return;
    }
    const half = Math.max(8, Math.min(image.value.width, image.value.height) / 8);
    const start = { x: center.x - half, y: center.y - half / 2 };
    const end = { x: center.x + half, y: center.y + half / 2 };
    const path = [start, { x: center.x, y: end.y }, end];
    const drawn = drawnAnnotation(tool, tool === 'step' ? center : start, end, styleOf(tool), newBase(), path);
    if (!drawn) return;
    changeAnnotations(toolSpec(tool).label.toLowerCase(), [{ id: drawn.id, before: null, after: drawn }]);
    selection.value = [drawn.id];
  }

  function openText(at: Point, editing: Annotation | null = null): void {
    textEntry.value = { at, editing, value: editing?.kind === 'text' ? editing.text : '' };
  }

  /** Writes what was typed: a new text annotation, a changed one, or none (an emptied one is removed). */
  function submitText(): void {
    const entry = textEntry.value;
    textEntry.value = null;
    if (!entry) return;
    const text = entry.value.replace(/\s+$/, '');
    const editing = entry.editing?.kind === 'text' ? entry.editing : null;
    if (editing) {
      if (text === editing.text) return;
      changeAnnotations('text', [{ id: editing.id, before: editing, after: text.trim() ? { ...editing, text } : null }]);
      return;
    }
    if (!text.trim()) return;
    const style = styleOf('text');
    const created: Annotation = { ...newBase(), kind: 'text', color: style.color, x: Math.round(entry.at.x), y: Math.round(entry.at.y), size: style.size, text, background: settings.textBackground ? '#ffffff' : null };
    changeAnnotations('text', [{ id: created.id, before: null, after: created }]);
    selection.value = [created.id];
  }

  function cancelText(): void {
    textEntry.value = null;
  }

  return {
    settings,
    details,
    problem,
    annotations,
    preview,
    crop,
    rotation,
    selection,
    selected,
    interaction,
    pendingCrop,
    textEntry,
    cropping,
    hasEdits,
    scale,
    selectTool,
    startDrawing,
    startMoving,
    startResizing,
    startCropping,
    moveTo,
    finishInteraction,
    cancelInteraction,
    deleteSelected,
    nudge,
    grow,
    restack,
    setColor,
    setSize,
    setSpotlightShape,
    setTextBackground,
    rotate,
    applyCrop,
    cancelCrop,
    clearCrop,
    revert,
    placeDefault,
    openText,
    submitText,
    cancelText,
  };
}

export type ImageEditorState = ReturnType<typeof useImageEditor>;

/** The annotations as they look mid-drag: the one being drawn added, the ones being moved or resized moved. */
export function previewAnnotations(annotations: readonly Annotation[], interaction: Interaction | null): Annotation[] {
  if (!interaction) return [...annotations];
  switch (interaction.kind) {
    case 'draw': {
      const drawn = drawnAnnotation(interaction.tool, interaction.start, interaction.current, interaction.style, interaction.base, interaction.path);
      return drawn ? [...annotations, drawn] : [...annotations];
    }
    case 'move': {
      const dx = interaction.current.x - interaction.start.x;
      const dy = interaction.current.y - interaction.start.y;
      const moved = new Map(interaction.originals.map((original) => [original.id, moveAnnotation(original, dx, dy)]));
      return annotations.map((annotation) => moved.get(annotation.id) ?? annotation);
    }
    case 'resize':
      return annotations.map((annotation) => (annotation.id === interaction.original.id ? resizeAnnotation(interaction.original, interaction.handle, interaction.current) : annotation));
    default:
      return [...annotations];
  }
}

/** A movement on screen (output pixels) as a movement in the original image. */
function screenToImageDelta(dx: number, dy: number, geometry: ImageGeometry): Point {
  const origin = outputToImage({ x: 0, y: 0 }, geometry);
  const moved = outputToImage({ x: dx, y: dy }, geometry);
  return { x: moved.x - origin.x, y: moved.y - origin.y };
}

/** Where the middle of the visible picture is, in image pixels. */
export function pictureCenter(geometry: ImageGeometry): Point {
  return outputToImage({ x: geometry.output.width / 2, y: geometry.output.height / 2 }, geometry);
}
