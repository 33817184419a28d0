// The image editor in the clip view, against the real core (tests/helpers/direct-api.ts): keys
// pick tools, the pointer draws every kind of annotation into the clip's detail document, and
// undo, redo, delete, move, recolour, crop, rotate and a second window all meet in that document.
// happy-dom lays nothing out: the canvas measures 0×0, which the editor takes as one screen pixel
// per image pixel, so pointer positions here are image pixels.
import * as Automerge from '@automerge/automerge';
import { flushPromises } from '@vue/test-utils';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { readClipDetails, type ClipDetailDoc, type ClipDetails } from '../../../contract/clip-details.js';
import { toAnnotationDoc, type Annotation } from '../../../contract/edits/annotations.js';
import ClipDetail from '../../../renderer/src/clip/ClipDetail.vue';
import { TOOLS } from '../../../renderer/src/clip/image-editor/editor-tools.js';
import { annotation } from '../../helpers/annotations.js';
import { writePng } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';
import { press } from '../library/mount-library.js';
import { useClipViewHarness } from './clip-view-harness.js';
import { eventually } from './shard-repos.js';

const view = useClipViewHarness();
let seed = 10;


/** A fresh image clip (400×300) for each test. */
async function newImage(): Promise<string> {
  seed++;
  const file = await writePng(await tempDir(), `shot-${seed}.png`, seed, { width: 400, height: 300 });
  const { importId } = await view.core.files.importFiles([new File([await readFile(file)], path.basename(file), { type: 'image/png' })]);
  expect(importId).not.toBeNull();
  await expect.poll(async () => (await view.core.api.listClips({ kind: 'image' })).items.find((clip) => clip.sourceName === path.basename(file))?.id, { timeout: 20_000 }).toBeTruthy();
  return (await view.core.api.listClips({ kind: 'image' })).items.find((clip) => clip.sourceName === path.basename(file))!.id;
}

async function openEditor(clipId: string): Promise<void> {
  view.mount(ClipDetail, { clipId });
  await eventually(() => document.querySelector('[data-testid="editor-canvas"]')).not.toBeNull();
  canvas().focus();
}

const canvas = (): SVGSVGElement => document.querySelector<SVGSVGElement>('[data-testid="editor-canvas"]')!;
const byTestId = <T extends Element = HTMLElement>(id: string): T => document.querySelector<T>(`[data-testid="${id}"]`)!;

function pointer(type: 'pointerdown' | 'pointermove' | 'pointerup', x: number, y: number, target: Element = canvas(), extra: PointerEventInit = {}): void {
  target.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, bubbles: true, cancelable: true, button: 0, pointerId: 1, ...extra }));
}

/** A drag as a mouse makes it: down, a few moves, up. */
async function drag(from: [number, number], to: [number, number], target?: Element): Promise<void> {
  pointer('pointerdown', from[0], from[1], target);
  for (let i = 1; i <= 4; i++) pointer('pointermove', from[0] + ((to[0] - from[0]) * i) / 4, from[1] + ((to[1] - from[1]) * i) / 4);
  pointer('pointerup', to[0], to[1]);
  await nextTick();
}

async function click(x: number, y: number): Promise<void> {
  pointer('pointerdown', x, y);
  pointer('pointerup', x, y);
  await nextTick();
}

async function key(name: string, options: KeyboardEventInit = {}): Promise<KeyboardEvent> {
  const event = press(name, { target: document.activeElement ?? canvas(), ...options });
  await nextTick();
  return event;
}

/** The clip's edits as the core has them (what exports and other devices see). */
async function coreDetails(clipId: string): Promise<ClipDetails> {
  const read = await view.core.library.details.read(clipId, (doc) => (doc ? readClipDetails(doc, clipId) : null));
  if (!read?.ok) throw new Error('no detail document');
  return read.details;
}

async function coreAnnotations(clipId: string): Promise<Annotation[]> {
  return (await coreDetails(clipId)).image.annotations;
}

const toolPressed = (id: string) => byTestId(`tool-${id}`).getAttribute('aria-pressed');

