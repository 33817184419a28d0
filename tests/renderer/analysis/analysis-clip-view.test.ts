// What analysis found, in the clip view, against the real core and AnalysisService: the text layer
// over an image (boxes placed from the recognition, in the edited picture's pixels), selecting
// and copying from it, "Copy all text" by button and key, where the clip's analysis stands (waiting,
// stopped the worker) with "Analyse again", and a video's frame texts that seek the player.
// happy-dom lays nothing out, so positions are checked as the SVG attributes that place them.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { importFiles } from '../../../main/library/importer.js';
import { placeLine } from '../../../renderer/src/analysis/text-layer.js';
import { line, markAnalysed, recognitionOf, WORKER_EXIT_CODE } from '../../helpers/test-analysis.js';
import { writeKeyframedMp4 } from '../../unit/import/fixtures.js';
import { press } from '../library/mount-library.js';
import { allByTestId, byTestId, importImage, textOf, useAnalysisHarness } from './analysis-harness.js';

const harness = useAnalysisHarness();

/** An image clip (400×300) analysed at half its size, as analysis does with a large picture. */
async function analysedImage(): Promise<string> {
  const id = await importImage(harness.core);
  const recognition = recognitionOf([line('Error: disk full', [10, 20, 100, 12]), line('Retry later', [10, 40, 60, 12])], { width: 200, height: 150 });
  await markAnalysed(harness.core.library, id, { recognition });
  return id;
}

async function openImage(id: string): Promise<void> {
  await harness.openClip(id);
  await expect.poll(() => byTestId('editor-canvas')).not.toBeNull();
  await expect.poll(() => textOf('clip-analysis-status')).toBe('2 lines of text recognised.');
}

const layerLines = () => allByTestId<SVGTextElement>('text-line');

describe('the text layer', () => {
  test('Shift+T lays the recognised lines over the picture, inside its canvas, scaled to the picture shown', async () => {
    await openImage(await analysedImage());
    expect(byTestId('text-layer')).toBeNull();
    expect(byTestId('text-layer-toggle')!.getAttribute('aria-pressed')).toBe('false');
    expect(byTestId('text-layer-toggle')!.getAttribute('aria-keyshortcuts')).toBe('Shift+T');

    const event = press('T', { shiftKey: true, target: document.body });
    await nextTick();
    expect(event.defaultPrevented).toBe(true);
    const layer = byTestId('text-layer')!;
    expect(layer).not.toBeNull();
    // Inside the editor's SVG, whose viewBox is the picture's pixels: zooming and scrolling move the text with it.
    expect(byTestId('editor-canvas')!.contains(layer)).toBe(true);
    expect(byTestId('editor-canvas')!.getAttribute('viewBox')).toBe('0 0 400 300');
    expect(byTestId('editor-canvas')!.classList.contains('reading')).toBe(true);
    expect(byTestId('text-layer-toggle')!.getAttribute('aria-pressed')).toBe('true');

    // Recognised at 200×150, shown at 400×300: every box twice as large.
    const [first, second] = layerLines();
    expect(layerLines().map((element) => element.textContent)).toEqual(['Error: disk full', 'Retry later']);
    expect(['x', 'y', 'textLength', 'font-size', 'lengthAdjust'].map((name) => first!.getAttribute(name))).toEqual(['20', '52', '200', '19.2', 'spacingAndGlyphs']);
    expect(first!.hasAttribute('transform')).toBe(false);
    expect(['x', 'y', 'textLength'].map((name) => second!.getAttribute(name))).toEqual(['20', '92', '120']);
    expect(allByTestId('text-box').map((box) => box.getAttribute('points'))).toEqual(['20,40 220,40 220,64 20,64', '20,80 140,80 140,104 20,104']);
    expect(textOf('editor-status')).toMatch(/^Text layer: drag over the text to select it/);

    press('T', { shiftKey: true, target: document.body });
    await nextTick();
    expect(byTestId('text-layer')).toBeNull();
    expect(byTestId('editor-canvas')!.classList.contains('reading')).toBe(false);
  });

  test('a selection over the lines copies what is selected, one line each; the drawing tools leave the mouse to it', async () => {
    await openImage(await analysedImage());
    byTestId('text-layer-toggle')!.click();
    await nextTick();
    const [first, second] = layerLines().map((element) => element.firstChild as Text);

    const range = document.createRange();
    range.setStart(first!, 'Error: '.length);
    range.setEnd(second!, 'Retry'.length);
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
    harness.afterTest(() => window.getSelection()?.removeAllRanges());
    expect(selection.toString()).toContain('disk full');

    const copy = new ClipboardEvent('copy', { bubbles: true, cancelable: true, clipboardData: new DataTransfer() });
    first!.parentElement!.dispatchEvent(copy);
    expect(copy.defaultPrevented).toBe(true);
    expect(copy.clipboardData!.getData('text/plain')).toBe('disk full\nRetry');
    // Ctrl+C is the browser's copy while text is selected, not the editor's "copy the image".
    const key = press('c', { ctrlKey: true, target: byTestId('editor-canvas')! });
    expect(key.defaultPrevented).toBe(false);

    // A drag over the picture selects; it draws nothing.
    press('r', { target: byTestId('editor-canvas')! });
    await nextTick();
    const canvas = byTestId('editor-canvas')!;
    for (const [type, x, y] of [['pointerdown', 10, 10], ['pointermove', 100, 100], ['pointerup', 120, 120]] as const) {
      canvas.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, bubbles: true, cancelable: true, button: 0, pointerId: 1 }));
    }
    await nextTick();
    expect(canvas.querySelectorAll('[data-annotation-id]')).toHaveLength(0);
  });

  test('“Copy all text” and Ctrl+Shift+C put the recognised text on the clipboard', async () => {
    await openImage(await analysedImage());
    await navigator.clipboard.writeText('something else');
    byTestId('copy-all-text')!.click();
    await expect.poll(() => navigator.clipboard.readText()).toBe('Error: disk full\nRetry later');
    expect(textOf('copy-all-state')).toBe('Copied 2 lines.');

    await navigator.clipboard.writeText('something else');
    const event = press('C', { ctrlKey: true, shiftKey: true, target: document.body });
    expect(event.defaultPrevented).toBe(true);
    await expect.poll(() => navigator.clipboard.readText()).toBe('Error: disk full\nRetry later');
    expect(byTestId('recognised-text')!.textContent).toBe('Error: disk full\nRetry later');
  });

  test('a line recognised at a slant is laid at the same slant, from its top left corner', () => {
    // A box turned 30° clockwise, 100 long and 20 thick, its top left at (50, 40).
    const cos = Math.cos(Math.PI / 6);
    const sin = Math.sin(Math.PI / 6);
    const corner = (along: number, across: number): [number, number] => [50 + along * cos - across * sin, 40 + along * sin + across * cos];
    const place = placeLine({ text: 'slanted', confidence: 0.9, box: [corner(0, 0), corner(100, 0), corner(100, 20), corner(0, 20)] }, { x: 1, y: 1 });
    expect(place).toMatchObject({ x: 50, y: 50, length: 100, thickness: 20, angle: 30, transform: 'rotate(30 50 40)', fontSize: 16 });
    // Turned about that corner, the text starts halfway down the box's left edge.
    const [x, y] = [50 - 10 * sin, 40 + 10 * cos];
    const turned = [50 + (place.x - 50) * cos - (place.y - 40) * sin, 40 + (place.x - 50) * sin + (place.y - 40) * cos];
    expect(turned[0]).toBeCloseTo(x, 2);
    expect(turned[1]).toBeCloseTo(y, 2);
  });

  test('an image with no text found offers neither the layer nor copying', async () => {
    const id = await importImage(harness.core);
    await markAnalysed(harness.core.library, id, { recognition: recognitionOf([], { width: 400, height: 300 }) });
    await harness.openClip(id);
    await expect.poll(() => textOf('clip-analysis-status')).toBe('No text found in the image.');
    expect(byTestId('text-layer-toggle')).toBeNull();
    expect(byTestId('copy-all-text')).toBeNull();
    expect(press('T', { shiftKey: true, target: document.body }).defaultPrevented).toBe(false);
  });
});

