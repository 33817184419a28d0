// The edit scene: what each annotation kind draws, where the crop and rotation put the picture,
// and markup that librsvg reads (escaped, whatever a text annotation says).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ClipDetails, CropRect, Rotation } from '../../../contract/clip-details.js';
import { MAX_ANNOTATIONS, type Annotation } from '../../../contract/edits/annotations.js';
import { effectLayout } from '../../../contract/edits/effect-layout.js';
import { buildEditScene, escapeXml, sceneToSvgMarkup, type EditScene, type SceneElement } from '../../../contract/edits/edit-scene.js';
import { imageGeometry, imageToOutput, outputToImage } from '../../../contract/edits/image-geometry.js';
import { annotation } from '../../helpers/annotations.js';

const IMAGE = { width: 400, height: 300 };
const RESOURCES = { original: '/media/original', effect: (effect: string, strength: number) => `/media/effect?${effect}=${strength}` };

function scene(annotations: Annotation[], crop: CropRect | null = null, rotation: Rotation = 0): EditScene {
  const details: Pick<ClipDetails, 'image'> = { image: { crop, rotation, annotations } };
  return buildEditScene(details, IMAGE, RESOURCES);
}

function all(element: SceneElement): SceneElement[] {
  return [element, ...(element.children ?? []).flatMap(all)];
}

/** The element drawing one annotation. */
function drawing(built: EditScene, id: string): SceneElement {
  const found = all(built.root).find((element) => element.annotationId === id);
  if (!found) throw new Error(`annotation ${id} is not drawn`);
  return found;
}

const layer = (built: EditScene) => all(built.root).find((element) => element.tag === 'g' && String(element.attrs.transform ?? '').startsWith('matrix'))!;