describe('tools', () => {
  test('each tool has its single key, and keys typed into a field stay text', async () => {
    await openEditor(await newImage());
    for (const tool of TOOLS) {
      const event = await key(tool.key.toLowerCase());
      expect(event.defaultPrevented).toBe(true);
      expect(toolPressed(tool.id)).toBe('true');
    }
    await key('v');
    const notes = document.querySelector<HTMLTextAreaElement>('[data-testid="clip-notes-input"], textarea')!;
    notes.focus();
    const typed = press('r', { target: notes });
    expect(typed.defaultPrevented).toBe(false);
    expect(toolPressed('select')).toBe('true');
    expect(byTestId('editor-toolbar').getAttribute('role')).toBe('toolbar');
    expect(byTestId('tool-arrow').getAttribute('aria-keyshortcuts')).toBe('A');
  });
});

describe('drawing', () => {
  test('every kind of annotation drawn with the pointer lands in the document where it was drawn', async () => {
    const id = await newImage();
    await openEditor(id);
    const drags: [string, [number, number], [number, number]][] = [
      ['a', [10, 10], [110, 60]],
      ['l', [10, 80], [110, 80]],
      ['r', [130, 10], [200, 60]],
      ['e', [130, 80], [200, 130]],
      ['p', [220, 10], [300, 60]],
      ['h', [220, 80], [300, 80]],
      ['s', [10, 150], [120, 220]],
      ['b', [140, 150], [200, 200]],
      ['x', [220, 150], [280, 200]],
      ['k', [300, 150], [360, 200]],
    ];
    for (const [tool, from, to] of drags) {
      await key(tool);
      await drag(from, to);
    }
    await key('n');
    await click(330, 30);
    await click(370, 30);
    await key('t');
    await click(20, 250);
    await eventually(() => document.querySelector('[data-testid="editor-text-input"]')).not.toBeNull();
    const input = byTestId<HTMLTextAreaElement>('editor-text-input');
    expect(document.activeElement).toBe(input);
    input.value = 'Look <here> & "there"';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    press('Enter', { target: input });
    await nextTick();

    await eventually(async () => (await coreAnnotations(id)).length).toBe(13);
    const byKind = new Map((await coreAnnotations(id)).map((item) => [item.kind, item]));
    expect([...byKind.keys()].sort()).toEqual(['arrow', 'blur', 'box', 'ellipse', 'highlighter', 'line', 'pen', 'pixelate', 'rect', 'spotlight', 'step', 'text']);
    expect(byKind.get('arrow')).toMatchObject({ x1: 10, y1: 10, x2: 110, y2: 60 });
    expect(byKind.get('rect')).toMatchObject({ x: 130, y: 10, w: 70, h: 50 });
    expect(byKind.get('box')).toMatchObject({ x: 300, y: 150, w: 60, h: 50, color: '#000000' });
    expect(byKind.get('pen')).toMatchObject({ x: 220, y: 10, w: 80, h: 50 });
    expect(byKind.get('highlighter')).toMatchObject({ color: '#ffe600' });
    expect(byKind.get('text')).toMatchObject({ x: 20, y: 250, text: 'Look <here> & "there"' });
    // Both markers, numbered in the order placed.
    const steps = (await coreAnnotations(id)).filter((item) => item.kind === 'step');
    expect(steps.map((step) => [step.x, step.y])).toEqual([
      [330, 30],
      [370, 30],
    ]);
    // Drawn on screen from the same scene: the text's words, the markers' numbers.
    expect(canvas().textContent).toContain('Look <here> & "there"');
    expect([...canvas().querySelectorAll('circle + text')].map((text) => text.textContent)).toEqual(['1', '2']);
    expect(document.querySelectorAll('[data-testid="annotation-target"]')).toHaveLength(13);
  });

  test('a drag is one change, not one per pointer move; a click with a dragging tool draws nothing', async () => {
    const id = await newImage();
    await openEditor(id);
    const before = await changeCount(id);
    await key('r');
    await click(50, 50);
    await drag([20, 20], [120, 90]);
    await eventually(async () => (await coreAnnotations(id)).length).toBe(1);
    expect((await changeCount(id)) - before).toBe(1);
  });

  test('Enter draws the tool’s annotation in the middle without a pointer', async () => {
    const id = await newImage();
    await openEditor(id);
    await key('k');
    await key('Enter');
    await eventually(async () => (await coreAnnotations(id)).map((item) => item.kind)).toEqual(['box']);
    const [box] = await coreAnnotations(id);
    expect(box).toMatchObject({ x: 200 - 37.5, y: 150 - 18.75 });
    expect(byTestId('editor-status').textContent).toMatch(/^Solid box \(1 of 1\) selected\./);
  });
});