describe('where the analysis stands', () => {
  test('waiting while paused; a clip that stops the worker says so with the reason; “Analyse again” queues it', async () => {
    const id = await importImage(harness.core);
    await harness.openClip(id);
    await expect.poll(() => textOf('clip-analysis-status')).toBe('Waiting to be analysed: analysis is paused.');
    expect(byTestId('analyse-again')).toBeNull();

    await harness.core.api.resumeAnalysis({});
    await expect.poll(() => textOf('clip-analysis-status'), { timeout: 20_000 }).toMatch(/^This clip stopped the analysis worker \(the analysis worker stopped \(exit code 70\) while analysing clip /);
    expect(textOf('clip-analysis-status')).toContain(`exit code ${WORKER_EXIT_CODE}`);
    expect(byTestId('clip-analysis-status')!.classList.contains('failed')).toBe(true);

    await harness.core.api.pauseAnalysis({});
    byTestId('analyse-again')!.click();
    await expect.poll(() => textOf('clip-analysis-status')).toBe('Waiting to be analysed: analysis is paused.');
    expect((await harness.core.api.clipAnalysis({ id })).status).toBe('queued');
  });
});

describe('a video', () => {
  let work: string;
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-analysis-video-'));
  });
  afterAll(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  test('lists the text of its frames with their times; a click seeks the player there', async () => {
    const file = await writeKeyframedMp4(path.join(work, 'talk.mp4'), { seconds: 3, size: '160x120', audio: false });
    const id = (await importFiles(harness.core.library, [file])).imported[0]!.id;
    const frame = (atMs: number, text: string) => ({ ...recognitionOf([line(text, [4, 4, 100, 10])], { width: 160, height: 120 }), atMs });
    await markAnalysed(harness.core.library, id, { frames: [frame(2000, 'Questions?'), frame(500, 'Quarterly review')] });
    await harness.openClip(id);
    const rows = () => allByTestId('video-frame-text').map((row) => `${textOf('video-frame-seek', row)} ${row.querySelector('.frame-text')?.textContent}`);
    await expect.poll(rows).toEqual(['0:00.50 Quarterly review', '0:02.00 Questions?']);
    expect(textOf('clip-analysis-status')).toBe('Text found in 2 frames.');

    allByTestId('video-frame-seek')[1]!.click();
    await nextTick();
    expect(byTestId<HTMLVideoElement>('clip-video')!.currentTime).toBe(2);
    expect(textOf('video-time')).toContain('0:02.00');

    byTestId('copy-all-text')!.click();
    await expect.poll(() => navigator.clipboard.readText()).toBe('Quarterly review\nQuestions?');
  });
});
