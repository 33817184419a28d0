// The pure parts of the OCR pipeline: geometry, regions, DB boxes, reading order, CTC decoding.
import { describe, expect, test } from 'vitest';
import { cropSize, readingQuad, turnHalf, unitSquareToQuad } from '../../../main/ai/ocr/crop.js';
import { findRegions } from '../../../main/ai/ocr/components.js';
import { ctcCharacters, ctcGreedyDecode } from '../../../main/ai/ocr/ctc-decode.js';
import { boxesFromProbabilityMap, DB_DEFAULTS, meanInside } from '../../../main/ai/ocr/db-postprocess.js';
import { convexHull, minAreaRect, offsetConvexPolygon, orderCorners, polygonArea, unclip, type Quad, type Vec } from '../../../main/ai/ocr/geometry.js';
import { detectionSize } from '../../../main/ai/ocr/preprocess.js';
import { readingOrder } from '../../../main/ai/ocr/reading-order.js';
import { latinForms } from '../../../main/ai/ocr/text-forms.js';

function rotated(cx: number, cy: number, w: number, h: number, degrees: number): Vec[] {
  const a = (degrees * Math.PI) / 180;
  const points: Vec[] = [];
  for (let u = -w / 2; u <= w / 2; u += 2) {
    for (let v = -h / 2; v <= h / 2; v += 2) points.push([cx + u * Math.cos(a) - v * Math.sin(a), cy + u * Math.sin(a) + v * Math.cos(a)]);
  }
  return points;
}

describe('geometry', () => {
  test('the convex hull keeps only the corners of a filled square', () => {
    const points: Vec[] = [];
    for (let x = 0; x <= 4; x++) for (let y = 0; y <= 4; y++) points.push([x, y]);
    const hull = convexHull(points);
    expect(hull).toHaveLength(4);
    expect(new Set(hull.map((p) => p.join(',')))).toEqual(new Set(['0,0', '4,0', '4,4', '0,4']));
  });

  test('the minimum-area rectangle of a tilted bar has its length, width and corners in reading order', () => {
    const rect = minAreaRect(rotated(200, 100, 120, 20, 20));
    expect(rect.width).toBeCloseTo(120, 0);
    expect(rect.height).toBeCloseTo(20, 0);
    const [tl, tr, br, bl] = rect.corners;
    expect(tl[0]).toBeLessThan(tr[0]);
    expect(bl[0]).toBeLessThan(br[0]);
    expect(tl[1]).toBeLessThan(bl[1]);
    // The top edge runs along the bar's 20° slope.
    expect((Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * 180) / Math.PI).toBeCloseTo(20, 0);
  });

  test('corners are ordered top left, top right, bottom right, bottom left whatever order they come in', () => {
    expect(orderCorners([[10, 5], [0, 5], [10, 0], [0, 0]])).toEqual([[0, 0], [10, 0], [10, 5], [0, 5]]);
  });

  test('unclip grows a box by area × ratio / perimeter on every side', () => {
    const box: Quad = [[0, 0], [100, 0], [100, 10], [0, 10]];
    const grown = minAreaRect(unclip(box, 1.5));
    const distance = (1000 * 1.5) / 220;
    expect(grown.width).toBeCloseTo(100 + 2 * distance, 0);
    expect(grown.height).toBeCloseTo(10 + 2 * distance, 0);
    // Round corners: less area than the grown rectangle, more than the box with straight sides only.
    const area = polygonArea(offsetConvexPolygon(box, distance));
    expect(area).toBeLessThan((100 + 2 * distance) * (10 + 2 * distance));
    expect(area).toBeGreaterThan(1000 + 2 * distance * 110);
  });
});

describe('regions and DB boxes', () => {
  function mapWith(width: number, height: number, fill: (x: number, y: number) => number): { data: Float32Array; width: number; height: number } {
    const data = new Float32Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = fill(x, y);
    return { data, width, height };
  }

  test('regions are 8-connected and each lists its rows’ extremes', () => {
    const mask = new Uint8Array(36);
    // A diagonal pair (one region) and a separate pixel.
    mask[0] = mask[7] = 1;
    mask[5 * 6 + 5] = 1;
    const regions = findRegions(mask, 6, 6, 10);
    expect(regions.map((r) => r.pixels)).toEqual([2, 1]);
    expect(regions[0]!.points).toEqual([[0, 0], [1, 1]]);
    expect(findRegions(mask, 6, 6, 1)).toHaveLength(1);
  });

  test('a confident bar becomes one box, scaled to the source image and grown by unclip', () => {
    const map = mapWith(64, 32, (x, y) => (x >= 10 && x < 50 && y >= 12 && y < 18 ? 0.95 : 0.02));
    const boxes = boxesFromProbabilityMap(map, 128, 64);
    expect(boxes).toHaveLength(1);
    const [tl, , br] = boxes[0]!.box;
    expect(boxes[0]!.score).toBeGreaterThan(0.9);
    // The kernel spans x 10..49, y 12..17 in the map: twice that in the source, plus the unclip margin.
    expect(tl[0]).toBeLessThan(20);
    expect(br[0]).toBeGreaterThan(98);
    expect(tl[1]).toBeLessThan(24);
    expect(br[1]).toBeGreaterThan(34);
  });

  test('a faint region (above thresh, below box thresh) and a speck give no box', () => {
    const faint = mapWith(64, 32, (x, y) => (x >= 10 && x < 50 && y >= 12 && y < 18 ? 0.45 : 0));
    expect(boxesFromProbabilityMap(faint, 64, 32)).toEqual([]);
    const speck = mapWith(64, 32, (x, y) => (x >= 10 && x < 12 && y >= 10 && y < 12 ? 1 : 0));
    expect(boxesFromProbabilityMap(speck, 64, 32)).toEqual([]);
    expect(DB_DEFAULTS).toMatchObject({ thresh: 0.3, boxThresh: 0.6, maxCandidates: 1000 });
  });

  test('the box score is the mean of the map inside the quad', () => {
    const map = mapWith(10, 10, (x) => (x < 5 ? 1 : 0));
    expect(meanInside(map, [[0, 0], [9, 0], [9, 9], [0, 9]])).toBeCloseTo(0.5, 5);
    expect(meanInside(map, [[0, 0], [4, 0], [4, 9], [0, 9]])).toBe(1);
  });
});