async function changeCount(clipId: string): Promise<number> {
  return view.core.library.details.read(clipId, (doc) => (doc ? Automerge.getHistory(doc).length : 0));
}

describe('changing what is drawn', () => {
  test('undo and redo (buttons and keys) take a drawing back and forth, in the core too', async () => {
    const id = await newImage();
    await openEditor(id);
    await key('a');
    await drag([10, 10], [200, 100]);
    await eventually(async () => (await coreAnnotations(id)).length).toBe(1);
    expect(byTestId('clip-undo-button').getAttribute('aria-label')).toBe('Undo arrow');

    const undo = await key('z', { ctrlKey: true });
    expect(undo.defaultPrevented).toBe(true);
    await eventually(async () => (await coreAnnotations(id)).length).toBe(0);
    await key('z', { ctrlKey: true, shiftKey: true });
    await eventually(async () => (await coreAnnotations(id)).length).toBe(1);
    byTestId<HTMLButtonElement>('clip-undo-button').click();
    await eventually(async () => (await coreAnnotations(id)).length).toBe(0);
    byTestId<HTMLButtonElement>('clip-redo-button').click();
    await eventually(async () => (await coreAnnotations(id)).map((item) => item.kind)).toEqual(['arrow']);
  });

  test('select by click, move by drag, nudge by arrow keys, resize by a handle; each undoable', async () => {
    const id = await newImage();
    await openEditor(id);
    await key('r');
    await drag([100, 100], [200, 150]);
    await key('v');
    await click(300, 250); // nothing there: deselects
    await click(100, 120); // on the rectangle's left edge
    await eventually(() => document.querySelectorAll('[data-testid="selection-outline"]').length).toBe(1);
    await drag([100, 120], [130, 140]);
    await eventually(async () => (await coreAnnotations(id))[0]).toMatchObject({ x: 130, y: 120, w: 100, h: 50 });

    await key('ArrowRight');
    await key('ArrowDown', { shiftKey: true });
    await eventually(async () => (await coreAnnotations(id))[0]).toMatchObject({ x: 131, y: 130 });

    const corner = document.querySelector<SVGRectElement>('[data-handle="se"]')!;
    await drag([231, 180], [261, 200], corner);
    await eventually(async () => (await coreAnnotations(id))[0]).toMatchObject({ x: 131, y: 130, w: 130, h: 70 });

    await key('z', { ctrlKey: true });
    await eventually(async () => (await coreAnnotations(id))[0]).toMatchObject({ x: 131, y: 130, w: 100, h: 50 });
  });

  test('delete by Delete or Backspace; recolour and restack the selection', async () => {
    const id = await newImage();
    await openEditor(id);
    await key('r');
    await drag([10, 10], [100, 100]);
    await key('e');
    await drag([50, 50], [150, 150]);
    await eventually(async () => (await coreAnnotations(id)).map((item) => item.kind)).toEqual(['rect', 'ellipse']);
    // The ellipse, just drawn, is selected: recolour it, then send it behind the rectangle.
    byTestId<HTMLButtonElement>('color-1e88e5').click();
    await key('[');
    await eventually(async () => (await coreAnnotations(id)).map((item) => [item.kind, item.color])).toEqual([
      ['ellipse', '#1e88e5'],
      ['rect', '#e53935'],
    ]);

    const backspace = await key('Backspace');
    expect(backspace.defaultPrevented).toBe(true);
    await eventually(async () => (await coreAnnotations(id)).map((item) => item.kind)).toEqual(['rect']);
    await key('v');
    await click(10, 50);
    await key('Delete');
    await eventually(async () => (await coreAnnotations(id)).length).toBe(0);
    // Nothing selected: Escape and Delete are the clip view's again (Delete would trash the clip).
    expect(view.mounted.wrapper.emitted('close')).toBeUndefined();
  });

  test('a spotlight can be an ellipse and a text can have a background, for new ones and the selected one', async () => {
    const id = await newImage();
    await openEditor(id);
    await key('s');
    const shape = byTestId<HTMLSelectElement>('editor-spotlight-shape');
    shape.value = 'ellipse';
    shape.dispatchEvent(new Event('change', { bubbles: true }));
    await drag([20, 20], [200, 120]);
    await eventually(async () => (await coreAnnotations(id))[0]).toMatchObject({ kind: 'spotlight', shape: 'ellipse' });
    // Back to a rectangle: the selected spotlight follows.
    await nextTick();
    const again = byTestId<HTMLSelectElement>('editor-spotlight-shape');
    again.value = 'rect';
    again.dispatchEvent(new Event('change', { bubbles: true }));
    await eventually(async () => (await coreAnnotations(id))[0]).toMatchObject({ kind: 'spotlight', shape: 'rect' });

    await key('t');
    await click(50, 200);
    await eventually(() => document.querySelector('[data-testid="editor-text-input"]')).not.toBeNull();
    const input = byTestId<HTMLTextAreaElement>('editor-text-input');
    input.value = 'Legible';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    press('Enter', { target: input });
    await eventually(async () => (await coreAnnotations(id)).find((item) => item.kind === 'text')).toMatchObject({ background: null });
    await nextTick();
    const background = byTestId<HTMLInputElement>('editor-text-background');
    background.checked = true;
    background.dispatchEvent(new Event('change', { bubbles: true }));
    await eventually(async () => (await coreAnnotations(id)).find((item) => item.kind === 'text')).toMatchObject({ background: '#ffffff' });
  });

  test('crop (drag, Enter), rotate and revert to the original, which undo brings back', async () => {
    const id = await newImage();
    await openEditor(id);
    await key('c');
    await drag([50, 40], [250, 140]);
    await key('Enter');
    await eventually(async () => (await coreDetails(id)).image.crop).toEqual({ x: 50, y: 40, w: 200, h: 100 });
    expect(toolPressed('select')).toBe('true');
    expect(canvas().getAttribute('viewBox')).toBe('0 0 200 100');

    byTestId<HTMLButtonElement>('editor-rotate-right').click();
    await key('R', { shiftKey: true });
    await eventually(async () => (await coreDetails(id)).image.rotation).toBe(180);
    await key('L', { shiftKey: true });
    await eventually(async () => (await coreDetails(id)).image.rotation).toBe(90);
    await eventually(() => canvas().getAttribute('viewBox')).toBe('0 0 100 200');

    await key('a');
    await drag([10, 10], [60, 60]);
    await eventually(async () => (await coreAnnotations(id)).length).toBe(1);
    byTestId<HTMLButtonElement>('editor-revert').click();
    await eventually(async () => coreDetails(id)).toMatchObject({ image: { crop: null, rotation: 0, annotations: [] } });
    byTestId<HTMLButtonElement>('clip-undo-button').click();
    await eventually(async () => coreDetails(id)).toMatchObject({ image: { crop: { x: 50, y: 40, w: 200, h: 100 }, rotation: 90, annotations: [expect.objectContaining({ kind: 'arrow' })] } });
  });

  test('Esc cancels the crop being chosen, then deselects, before it closes the clip', async () => {
    const id = await newImage();
    await openEditor(id);
    await key('c');
    await drag([50, 40], [250, 140]);
    const cancelCrop = await key('Escape');
    expect(cancelCrop.defaultPrevented).toBe(true);
    expect(toolPressed('select')).toBe('true');
    expect((await coreDetails(id)).image.crop).toBeNull();
    await key('k');
    await drag([10, 10], [40, 40]);
    await key('Escape');
    expect(document.querySelectorAll('[data-testid="selection-outline"]')).toHaveLength(0);
    expect(view.mounted.wrapper.emitted('close')).toBeUndefined();
    await key('Escape');
    expect(view.mounted.wrapper.emitted('close')).toHaveLength(1);
  });
});

