// One rendering of an image clip's edits, as a small tree of SVG elements: the editor draws it
// with Vue, the core serialises it (sceneToSvgMarkup) and rasterises it for exports, copies and
// thumbnails. What is seen on screen is what is exported.
//
// The picture is the original image inside a group that crops and rotates it; annotations live
// in that group in original-image pixels. Text and step markers turn back against the rotation
// so they read upright. Redactions snap outward to whole pixels and are always drawn opaque.
import type { ClipDetails } from '../clip-details.js';
import { compareStacking, MAX_ANNOTATIONS, REDACTION_KINDS, type Annotation, type StepAnnotation, type TextAnnotation } from './annotations.js';
import { effectLayout, redactionStrength, type RedactionEffect } from './effect-layout.js';
import { imageGeometry, imageToOutputMatrix, type ImageGeometry, type Size } from './image-geometry.js';

export const SCENE_TAGS = ['svg', 'defs', 'g', 'image', 'use', 'rect', 'ellipse', 'circle', 'path', 'text', 'tspan'] as const;
export type SceneTag = (typeof SCENE_TAGS)[number];

export interface SceneElement {
  tag: SceneTag;
  attrs: Record<string, string | number>;
  children?: SceneElement[];
  /** Text content (text and tspan only). */
  text?: string;
  /** The annotation this element draws: the editor's key for it, never written into the markup. */
  annotationId?: string;
  /** The original picture (the editor reports its load failures), never written into the markup. */
  part?: 'original';
}

export interface EditScene {
  /** The output size: the crop, turned. */
  width: number;
  height: number;
  geometry: ImageGeometry;
  root: SceneElement;
  /** Annotations left out, one line each with the reason. */
  skipped: string[];
}

/** Where the scene's pictures come from: media URLs on screen, data URIs in the core. */
export interface SceneResources {
  original: string;
  effect(effect: RedactionEffect, strength: number): string;
}

/**
 * Which part of the scene to build. The picture is: the original, then the highlights multiplied
 * onto it, then every other annotation over both. The core draws the original itself and lays the
 * other two parts over it, which spares librsvg decoding the original from a data URI.
 */
export type SceneLayer = 'all' | 'highlights' | 'annotations';

export interface SceneOptions {
  /** Draws the whole image, ignoring the crop: the crop tool shows what lies outside it. */
  ignoreCrop?: boolean;
  /** Default 'all'. 'highlights': the highlighter strokes alone, a layer to multiply the picture by. */
  layer?: SceneLayer;
  /** Prefix of element ids, unique per scene on a page (ids are global to an HTML document). */
  idPrefix?: string;
}

export const SCENE_FONT = "'DejaVu Sans', Verdana, sans-serif";
/** What a solid box shows while a blur or pixelate image loads, and under it. */
const REDACTION_BACKING = '#808080';
/** Line height of text annotations, in font sizes. */
export const TEXT_LINE_HEIGHT = 1.25;
/** Rough advance of a character in the scene's font, in font sizes: sizes a text's background. */
const CHARACTER_WIDTH = 0.62;
const TEXT_PADDING = 0.25;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The effects (and strengths) the scene's redactions show: what a renderer must have ready. */
export function effectsUsed(annotations: readonly Annotation[]): { effect: RedactionEffect; strength: number }[] {
  const seen = new Map<string, { effect: RedactionEffect; strength: number }>();
  for (const annotation of annotations) {
    if (annotation.kind !== 'blur' && annotation.kind !== 'pixelate') continue;
    const strength = redactionStrength(annotation.strength);
    seen.set(`${annotation.kind}:${strength}`, { effect: annotation.kind, strength });
  }
  return [...seen.values()];
}