describe('each annotation kind', () => {
  it('an arrow: a shaft and a head whose point is where the drag ended', () => {
    const arrow = annotation('arrow', { x1: 10, y1: 20, x2: 110, y2: 20, width: 4 });
    const [shaft, head] = drawing(scene([arrow]), arrow.id).children!;
    expect(shaft!.attrs).toMatchObject({ stroke: '#ff0000', 'stroke-width': 4, fill: 'none' });
    expect(String(shaft!.attrs.d)).toMatch(/^M10 20L/);
    expect(String(head!.attrs.d)).toMatch(/^M110 20L/);
    expect(head!.attrs.fill).toBe('#ff0000');
  });

  it('a line, a rectangle and an ellipse, with alpha split into an opacity', () => {
    const line = annotation('line', { x1: 1, y1: 2, x2: 30, y2: 40, width: 3, color: '#00ff0080' });
    const rect = annotation('rect', { x: 5, y: 6, w: 50, h: 60, width: 2, fill: '#0000ff' });
    const ellipse = annotation('ellipse', { x: 100, y: 100, w: 80, h: 40, width: 5, fill: null });
    const built = scene([line, rect, ellipse]);
    expect(drawing(built, line.id).attrs).toMatchObject({ d: 'M1 2L30 40', stroke: '#00ff00', 'stroke-opacity': 0.502 });
    expect(drawing(built, rect.id)).toMatchObject({ tag: 'rect', attrs: { x: 5, y: 6, width: 50, height: 60, fill: '#0000ff', stroke: '#ff0000' } });
    expect(drawing(built, ellipse.id)).toMatchObject({ tag: 'ellipse', attrs: { cx: 140, cy: 120, rx: 40, ry: 20, fill: 'none', 'stroke-width': 5 } });
  });

  it('pen and highlighter strokes: points relative to their box; the highlighter multiplies', () => {
    const pen = annotation('pen', { x: 10, y: 10, w: 100, h: 50, width: 3, points: '0,0 0.5,1 1,0' });
    const highlighter = annotation('highlighter', { x: 0, y: 200, w: 200, h: 0, width: 20, points: '0,0 1,0', color: '#ffe600' });
    const dot = annotation('pen', { x: 50, y: 50, w: 0, h: 0, width: 6, points: '0,0' });
    const built = scene([pen, highlighter, dot]);
    expect(drawing(built, pen.id).attrs.d).toBe('M10 10L60 60L110 10');
    expect(drawing(built, highlighter.id).attrs).toMatchObject({ d: 'M0 200L200 200', 'stroke-width': 20 });
    expect(drawing(built, dot.id).attrs.d).toBe('M50 50l0 0');
  });

  it('text: one line per tspan, in the scene font, with its background behind', () => {
    const text = annotation('text', { x: 20, y: 30, size: 20, text: 'First line\nSecond', background: '#ffffff' });
    const group = drawing(scene([text]), text.id);
    const [background, label] = group.children!;
    expect(background).toMatchObject({ tag: 'rect', attrs: { fill: '#ffffff' } });
    expect(label!.tag).toBe('text');
    expect(label!.children!.map((span) => [span.text, span.attrs.y])).toEqual([
      ['First line', 48],
      ['Second', 73],
    ]);
  });

  it('step markers are numbered in the order they were placed, whatever their stacking', () => {
    const second = annotation('step', { x: 50, y: 50, size: 30, createdAt: 2000, z: 1 });
    const first = annotation('step', { x: 100, y: 50, size: 30, createdAt: 1000, z: 5 });
    const built = scene([second, first]);
    const number = (id: string) => drawing(built, id).children!.find((child) => child.tag === 'text')!.text;
    expect(number(first.id)).toBe('1');
    expect(number(second.id)).toBe('2');
    expect(drawing(built, first.id).children![0]).toMatchObject({ tag: 'circle', attrs: { cx: 100, cy: 50, r: 15 } });
  });

  it('spotlights: one even-odd dimming layer with a hole for each', () => {
    const round = annotation('spotlight', { x: 10, y: 10, w: 100, h: 50, shape: 'ellipse', dim: 0.4 });
    const square = annotation('spotlight', { x: 200, y: 100, w: 50, h: 50, shape: 'rect', dim: 0.6 });
    const built = scene([round, square]);
    const dimming = drawing(built, round.id);
    expect(dimming.attrs).toMatchObject({ 'fill-rule': 'evenodd', fill: '#000000', 'fill-opacity': 0.6 });
    expect(String(dimming.attrs.d)).toMatch(/^M0 0H400V300H0Z/);
    expect(String(dimming.attrs.d)).toContain('M200 100h50v50h-50Z');
    expect(String(dimming.attrs.d)).toContain('A50 25 0 1 0 110 35');
    expect(layer(built).children!.filter((child) => child.tag === 'path')).toHaveLength(1);
  });

  it('blur and pixelate: the effect image, defined once, shown only inside the region snapped outward to whole pixels', () => {
    const blur = annotation('blur', { x: 10.4, y: 20.6, w: 50, h: 30, strength: 12 });
    const pixelate = annotation('pixelate', { x: 100, y: 100, w: 40, h: 40, strength: 10 });
    const again = annotation('pixelate', { x: 200, y: 200, w: 40, h: 40, strength: 10.2 });
    const built = scene([blur, pixelate, again]);
    const defs = built.root.children!.find((child) => child.tag === 'defs')!.children!;
    expect(defs.map((image) => image.attrs.href)).toEqual(['/media/effect?blur=12', '/media/effect?pixelate=10']);
    expect(defs[1]!.attrs).toMatchObject({ width: 400, height: 300, 'image-rendering': 'pixelated' });
    const [backing, viewport] = drawing(built, blur.id).children!;
    expect(backing!.attrs).toMatchObject({ x: 10, y: 20, width: 51, height: 31 });
    expect(viewport).toMatchObject({ tag: 'svg', attrs: { x: 10, y: 20, width: 51, height: 31, viewBox: '10 20 51 31' } });
    expect(viewport!.children![0]!.attrs.href).toBe(`#${String(defs[0]!.attrs.id)}`);
    expect(drawing(built, again.id).children![1]!.children![0]!.attrs.href).toBe(`#${String(defs[1]!.attrs.id)}`);
  });

  it('a solid box is opaque even when its colour asks for transparency', () => {
    const box = annotation('box', { x: 5, y: 5, w: 20.5, h: 10, color: '#11223300' });
    expect(drawing(scene([box]), box.id)).toMatchObject({ tag: 'rect', attrs: { x: 5, y: 5, width: 21, height: 10, fill: '#112233' } });
    expect(drawing(scene([box]), box.id).attrs).not.toHaveProperty('fill-opacity');
  });

  it('leaves out what draws nothing, saying why, and never a redaction for being over the limit', () => {
    const empty = annotation('rect', { x: 5, y: 5, w: 0, h: 0, width: 2, fill: null });
    const point = annotation('arrow', { x1: 5, y1: 5, x2: 5, y2: 5, width: 2 });
    const blank = annotation('text', { x: 5, y: 5, size: 12, text: '  \n ', background: null });
    const built = scene([empty, point, blank]);
    expect(built.skipped).toEqual([`annotation ${empty.id}: a shape of no size`, `annotation ${point.id}: an arrow of no length`, `annotation ${blank.id}: empty text`]);

    const many = Array.from({ length: MAX_ANNOTATIONS + 5 }, (_, i) => annotation('line', { x1: 0, y1: i, x2: 10, y2: i, width: 1 }));
    const box = annotation('box', { x: 0, y: 0, w: 10, h: 10, z: 1e9 });
    const crowded = scene([...many, box]);
    expect(crowded.skipped).toHaveLength(5);
    expect(drawing(crowded, box.id).tag).toBe('rect');
  });
});

