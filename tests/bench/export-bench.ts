// `npm run bench -- export`: how long exporting an edited 4K screenshot takes. A 3840×2160
// screenshot-like PNG with 50 annotations of every kind (blur, pixelate and solid boxes among
// them) is exported through the one export path the CLI and the app use, again and again.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { detailChangeMessage } from '../../contract/clip-details.js';
import { toAnnotationDoc, type Annotation } from '../../contract/edits/annotations.js';
import { exportRendered } from '../../main/library/export/export-rendered.js';
import { importFiles } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { annotation } from '../helpers/annotations.js';
import { writeBusyPng } from '../helpers/fixtures.js';
import { percentile, timeMs } from './stats.js';

const PASSPHRASE = 'benchmark passphrase';
const SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };
const SIZE = { width: 3840, height: 2160 };
const RENDERS = 15;
const OTHER_FORMAT_RENDERS = 5;

export async function benchExport(): Promise<Record<string, number | string>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-export-bench-'));
  try {
    const png = await writeBusyPng(work, 'screenshot-4k.png', SIZE);
    const library = await Library.create(path.join(work, 'library'), { passphrase: PASSPHRASE, scryptCost: SCRYPT_COST });
    try {
      const report = await importFiles(library, [png]);
      const id = report.imported[0]?.id;
      if (!id) throw new Error(`the screenshot was not imported: ${JSON.stringify(report.failed)}`);
      const annotations = fiftyAnnotations();
      await library.changeDetails(id, detailChangeMessage('annotate', id), (doc) => {
        for (const item of annotations) doc.image.annotations[item.id] = toAnnotationDoc(item);
      });
      await library.settleEdits();

      const out = (name: string) => path.join(work, name);
      // The first export also makes the blur and pixelate images (then cached, as in the app).
      const first = await timeMs(() => exportRendered(library, id, out('first.png')));
      const pngTimes: number[] = [];
      for (let i = 0; i < RENDERS; i++) pngTimes.push(await timeMs(() => exportRendered(library, id, out('edited.png'))));
      const jpegTimes: number[] = [];
      for (let i = 0; i < OTHER_FORMAT_RENDERS; i++) jpegTimes.push(await timeMs(() => exportRendered(library, id, out('edited.jpg'))));
      const webpTimes: number[] = [];
      for (let i = 0; i < OTHER_FORMAT_RENDERS; i++) webpTimes.push(await timeMs(() => exportRendered(library, id, out('edited.webp'))));
      const thumbnailTimes: number[] = [];
      for (let i = 0; i < OTHER_FORMAT_RENDERS; i++) thumbnailTimes.push(await timeMs(() => library.rederiveEdits(id)));

      return {
        image: `${SIZE.width}x${SIZE.height}`,
        annotations: annotations.length,
        kinds: [...new Set(annotations.map((item) => item.kind))].join(','),
        original_png_kb: Math.round((await fs.stat(png)).size / 1024),
        exported_png_kb: Math.round((await fs.stat(out('edited.png'))).size / 1024),
        export_png_first_ms: round(first),
        export_png_median_ms: round(percentile(pngTimes, 50)),
        export_png_p95_ms: round(percentile(pngTimes, 95)),
        export_png_runs: RENDERS,
        export_jpeg_median_ms: round(percentile(jpegTimes, 50)),
        export_webp_median_ms: round(percentile(webpTimes, 50)),
        thumbnail_derivation_median_ms: round(percentile(thumbnailTimes, 50)),
      };
    } finally {
      await library.close();
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** 50 annotations as a busy tutorial screenshot might have, spread over the picture. */
function fiftyAnnotations(): Annotation[] {
  const { width: W, height: H } = SIZE;
  const at = (i: number, of: number) => ({ x: Math.round(((i + 0.5) / of) * (W - 400)), y: Math.round(((i * 7) % of) / of * (H - 300)) });
  const zigzag = Array.from({ length: 100 }, (_, i) => `${(i / 99).toFixed(3)},${(i % 2).toFixed(0)}`).join(' ');
  const items: Annotation[] = [];
  for (let i = 0; i < 8; i++) items.push(annotation('arrow', { x1: at(i, 8).x, y1: at(i, 8).y + 200, x2: at(i, 8).x + 300, y2: at(i, 8).y, width: 8 }));
  for (let i = 0; i < 5; i++) items.push(annotation('line', { x1: at(i, 5).x, y1: at(i, 5).y, x2: at(i, 5).x + 350, y2: at(i, 5).y + 120, width: 5, color: '#0066ff' }));
  for (let i = 0; i < 6; i++) items.push(annotation('rect', { ...at(i, 6), w: 320, h: 180, width: 6, fill: i % 2 ? '#ffcc0040' : null }));
  for (let i = 0; i < 4; i++) items.push(annotation('ellipse', { ...at(i, 4), w: 300, h: 160, width: 6, fill: null, color: '#00aa44' }));
  for (let i = 0; i < 4; i++) items.push(annotation('pen', { ...at(i, 4), w: 360, h: 90, width: 5, points: zigzag }));
  for (let i = 0; i < 3; i++) items.push(annotation('highlighter', { ...at(i, 3), w: 600, h: 0, width: 36, points: '0,0 1,0', color: '#ffe600' }));
  for (let i = 0; i < 5; i++) items.push(annotation('text', { ...at(i, 5), size: 42, text: `Step ${i + 1}: click the button\nthen wait for the dialog`, background: i % 2 ? '#ffffff' : null }));
  for (let i = 0; i < 5; i++) items.push(annotation('step', { x: at(i, 5).x + 40, y: at(i, 5).y + 40, size: 64 }));
  items.push(annotation('spotlight', { x: 1200, y: 600, w: 1400, h: 900, shape: 'ellipse', dim: 0.5 }));
  for (let i = 0; i < 3; i++) items.push(annotation('blur', { ...at(i, 3), w: 500, h: 120, strength: 12 }));
  for (let i = 0; i < 3; i++) items.push(annotation('pixelate', { x: at(i, 3).x + 100, y: at(i, 3).y + 250, w: 480, h: 100, strength: 16 }));
  for (let i = 0; i < 3; i++) items.push(annotation('box', { x: at(i, 3).x + 200, y: at(i, 3).y + 400, w: 420, h: 60, color: '#000000' }));
  return items;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