export function buildEditScene(details: Pick<ClipDetails, 'image'>, image: Size, resources: SceneResources, options: SceneOptions = {}): EditScene {
  const geometry = imageGeometry(image, options.ignoreCrop ? null : details.image.crop, details.image.rotation);
  const prefix = options.idPrefix ?? 'scene';
  const part = options.layer ?? 'all';
  const skipped: string[] = geometry.cropProblem ? [geometry.cropProblem] : [];
  // Highlights mark the picture itself, like ink on paper: under every other annotation.
  const stacked = [...details.image.annotations].sort(compareStacking);
  const annotations = [...stacked.filter((annotation) => annotation.kind === 'highlighter'), ...stacked.filter((annotation) => annotation.kind !== 'highlighter')];
  const stepNumbers = numberSteps(annotations);
  const defs: SceneElement[] = [];
  const effectIds = new Map<string, string>();
  const effectId = (effect: RedactionEffect, strength: number): string => {
    const key = `${effect}-${strength}`;
    let id = effectIds.get(key);
    if (!id) {
      id = `${prefix}-${key}`;
      effectIds.set(key, id);
      const layout = effectLayout(effect, strength, image);
      defs.push({
        tag: 'image',
        attrs: {
          id,
          x: 0,
          y: 0,
          width: layout.drawn.width,
          height: layout.drawn.height,
          preserveAspectRatio: 'none',
          'image-rendering': layout.imageRendering,
          href: resources.effect(effect, strength),
        },
      });
    }
    return id;
  };

  const highlights: SceneElement[] = [];
  const others: SceneElement[] = [];
  const spotlights = annotations.filter((annotation) => annotation.kind === 'spotlight');
  let drawn = 0;
  for (const annotation of annotations) {
    const redaction = (REDACTION_KINDS as readonly string[]).includes(annotation.kind);
    // Redactions are never dropped for the count: leaving one out would show what it hides.
    if (!redaction && drawn >= MAX_ANNOTATIONS) {
      skipped.push(`annotation ${annotation.id}: over the limit of ${MAX_ANNOTATIONS} annotations`);
      continue;
    }
    drawn++;
    const highlight = annotation.kind === 'highlighter';
    if ((part === 'highlights' && !highlight) || (part === 'annotations' && highlight)) continue;
    if (annotation.kind === 'spotlight') {
      // Every spotlight is one hole in a single dimming layer, drawn where the lowest one stacks.
      if (annotation === spotlights[0]) others.push(spotlightLayer(spotlights, image));
      continue;
    }
    const element = annotationElement(annotation, geometry, stepNumbers, effectId);
    if (typeof element === 'string') {
      skipped.push(`annotation ${annotation.id}: ${element}`);
      continue;
    }
    element.annotationId = annotation.id;
    (highlight ? highlights : others).push(element);
  }

  // The highlights, drawn over each other as usual, multiply the picture as one layer: the core
  // lays the same layer over the original with sharp's multiply.
  const layer: SceneElement[] = [];
  if (part === 'all') {
    layer.push({ tag: 'image', attrs: { x: 0, y: 0, width: image.width, height: image.height, preserveAspectRatio: 'none', href: resources.original }, part: 'original' });
    if (highlights.length > 0) layer.push({ tag: 'g', attrs: { style: 'mix-blend-mode:multiply' }, children: highlights });
    layer.push(...others);
  } else layer.push(...(part === 'highlights' ? highlights : others));

  const [a, b, c, d, e, f] = imageToOutputMatrix(geometry);
  const { width, height } = geometry.output;
  const children: SceneElement[] = [];
  if (defs.length > 0) children.push({ tag: 'defs', attrs: {}, children: defs });
  children.push({ tag: 'g', attrs: { transform: `matrix(${a} ${b} ${c} ${d} ${e} ${f})` }, children: layer });
  return {
    width,
    height,
    geometry,
    skipped,
    root: { tag: 'svg', attrs: { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}` }, children },
  };
}

type EffectId = (effect: RedactionEffect, strength: number) => string;

/** The element drawing one annotation, or why it draws nothing. */
function annotationElement(annotation: Annotation, geometry: ImageGeometry, stepNumbers: Map<string, number>, effectId: EffectId): SceneElement | string {
  switch (annotation.kind) {
    case 'arrow':
      return arrow(annotation.x1, annotation.y1, annotation.x2, annotation.y2, annotation.width, annotation.color);
    case 'line': {
      if (annotation.x1 === annotation.x2 && annotation.y1 === annotation.y2) return 'a line of no length';
      return {
        tag: 'path',
        attrs: { d: `M${n(annotation.x1)} ${n(annotation.y1)}L${n(annotation.x2)} ${n(annotation.y2)}`, fill: 'none', ...stroke(annotation.color, annotation.width), 'stroke-linecap': 'round' },
      };
    }
    case 'rect':
    case 'ellipse': {
      if (annotation.w <= 0 && annotation.h <= 0) return 'a shape of no size';
      const paint = { ...fill(annotation.fill), ...stroke(annotation.color, annotation.width), 'stroke-linejoin': 'round' };
      if (annotation.kind === 'rect') return { tag: 'rect', attrs: { x: n(annotation.x), y: n(annotation.y), width: n(annotation.w), height: n(annotation.h), ...paint } };
      return { tag: 'ellipse', attrs: { cx: n(annotation.x + annotation.w / 2), cy: n(annotation.y + annotation.h / 2), rx: n(annotation.w / 2), ry: n(annotation.h / 2), ...paint } };
    }
    case 'pen':
    case 'highlighter': {
      const d = strokePath(annotation.points, annotation.x, annotation.y, annotation.w, annotation.h);
      if (!d) return 'a stroke without points';
      // A highlighter's layer multiplies the picture (see buildEditScene): text under it stays legible.
      return { tag: 'path', attrs: { d, fill: 'none', ...stroke(annotation.color, annotation.width), 'stroke-linecap': 'round', 'stroke-linejoin': 'round' } };
    }
    case 'text':
      return textElement(annotation, geometry);
    case 'step':
      return stepElement(annotation, stepNumbers.get(annotation.id) ?? 0, geometry);
    case 'blur':
    case 'pixelate': {
      const region = snapOutward(annotation);
      if (!region) return 'a redaction of no size';
      const id = effectId(annotation.kind, redactionStrength(annotation.strength));
      // A nested viewport shows the effect image only inside the region (cheaper than a clipPath in librsvg).
      return {
        tag: 'g',
        attrs: {},
        children: [
          { tag: 'rect', attrs: { ...region, fill: REDACTION_BACKING, 'shape-rendering': 'crispEdges' } },
          { tag: 'svg', attrs: { ...region, viewBox: `${region.x} ${region.y} ${region.width} ${region.height}`, overflow: 'hidden' }, children: [{ tag: 'use', attrs: { href: `#${id}` } }] },
        ],
      };
    }
    case 'box': {
      const region = snapOutward(annotation);
      if (!region) return 'a box of no size';
      // Always opaque, whatever alpha the colour asks for: what is under a box must not show.
      return { tag: 'rect', attrs: { ...region, fill: annotation.color.slice(0, 7), 'shape-rendering': 'crispEdges' } };
    }
    case 'spotlight':
      return 'drawn with the other spotlights';
  }
}