describe('layers', () => {
  it('highlights lie on the picture under every other annotation; the core draws them as two layers', () => {
    const arrow = annotation('arrow', { x1: 0, y1: 0, x2: 50, y2: 50, width: 2, z: 1 });
    const highlight = annotation('highlighter', { x: 0, y: 10, w: 100, h: 0, width: 20, points: '0,0 1,0', z: 9 });
    const details = { image: { crop: null, rotation: 0 as const, annotations: [arrow, highlight] } };
    const order = (built: EditScene) => layer(built).children!.map((child) => child.part ?? child.annotationId ?? child.children!.map((inner) => inner.annotationId));
    const all = buildEditScene(details, IMAGE, RESOURCES);
    expect(order(all)).toEqual(['original', [highlight.id], arrow.id]);
    expect(layer(all).children![1]!.attrs).toEqual({ style: 'mix-blend-mode:multiply' });
    expect(order(buildEditScene(details, IMAGE, RESOURCES, { layer: 'highlights' }))).toEqual([highlight.id]);
    expect(order(buildEditScene(details, IMAGE, RESOURCES, { layer: 'annotations' }))).toEqual([arrow.id]);
  });
});

describe('crop and rotation', () => {
  it('the output is the crop, turned: width and height swap for a quarter turn', () => {
    const crop = { x: 50, y: 40, w: 200, h: 100 };
    expect(scene([], crop, 0)).toMatchObject({ width: 200, height: 100 });
    expect(scene([], crop, 90)).toMatchObject({ width: 100, height: 200 });
    expect(scene([], crop, 180)).toMatchObject({ width: 200, height: 100 });
    expect(scene([], crop, 270)).toMatchObject({ width: 100, height: 200 });
    expect(scene([], null, 90).root.attrs).toMatchObject({ width: 300, height: 400, viewBox: '0 0 300 400' });
  });

  it('every corner of the crop lands on a corner of the output, and back again', () => {
    const crop = { x: 50, y: 40, w: 200, h: 100 };
    for (const rotation of [0, 90, 180, 270] as const) {
      const geometry = imageGeometry(IMAGE, crop, rotation);
      const corners = [
        { x: 50, y: 40 },
        { x: 250, y: 40 },
        { x: 250, y: 140 },
        { x: 50, y: 140 },
      ].map((corner) => imageToOutput(corner, geometry));
      const expected = [
        { x: 0, y: 0 },
        { x: geometry.output.width, y: 0 },
        { x: geometry.output.width, y: geometry.output.height },
        { x: 0, y: geometry.output.height },
      ];
      for (const corner of corners) expect(expected).toContainEqual({ x: corner.x + 0, y: corner.y + 0 });
      const point = { x: 123, y: 77 };
      expect(outputToImage(imageToOutput(point, geometry), geometry)).toEqual(point);
    }
    // Clockwise: the crop's top-left corner goes to the top-right after a quarter turn.
    expect(imageToOutput({ x: 50, y: 40 }, imageGeometry(IMAGE, crop, 90))).toEqual({ x: 100, y: 0 });
  });

  it('text and step markers turn back so they read upright', () => {
    const text = annotation('text', { x: 20, y: 30, size: 20, text: 'upright', background: null });
    expect(drawing(scene([text], null, 90), text.id).attrs.transform).toBe('rotate(-90 20 30)');
    expect(drawing(scene([text], null, 0), text.id).attrs.transform).toBeUndefined();
  });

  it('a crop outside the image is ignored and said so; one partly outside is clamped to it', () => {
    expect(scene([], { x: 1000, y: 1000, w: 50, h: 50 })).toMatchObject({ width: 400, height: 300, skipped: ['the crop lies outside the image; shown uncropped'] });
    expect(scene([], { x: -50, y: 250.4, w: 100, h: 100 })).toMatchObject({ width: 50, height: 50 });
  });
});