describe('by keyboard alone', () => {
  test('Tab reaches each annotation and selects it; arrows move it; the status says which it is', async () => {
    const id = await newImage();
    await view.core.library.changeDetails(id, `annotate ${id}`, (doc) => {
      const arrow = annotation('arrow', { x1: 10, y1: 10, x2: 100, y2: 10, width: 4 });
      const note = annotation('text', { x: 50, y: 100, size: 20, text: 'Click Save', background: null });
      doc.image.annotations[arrow.id] = toAnnotationDoc(arrow);
      doc.image.annotations[note.id] = toAnnotationDoc(note);
    });
    await openEditor(id);
    await eventually(() => document.querySelectorAll('[data-testid="annotation-target"]').length).toBe(2);
    const targets = [...document.querySelectorAll<SVGRectElement>('[data-testid="annotation-target"]')];
    expect(targets.map((target) => [target.getAttribute('tabindex'), target.getAttribute('aria-label')])).toEqual([
      ['0', 'Arrow (1 of 2)'],
      ['0', 'Text “Click Save” (2 of 2)'],
    ]);
    targets[1]!.focus();
    await nextTick();
    expect(byTestId('editor-status').textContent).toMatch(/^Text “Click Save” \(2 of 2\) selected\./);
    expect(targets[1]!.getAttribute('aria-pressed')).toBe('true');
    await key('ArrowLeft');
    await eventually(async () => (await coreAnnotations(id)).find((item) => item.kind === 'text')).toMatchObject({ x: 49, y: 100 });
    // Enter on the selected text opens it for editing.
    await key('Enter');
    await eventually(() => document.querySelector<HTMLTextAreaElement>('[data-testid="editor-text-input"]')?.value).toBe('Click Save');
  });
});

