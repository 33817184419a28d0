// The captures waiting in overlays: the frozen screenshot of each display, the windows on it, and
// what happens when the person ends one (saved as a clip, copied, pinned) or cancels (nothing is
// kept). Plain Node: the desktop shell fills it with screenshots and does what only it can do
// (the clipboard, windows) through CaptureShell; `serve` fills it from a file for tests.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { AnalysisControl } from '../../contract/analysis.js';
import { ApiError } from '../../contract/api.js';
import { captureOutcome, type CaptureMode, type CaptureOverlayInput, type CaptureSaved, type CaptureSource, type SaveCaptureRequest } from '../../contract/capture/capture.js';
import { describeRect, dipToDisplayPixels, displayOfRect, displayPixelsToDip, isEmptyRect, type CaptureDisplay, type Rect, type Size } from '../../contract/capture/region.js';
import { windowAt, type SnapWindow } from '../../contract/capture/snapping.js';
import { DEFAULT_IMPORT_LIMITS } from '../library/import/probe.js';
import type { Library } from '../library/library.js';
import { renderEditedImage, renderSourceImage } from '../library/render/image-render.js';
import type { CaptureSettingsStore } from './capture-settings.js';
import { cropScreenshot, saveCaptureAsClip } from './save-capture.js';

/** A window as the OS reports it: on the virtual desktop (DIP), front-most first in a list. */
export interface DesktopWindow {
  bounds: Rect;
  title: string;
  app: string;
}

/** One display's frozen screen, as the shell took it. */
export interface DisplayScreenshot {
  display: CaptureDisplay;
  /** PNG (any image sharp reads), in device pixels. */
  image: Buffer;
}

/** What only the desktop app can do after a capture; `serve` has none of it. */
export interface CaptureShell {
  copyImage(png: Buffer): Promise<void>;
  showQuickAccess?(clipId: string, png: Buffer): void;
  openEditor?(clipId: string): void;
  /** Shows the picture in a floating always-on-top window where the region was (DIP). */
  pin?(png: Buffer, at: Rect): void;
  /** The capture is over (saved or cancelled): its overlays close. */
  finished?(captureIds: readonly string[]): void;
}

interface PendingCapture {
  id: string;
  group: string;
  mode: CaptureMode;
  display: CaptureDisplay;
  /** Every display of the capture: "repeat last region" finds its display among them. */
  displays: CaptureDisplay[];
  image: Buffer;
  mime: string;
  size: Size;
  windows: SnapWindow[];
  capturedAt: number;
}

/** Overlays left open this long are dropped (the screenshot is a screen's worth of memory). */
const PENDING_LIMIT = 16;

export class CaptureService {
  readonly #pending = new Map<string, PendingCapture>();
  /** Who waits for a capture (by group) to end: `clipshot capture` prints what became of it. */
  readonly #waiting = new Map<string, ((result: CaptureSaved | null) => void)[]>();

  constructor(
    private readonly library: Library,
    readonly settings: CaptureSettingsStore,
    private readonly options: { shell?: CaptureShell; analysis?: AnalysisControl } = {},
  ) {}