describe('the markup', () => {
  it('escapes text, so a text annotation cannot add elements or break out of an attribute', async () => {
    const nasty = annotation('text', { x: 10, y: 10, size: 16, text: `<script>alert("x")</script> & 'quotes' \u0007`, background: null });
    const markup = sceneToSvgMarkup(buildEditScene({ image: { crop: null, rotation: 0, annotations: [nasty] } }, { width: 40, height: 30 }, { original: 'data:,"><script>', effect: () => '' }));
    expect(markup).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos; </tspan>');
    expect(markup).toContain('href="data:,&quot;&gt;&lt;script&gt;"');
    expect(markup).not.toContain('<script');
    // librsvg reads it: well-formed XML.
    await expect(sharp(Buffer.from(markup)).metadata()).resolves.toMatchObject({ width: 40, height: 30 });
  });

  it('escapes the five XML characters and drops what XML cannot hold', () => {
    expect(escapeXml(`a<b>c&d"e'f\u0000g\ud800h`)).toBe('a&lt;b&gt;c&amp;d&quot;e&apos;fgh');
    expect(escapeXml('emoji 😀 stays')).toBe('emoji 😀 stays');
  });
});

describe('effect images', () => {
  it('pixelate blocks line up with the image corner; a blur is a reduced image drawn at full size', () => {
    expect(effectLayout('pixelate', 10, { width: 95, height: 40 })).toMatchObject({ pixels: { width: 10, height: 4 }, drawn: { width: 100, height: 40 } });
    expect(effectLayout('blur', 12, { width: 400, height: 300 })).toMatchObject({ pixels: { width: 100, height: 75 }, drawn: { width: 400, height: 300 }, sigma: 3 });
    // Too weak to hide anything: raised to the minimum.
    expect(effectLayout('pixelate', 1, { width: 40, height: 40 }).drawn).toEqual({ width: 40, height: 40 });
    expect(effectLayout('pixelate', 1, { width: 40, height: 40 }).pixels).toEqual({ width: 10, height: 10 });
  });
});