function arrow(x1: number, y1: number, x2: number, y2: number, width: number, color: string): SceneElement | string {
  const length = Math.hypot(x2 - x1, y2 - y1);
  if (length === 0) return 'an arrow of no length';
  const head = Math.min(Math.max(width * 4, 12), length * 0.6);
  const ux = (x2 - x1) / length;
  const uy = (y2 - y1) / length;
  const baseX = x2 - ux * head;
  const baseY = y2 - uy * head;
  const half = head * 0.55;
  // The shaft stops inside the head so its round end does not show past the point.
  const shaftEndX = x2 - ux * head * 0.8;
  const shaftEndY = y2 - uy * head * 0.8;
  return {
    tag: 'g',
    attrs: {},
    children: [
      { tag: 'path', attrs: { d: `M${n(x1)} ${n(y1)}L${n(shaftEndX)} ${n(shaftEndY)}`, fill: 'none', ...stroke(color, width), 'stroke-linecap': 'round' } },
      {
        tag: 'path',
        attrs: { d: `M${n(x2)} ${n(y2)}L${n(baseX - uy * half)} ${n(baseY + ux * half)}L${n(baseX + uy * half)} ${n(baseY - ux * half)}Z`, ...fill(color), 'stroke-linejoin': 'round' },
      },
    ],
  };
}