  /** Holds one capture (a screenshot per display) for its overlays; the ids are in the order given. */
  async open(mode: CaptureMode, screenshots: readonly DisplayScreenshot[], windows: readonly DesktopWindow[], options: { capturedAt?: number; ids?: readonly string[] } = {}): Promise<string[]> {
    if (screenshots.length === 0) throw new ApiError('invalid-request', 'a capture needs the screenshot of at least one display');
    const capturedAt = options.capturedAt ?? Date.now();
    const ids = options.ids ?? screenshots.map(() => randomBytes(16).toString('hex'));
    if (ids.length !== screenshots.length || ids.some((id) => !/^[0-9a-f]{32}$/.test(id) || this.#pending.has(id))) throw new ApiError('invalid-request', 'each display of a capture needs a new id of 32 hexadecimal characters');
    const group = randomBytes(16).toString('hex');
    const displays = screenshots.map((screenshot) => screenshot.display);
    const captures: PendingCapture[] = [];
    for (const [index, { display, image }] of screenshots.entries()) {
      const metadata = await sharp(image, { limitInputPixels: DEFAULT_IMPORT_LIMITS.maxImagePixels })
        .metadata()
        .catch(() => {
          throw new ApiError('invalid-request', `the screenshot of display ${display.id} cannot be decoded as an image`);
        });
      const size = { width: metadata.width ?? 0, height: metadata.height ?? 0 };
      const onDisplay = windows.flatMap((window) => {
        const rect = dipToDisplayPixels(window.bounds, display, size);
        return isEmptyRect(rect) ? [] : [{ rect, title: window.title, app: window.app }];
      });
      const mime = `image/${metadata.format === 'jpeg' ? 'jpeg' : metadata.format}`;
      captures.push({ id: ids[index]!, group, mode, display, displays, image, mime, size, windows: onDisplay, capturedAt });
    }
    for (const capture of captures) this.#pending.set(capture.id, capture);
    this.#dropOldest();
    return captures.map((capture) => capture.id);
  }

  /** What the overlay of one display shows. */
  input(captureId: string): CaptureOverlayInput {
    const capture = this.#get(captureId);
    const last = this.settings.current.lastRegion;
    const lastDisplay = last ? displayOfRect(last, capture.displays) : null;
    const lastRegion = last && lastDisplay?.id === capture.display.id ? dipToDisplayPixels(last, capture.display, capture.size) : null;
    return {
      captureId,
      mode: capture.mode,
      display: capture.display,
      screenshot: capture.size,
      windows: capture.windows,
      lastRegion: lastRegion && !isEmptyRect(lastRegion) ? lastRegion : null,
      afterCapture: this.settings.current.afterCapture,
      canPin: this.options.shell?.pin !== undefined,
    };
  }

  /** The frozen screen of one display, for its overlay. */
  screenshot(captureId: string): { bytes: Buffer; mime: string } {
    const capture = this.#get(captureId);
    return { bytes: capture.image, mime: capture.mime };
  }

  /** Ends a capture: the region and its annotations are saved, copied or pinned as the trigger and settings say. */
  async save(request: SaveCaptureRequest): Promise<CaptureSaved> {
    const capture = this.#get(request.captureId);
    const { region } = request;
    if (region.x + region.width > capture.size.width || region.y + region.height > capture.size.height) {
      throw new ApiError('invalid-request', `the region (${describeRect(region)}) is not inside the ${capture.size.width} × ${capture.size.height} screenshot`);
    }
    const { shell, analysis } = this.options;
    const outcome = captureOutcome(this.settings.current.afterCapture, request.trigger);
    const source = sourceOf(capture.windows, request.region);
    let clipId: string | null = null;
    let duplicateOf: string | null = null;
    let rendered: Buffer | null = null;
    if (outcome.save) {
      ({ clipId, duplicateOf } = await saveCaptureAsClip(this.library, { screenshot: capture.image, region: request.region, annotations: request.annotations, capturedAt: capture.capturedAt, ...(source && { source }) }));
    }
    // The picture as copied or pinned: the clip's rendering, or (copied only) the region's.
    const picture = async (): Promise<Buffer> => {
      if (rendered) return rendered;
      if (clipId) rendered = (await renderEditedImage(this.library, clipId, 'png')).bytes;
      else {
        const png = await cropScreenshot(capture.image, request.region);
        const source = { bytes: png, width: request.region.width, height: request.region.height, hasAlpha: false };
        rendered = (await renderSourceImage(source, `capture:${capture.id}`, { image: { crop: null, rotation: 0, annotations: request.annotations } })).bytes;
      }
      return rendered;
    };
    // The capture is kept until here: a failed save leaves the overlay open to try again.
    const waiting = this.#takeWaiting(capture.group);
    this.#end(capture.group);
    await this.settings.rememberRegion(displayPixelsToDip(request.region, capture.display)).catch((error: unknown) => {
      console.error(`ClipShot: the last region could not be remembered: ${error instanceof Error ? error.message : String(error)}`);
    });
    let copied = false;
    if (outcome.copy && shell) {
      await shell.copyImage(await picture());
      copied = true;
    }
    let pinned = false;
    if (outcome.pin && shell?.pin) {
      shell.pin(await picture(), displayPixelsToDip(request.region, capture.display));
      pinned = true;
    }
    if (clipId) {
      if (outcome.analyse && analysis) await analysis.analyse({ ids: [clipId] }).catch(() => undefined);
      if (outcome.quickAccess && shell?.showQuickAccess) shell.showQuickAccess(clipId, await picture());
      if (outcome.openEditor) shell?.openEditor?.(clipId);
    }
    const saved: CaptureSaved = { clipId, duplicateOf, outcome, copied, pinned };
    for (const resolve of waiting) resolve(saved);
    return saved;
  }

  /** Resolves when the capture ends: with what it came to, or null when it was cancelled or dropped. */
  ended(captureId: string): Promise<CaptureSaved | null> {
    const { group } = this.#get(captureId);
    return new Promise((resolve) => {
      const list = this.#waiting.get(group) ?? [];
      list.push(resolve);
      this.#waiting.set(group, list);
    });
  }

  /** Esc: the capture is dropped, nothing is kept. */
  cancel(captureId: string): void {
    this.#end(this.#get(captureId).group);
  }

  /** Drops every capture still waiting (the app is closing). */
  close(): void {
    for (const group of new Set([...this.#pending.values()].map((capture) => capture.group))) this.#end(group);
  }

  #get(captureId: string): PendingCapture {
    const capture = this.#pending.get(captureId);
    if (!capture) throw new ApiError('not-found', `no capture ${captureId.slice(0, 40)} is waiting (it was saved, cancelled, or replaced by a newer one)`);
    return capture;
  }

  #takeWaiting(group: string): ((result: CaptureSaved | null) => void)[] {
    const list = this.#waiting.get(group) ?? [];
    this.#waiting.delete(group);
    return list;
  }

  #end(group: string): void {
    for (const resolve of this.#takeWaiting(group)) resolve(null);
    const ended = [...this.#pending.values()].filter((capture) => capture.group === group).map((capture) => capture.id);
    for (const id of ended) this.#pending.delete(id);
    if (ended.length > 0) this.options.shell?.finished?.(ended);
  }

  #dropOldest(): void {
    while (this.#pending.size > PENDING_LIMIT) {
      const oldest = this.#pending.values().next().value;
      if (!oldest) return;
      this.#end(oldest.group);
    }
  }
}

/** The window the region was taken from: the front-most one under the region's middle. */
function sourceOf(windows: readonly SnapWindow[], region: Rect): CaptureSource | null {
  const window = windowAt({ x: region.x + region.width / 2, y: region.y + region.height / 2 }, windows);
  if (!window) return null;
  return { ...(window.app && { app: window.app }), ...(window.title && { windowTitle: window.title }) };
}