describe('sizes, crops and order', () => {
  test('the detector input is capped and rounded to multiples of 32', () => {
    expect(detectionSize(1920, 1080, 960, 'max')).toEqual({ width: 960, height: 544 });
    expect(detectionSize(1920, 1080, 1280, 'max')).toEqual({ width: 1280, height: 704 });
    expect(detectionSize(100, 20, 960, 'max')).toEqual({ width: 96, height: 32 });
    expect(detectionSize(200, 100, 640, 'min')).toEqual({ width: 1280, height: 640 });
  });

  test('the perspective map takes the unit square to the quad', () => {
    const quad: Quad = [[10, 20], [110, 30], [105, 70], [12, 60]];
    const { a, b, c, d, e, f, g, h } = unitSquareToQuad(quad);
    const at = (u: number, v: number) => {
      const w = g * u + h * v + 1;
      return [(a * u + b * v + c) / w, (d * u + e * v + f) / w];
    };
    [[0, 0], [1, 0], [1, 1], [0, 1]].forEach(([u, v], i) => {
      expect(at(u!, v!)[0]).toBeCloseTo(quad[i]![0], 6);
      expect(at(u!, v!)[1]).toBeCloseTo(quad[i]![1], 6);
    });
  });

  test('tall boxes are read turned a quarter, and a half turn starts from the opposite corner', () => {
    const tall: Quad = [[0, 0], [20, 0], [20, 100], [0, 100]];
    expect(cropSize(readingQuad(tall))).toEqual({ width: 100, height: 20 });
    const wide: Quad = [[0, 0], [100, 0], [100, 20], [0, 20]];
    expect(readingQuad(wide)).toBe(wide);
    expect(turnHalf(wide)[0]).toEqual([100, 20]);
  });

  test('reading order is top to bottom, and left to right within a row', () => {
    const box = (x: number, y: number): Quad => [[x, y], [x + 50, y], [x + 50, y + 10], [x, y + 10]];
    const items = [
      { name: 'second row', box: box(0, 40) },
      { name: 'right', box: box(300, 2) },
      { name: 'left', box: box(10, 6) },
      { name: 'middle', box: box(150, 0) },
    ];
    expect(readingOrder(items).map((item) => item.name)).toEqual(['left', 'middle', 'right', 'second row']);
  });
});

describe('CTC decoding', () => {
  const characters = ctcCharacters('a\nb\nc\n');

  test('the classes are blank, the dictionary, then a space', () => {
    expect(characters).toEqual(['', 'a', 'b', 'c', ' ']);
  });

  test('repeats collapse, blanks separate, and the confidence is the mean of the kept characters', () => {
    // Steps: a a blank a space b b → "aa b"
    const best = [1, 1, 0, 1, 4, 2, 2];
    const probabilities = new Float32Array(best.length * characters.length);
    best.forEach((k, t) => {
      probabilities.fill(0.05, t * 5, t * 5 + 5);
      probabilities[t * 5 + k] = 0.8;
    });
    const decoded = ctcGreedyDecode(probabilities, 0, best.length, characters);
    expect(decoded.text).toBe('aa b');
    expect(decoded.confidence).toBeCloseTo(0.8, 5);
    expect(ctcGreedyDecode(new Float32Array(10).fill(0).map((_, i) => (i % 5 === 0 ? 1 : 0)), 0, 2, characters)).toEqual({ text: '', confidence: 0 });
  });

  test('full-width punctuation becomes ASCII in Latin lines only', () => {
    expect(latinForms('for (let i = 0；i ＜ n；i++）｛')).toBe('for (let i = 0;i < n;i++){');
    expect(latinForms('你好，世界（测试）')).toBe('你好，世界（测试）');
  });
});
