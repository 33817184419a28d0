// A capture becomes a clip through the core's own import path (checked, thumbnailed, deduplicated
// and durable like any imported image, so it syncs like every clip): the region of the screenshot
// is the clip's original, and what was drawn on it in the overlay becomes the clip's annotations,
// edits like any other (undoable, editable later), not pixels burned into the original.
import sharp from 'sharp';
import type { CaptureSource } from '../../contract/capture/capture.js';
import type { Rect } from '../../contract/capture/region.js';
import { describeRect } from '../../contract/capture/region.js';
import { detailChangeMessage } from '../../contract/clip-details.js';
import { normalizeTagInput, normalizeTitleInput } from '../../contract/clip-rules.js';
import { toAnnotationDoc, type Annotation } from '../../contract/edits/annotations.js';
import { LibraryError } from '../library/errors.js';
import { DEFAULT_IMPORT_LIMITS } from '../library/import/probe.js';
import { importImageBytes } from '../library/importer.js';
import type { Library } from '../library/library.js';

/** A capture that cannot become a clip (a region outside the screenshot, an undecodable image): the caller's mistake, said in words. */
export class CaptureRejection extends LibraryError {
  constructor(message: string) {
    super(message, 'bad-request');
  }
}

export interface CapturedRegion {
  /** The whole screenshot (of one display), PNG or any image sharp reads. */
  screenshot: Buffer;
  /** Screenshot pixels. */
  region: Rect;
  /** Drawn in the overlay, in the region's pixels (0, 0 is the region's top-left corner). */
  annotations: readonly Annotation[];
  source?: CaptureSource;
  /** When the screen was frozen, ms since the epoch. */
  capturedAt: number;
}

export interface SavedCapture {
  clipId: string;
  /** Set when the same picture was already a clip: that clip is returned (the annotations are added to it). */
  duplicateOf: string | null;
}

/** The region's pixels as a PNG, exactly (no resampling, no colour conversion beyond sRGB). */
export async function cropScreenshot(screenshot: Buffer, region: Rect): Promise<Buffer> {
  const image = sharp(screenshot, { limitInputPixels: DEFAULT_IMPORT_LIMITS.maxImagePixels });
  const metadata = await image.metadata().catch(() => {
    throw new CaptureRejection('the screenshot cannot be decoded as an image');
  });
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  const inside = region.x >= 0 && region.y >= 0 && region.width >= 1 && region.height >= 1 && region.x + region.width <= width && region.y + region.height <= height;
  if (!inside) throw new CaptureRejection(`the region (${describeRect(region)}) is not inside the ${width} × ${height} screenshot`);
  return image.extract({ left: region.x, top: region.y, width: region.width, height: region.height }).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
}

/** Imports the region as an image clip with the overlay's annotations as its edits. */
export async function saveCaptureAsClip(library: Library, capture: CapturedRegion): Promise<SavedCapture> {
  const png = await cropScreenshot(capture.screenshot, capture.region);
  const fileName = `${screenshotName(capture.capturedAt)}.png`;
  const event = await importImageBytes(library, png, {
    title: captureTitle(capture.source, capture.capturedAt),
    sourceName: fileName,
    mime: 'image/png',
    capturedAt: capture.capturedAt,
    tags: sourceTags(capture.source),
  });
  if (event.type === 'failed') throw new CaptureRejection(`the capture could not be saved: ${event.reason}`);
  const clipId = event.type === 'imported' ? event.id : event.existingId;
  if (capture.annotations.length > 0) {
    await library.changeDetails(clipId, detailChangeMessage('annotate', clipId), (doc) => {
      for (const annotation of capture.annotations) doc.image.annotations[annotation.id] = toAnnotationDoc(annotation);
    });
  }
  return { clipId, duplicateOf: event.type === 'duplicate' ? event.existingId : null };
}

/** The window's title when the OS gave one, else the app's name, else "Screenshot" and the time. */
export function captureTitle(source: CaptureSource | undefined, capturedAt: number): string {
  for (const candidate of [source?.windowTitle, source?.app]) {
    if (!candidate) continue;
    const title = normalizeTitleInput(candidate.replace(/\p{Cc}/gu, ' '));
    if (title.ok && title.value) return title.value.slice(0, 200);
  }
  return screenshotName(capturedAt);
}

/** The app the capture came from as a facet tag ("app:firefox"), as `domain:` and `lang:` are. */
export function sourceTags(source: CaptureSource | undefined): string[] {
  const app = source?.app
    ?.normalize('NFC')
    .toLowerCase()
    .replace(/\.(exe|app)$/, '')
    .replace(/[\s_]+/g, '-')
    .replace(/[^\p{L}\p{N}.-]+/gu, '')
    .replace(/^-+|-+$/g, '');
  if (!app) return [];
  const tag = normalizeTagInput(`app:${app}`.slice(0, 64));
  return tag.ok ? [tag.value] : [];
}

/** "Screenshot 2025-03-14 at 09.26.53", in local time, as the OS names its own screenshots. */
export function screenshotName(at: number): string {
  const date = new Date(at);
  const two = (value: number) => String(value).padStart(2, '0');
  return `Screenshot ${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} at ${two(date.getHours())}.${two(date.getMinutes())}.${two(date.getSeconds())}`;
}
