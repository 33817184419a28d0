// Images with known text for the OCR tests and benchmark: SVG text rendered by sharp (librsvg),
// and pages rendered by Debian's Chromium. Every image comes back as the AnalysisImage that
// recognition takes, with the text it shows.
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import type { AnalysisImage } from '../../contract/analysis.js';

export interface TextBlockStyle {
  fontSize?: number;
  fontFamily?: string;
  foreground?: string;
  background?: string;
  width?: number;
  /** Space above the first line and left of every line. */
  margin?: number;
  lineHeight?: number;
  fontWeight?: string;
}

export interface RenderedLine {
  readonly text: string;
  /** Where its ink is: left, top, right, bottom. */
  readonly ink: readonly [number, number, number, number];
}

export interface TextImage {
  readonly image: AnalysisImage;
  readonly lines: readonly RenderedLine[];
}

/** Decodes PNG (or any format sharp reads) into an AnalysisImage. */
export async function toAnalysisImage(encoded: Buffer): Promise<AnalysisImage> {
  const { data, info } = await sharp(encoded).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), encoded: { bytes: new Uint8Array(encoded), mime: 'image/png' } };
}

/** Encodes raw RGB pixels as an AnalysisImage (with its PNG). */
export async function rgbImage(width: number, height: number, rgb: Uint8Array): Promise<AnalysisImage> {
  const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length), { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { width, height, rgb, encoded: { bytes: new Uint8Array(png), mime: 'image/png' } };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Lines of text, one under another, rendered by librsvg; each line's ink box is measured from the pixels. */
export async function renderTextLines(lines: readonly string[], style: TextBlockStyle = {}): Promise<TextImage> {
  const fontSize = style.fontSize ?? 28;
  const margin = style.margin ?? 24;
  const lineHeight = style.lineHeight ?? Math.round(fontSize * 1.6);
  const width = style.width ?? 1000;
  const height = margin * 2 + lineHeight * lines.length;
  const background = style.background ?? '#ffffff';
  const family = style.fontFamily ?? 'DejaVu Sans';
  const texts = lines
    .map((line, i) => `<text x="${margin}" y="${margin + i * lineHeight + Math.round(fontSize * 1.05)}" xml:space="preserve">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/><g font-family="${family}" font-size="${fontSize}" font-weight="${style.fontWeight ?? 'normal'}" fill="${style.foreground ?? '#1a1a1a'}">${texts}</g></svg>`;
  const image = await toAnalysisImage(await sharp(Buffer.from(svg)).png().toBuffer());
  const rendered = lines.map((text, i) => ({ text, ink: inkBox(image, margin + i * lineHeight, margin + (i + 1) * lineHeight) }));
  return { image, lines: rendered };
}

/** The bounding box of pixels that differ from the top-left pixel (the background), within rows [top, bottom). */
export function inkBox(image: AnalysisImage, top: number, bottom: number): [number, number, number, number] {
  const { width, rgb } = image;
  const bg = [rgb[0]!, rgb[1]!, rgb[2]!];
  let left = width;
  let right = -1;
  let first = -1;
  let last = -1;
  for (let y = Math.max(0, top); y < Math.min(bottom, image.height); y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      if (Math.abs(rgb[p]! - bg[0]!) + Math.abs(rgb[p + 1]! - bg[1]!) + Math.abs(rgb[p + 2]! - bg[2]!) < 60) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (first < 0) first = y;
      last = y;
    }
  }
  return [left, first, right, last];
}

/** The image turned upside down (180°). */
export async function rotateHalf(image: AnalysisImage): Promise<AnalysisImage> {
  const { width, height, rgb } = image;
  const out = new Uint8Array(rgb.length);
  const pixels = width * height;
  for (let i = 0; i < pixels; i++) {
    const j = pixels - 1 - i;
    out[j * 3] = rgb[i * 3]!;
    out[j * 3 + 1] = rgb[i * 3 + 1]!;
    out[j * 3 + 2] = rgb[i * 3 + 2]!;
  }
  return rgbImage(width, height, out);
}

/** A plain image of one colour. */
export function blankImage(width: number, height: number, colour: readonly [number, number, number] = [255, 255, 255]): Promise<AnalysisImage> {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i += 3) rgb.set(colour, i);
  return rgbImage(width, height, rgb);
}

// Runs in the page (the root tsconfig has no DOM types, hence a string).
const KNOWN_LINES_IN_PAGE = `(() => {
  const shown = [];
  for (const element of document.querySelectorAll('[data-text]')) {
    const box = element.getBoundingClientRect();
    const whole = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth && element.scrollWidth <= element.clientWidth + 1;
    const text = (element.textContent || '').replace(/\\s+/g, ' ').trim();
    if (whole && text !== '') shown.push(text);
    else element.style.visibility = 'hidden';
  }
  return shown;
})()`;

/**
 * A page rendered by Chromium at a given viewport. Elements marked `data-text` are the known text:
 * their textContent (whitespace collapsed) is returned as the lines the image shows. One that the
 * viewport or its own box cuts off is hidden before the screenshot, so the image shows only
 * whole lines of known text.
 */
export async function screenshotPage(browser: Browser, html: string, width: number, height: number): Promise<{ image: AnalysisImage; lines: string[] }> {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const lines = (await page.evaluate(KNOWN_LINES_IN_PAGE)) as string[];
    const png = await page.screenshot({ type: 'png' });
    return { image: await toAnalysisImage(png), lines };
  } finally {
    await page.close();
  }
}