describe('two windows', () => {
  test('edits from a second window show up live, and this window’s reach it', async () => {
    const id = await newImage();
    await openEditor(id);
    const other = view.core.openWindow();
    const opened = await other.documents.open(id);
    await opened.detail.whenReady();
    view.afterTest(() => {
      opened.close();
      other.close();
    });
    const fromOther = annotation('box', { x: 300, y: 200, w: 50, h: 50, color: '#00ff00' });
    opened.detail.change((doc: ClipDetailDoc) => {
      doc.image.annotations[fromOther.id] = toAnnotationDoc(fromOther);
    });
    await eventually(() => document.querySelectorAll('[data-testid="annotation-target"]').length).toBe(1);
    expect(canvas().querySelector('rect[fill="#00ff00"]')).not.toBeNull();

    await key('a');
    await drag([10, 10], [90, 90]);
    await eventually(() => Object.values(opened.detail.doc()?.image.annotations ?? {}).map((item) => String(item.kind)).sort()).toEqual(['arrow', 'box']);

    // Both move the box at once, one in x and one in colour: both changes are kept.
    await key('v');
    await click(320, 220);
    await key('ArrowRight', { shiftKey: true });
    opened.detail.change((doc: ClipDetailDoc) => {
      const box = doc.image.annotations[fromOther.id] as unknown as Record<string, unknown>;
      box.y = 210;
    });
    await eventually(async () => (await coreAnnotations(id)).find((item) => item.id === fromOther.id)).toMatchObject({ x: 310, y: 210 });
    await eventually(() => opened.detail.doc()?.image.annotations[fromOther.id]).toMatchObject({ x: 310, y: 210 });
  });

  test('an annotation another device wrote badly is left out and said so; the rest is drawn', async () => {
    const id = await newImage();
    await view.core.library.changeDetails(id, `annotate ${id}`, (doc) => {
      const good = annotation('rect', { x: 1, y: 1, w: 30, h: 30, width: 2, fill: null });
      doc.image.annotations[good.id] = toAnnotationDoc(good);
      (doc.image.annotations as Record<string, unknown>).broken = { id: 'broken', kind: 'arrow', x1: 'nowhere' };
    });
    await openEditor(id);
    await flushPromises();
    await eventually(() => byTestId('editor-status').textContent).toMatch(/1 edit from elsewhere could not be read and is not shown/);
    expect(document.querySelectorAll('[data-testid="annotation-target"]')).toHaveLength(1);
  });
});