function textElement(annotation: TextAnnotation, geometry: ImageGeometry): SceneElement | string {
  const lines = annotation.text.split(/\r?\n/);
  if (lines.every((line) => line.trim() === '')) return 'empty text';
  const { x, y, size } = annotation;
  const children: SceneElement[] = [];
  if (annotation.background) {
    const box = textBox(annotation);
    children.push({ tag: 'rect', attrs: { x: n(box.x), y: n(box.y), width: n(box.w), height: n(box.h), rx: n(size * 0.15), ...fill(annotation.background) } });
  }
  children.push({
    tag: 'text',
    attrs: { x: n(x), y: n(y + size * 0.9), 'font-family': SCENE_FONT, 'font-size': n(size), 'font-weight': 'bold', ...fill(annotation.color) },
    // Each line placed on its own (an empty line has no glyph to advance from).
    children: lines.map((line, index) => ({ tag: 'tspan', attrs: { x: n(x), y: n(y + size * 0.9 + index * size * TEXT_LINE_HEIGHT) }, text: line })),
  });
  return { tag: 'g', attrs: upright(x, y, geometry), children };
}

/** The box a text annotation covers, before the turn that keeps it upright (for backgrounds and selection). */
export function textBox(annotation: Pick<TextAnnotation, 'x' | 'y' | 'size' | 'text'>): { x: number; y: number; w: number; h: number } {
  const lines = annotation.text.split(/\r?\n/);
  const longest = Math.max(1, ...lines.map((line) => [...line].length));
  const pad = annotation.size * TEXT_PADDING;
  return {
    x: annotation.x - pad,
    y: annotation.y - pad,
    w: longest * annotation.size * CHARACTER_WIDTH + 2 * pad,
    h: (lines.length - 1) * annotation.size * TEXT_LINE_HEIGHT + annotation.size * 1.15 + 2 * pad,
  };
}

function stepElement(annotation: StepAnnotation, number: number, geometry: ImageGeometry): SceneElement {
  const { x, y, size } = annotation;
  const label = String(number);
  const fontSize = size * (label.length > 2 ? 0.38 : label.length > 1 ? 0.48 : 0.58);
  return {
    tag: 'g',
    attrs: upright(x, y, geometry),
    children: [
      { tag: 'circle', attrs: { cx: n(x), cy: n(y), r: n(size / 2), ...fill(annotation.color), stroke: '#ffffff', 'stroke-width': n(size * 0.06) } },
      {
        tag: 'text',
        attrs: { x: n(x), y: n(y + fontSize * 0.36), 'text-anchor': 'middle', 'font-family': SCENE_FONT, 'font-size': n(fontSize), 'font-weight': 'bold', fill: contrastingInk(annotation.color) },
        text: label,
      },
    ],
  };
}

/** Step markers count up in the order they were placed (ties by id, so every device agrees). */
export function numberSteps(annotations: readonly Annotation[]): Map<string, number> {
  const steps = annotations.filter((annotation) => annotation.kind === 'step');
  steps.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Map(steps.map((step, index) => [step.id, index + 1]));
}

function spotlightLayer(spotlights: Annotation[], image: Size): SceneElement {
  let dim = 0;
  let d = `M0 0H${image.width}V${image.height}H0Z`;
  for (const spot of spotlights) {
    if (spot.kind !== 'spotlight') continue;
    dim = Math.max(dim, spot.dim);
    if (spot.w <= 0 || spot.h <= 0) continue;
    if (spot.shape === 'rect') d += `M${n(spot.x)} ${n(spot.y)}h${n(spot.w)}v${n(spot.h)}h${n(-spot.w)}Z`;
    else {
      const rx = spot.w / 2;
      const ry = spot.h / 2;
      const cy = spot.y + ry;
      d += `M${n(spot.x)} ${n(cy)}A${n(rx)} ${n(ry)} 0 1 0 ${n(spot.x + spot.w)} ${n(cy)}A${n(rx)} ${n(ry)} 0 1 0 ${n(spot.x)} ${n(cy)}Z`;
    }
  }
  // Overlapping spotlights dim their overlap again (even-odd); a mask would not, but costs librsvg a full-size surface.
  return { tag: 'path', attrs: { d, 'fill-rule': 'evenodd', fill: '#000000', 'fill-opacity': n(dim) }, annotationId: spotlights[0]!.id };
}

/** A turn about (x, y) that undoes the picture's rotation, so text reads upright. */
function upright(x: number, y: number, geometry: ImageGeometry): SceneElement['attrs'] {
  return geometry.rotation === 0 ? {} : { transform: `rotate(${-geometry.rotation} ${n(x)} ${n(y)})` };
}

function snapOutward(region: { x: number; y: number; w: number; h: number }): { x: number; y: number; width: number; height: number } | null {
  const x = Math.floor(region.x);
  const y = Math.floor(region.y);
  const width = Math.ceil(region.x + region.w) - x;
  const height = Math.ceil(region.y + region.h) - y;
  return width > 0 && height > 0 && region.w > 0 && region.h > 0 ? { x, y, width, height } : null;
}

/** Points "u,v u,v" (fractions of the stroke's box) as a path; null when none can be read. */
function strokePath(points: string, x: number, y: number, w: number, h: number): string | null {
  const parts: string[] = [];
  for (const pair of points.trim().split(/\s+/)) {
    const [u, v] = pair.split(',').map(Number);
    if (u === undefined || v === undefined || !Number.isFinite(u) || !Number.isFinite(v)) continue;
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${n(x + u * w)} ${n(y + v * h)}`);
  }
  if (parts.length === 0) return null;
  // One point is a dot: a zero-length segment with round ends.
  return parts.length === 1 ? `${parts[0]}l0 0` : parts.join('');
}

/** #rrggbbaa as a colour and an opacity: both renderers read those the same way. */
function splitColor(color: string): { rgb: string; opacity: number | null } {
  if (color.length === 9) return { rgb: color.slice(0, 7), opacity: round(parseInt(color.slice(7), 16) / 255) };
  return { rgb: color, opacity: null };
}

function stroke(color: string, width: number): SceneElement['attrs'] {
  const { rgb, opacity } = splitColor(color);
  return { stroke: rgb, 'stroke-width': n(width), ...(opacity !== null && { 'stroke-opacity': opacity }) };
}

function fill(color: string | null): SceneElement['attrs'] {
  if (color === null) return { fill: 'none' };
  const { rgb, opacity } = splitColor(color);
  return { fill: rgb, ...(opacity !== null && { 'fill-opacity': opacity }) };
}

function contrastingInk(color: string): string {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(color.slice(at, at + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6 ? '#000000' : '#ffffff';
}

/** Numbers in the markup: two decimals are far below a pixel, and keep the markup short. */
function n(value: number): number {
  return Math.round(value * 100) / 100;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The scene as an SVG document, every attribute value and text escaped. */
export function sceneToSvgMarkup(scene: EditScene): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeElement(scene.root, parts);
  return parts.join('');
}

function writeElement(element: SceneElement, out: string[]): void {
  if (!(SCENE_TAGS as readonly string[]).includes(element.tag)) throw new TypeError(`not a scene element: ${String(element.tag).slice(0, 20)}`);
  out.push('<', element.tag);
  for (const [name, value] of Object.entries(element.attrs)) {
    if (!/^[a-zA-Z][a-zA-Z0-9:-]*$/.test(name)) throw new TypeError(`not an attribute name: ${name.slice(0, 20)}`);
    out.push(' ', name, '="', escapeXml(String(value)), '"');
  }
  const children = element.children ?? [];
  if (children.length === 0 && element.text === undefined) {
    out.push('/>');
    return;
  }
  out.push('>');
  if (element.text !== undefined) out.push(escapeXml(element.text));
  for (const child of children) writeElement(child, out);
  out.push('</', element.tag, '>');
}

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids outright (control characters, lone surrogates) are dropped.
  // eslint-disable-next-line no-control-regex
  const allowed = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
  return allowed.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
