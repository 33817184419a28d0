// A screen capture between the shell that took the screenshot, the overlay page where the person
// chooses a region and annotates it, and the core that turns it into a clip.
import { z } from 'zod';
import { annotationSchema, MAX_ANNOTATIONS, type Annotation } from '../edits/annotations.js';
import type { CaptureDisplay, Rect, Size } from './region.js';
import type { SnapWindow } from './snapping.js';

export const CAPTURE_MODES = ['region', 'window', 'screen'] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

/** The timer's choices, in seconds (0: at once). */
export const TIMER_CHOICES = [0, 3, 5, 10] as const;
/** The longest delay a script may ask for (`clipshot capture --delay`). */
export const MAX_CAPTURE_DELAY_SECONDS = 60;

/** What happens once a capture is taken (the person's setting; each trigger may add to it). */
export interface AfterCaptureSettings {
  /** The picture (annotations burned in) goes to the clipboard. */
  copy: boolean;
  /** The picture becomes a clip in the library. */
  save: boolean;
  /** A small thumbnail shows in a screen corner (drag it out, annotate, pin, dismiss). Needs save. */
  quickAccess: boolean;
  /** The clip opens in the editor. Needs save. */
  openEditor: boolean;
  /** The clip jumps the analysis queue (recognised text, suggested tags). Needs save. */
  analyse: boolean;
}

export const DEFAULT_AFTER_CAPTURE: AfterCaptureSettings = { copy: true, save: true, quickAccess: true, openEditor: false, analyse: true };

/** What ends a capture in the overlay: Enter, Ctrl+C, Ctrl+S, or the pin button. */
export const CAPTURE_TRIGGERS = ['enter', 'copy', 'save', 'pin'] as const;
export type CaptureTrigger = (typeof CAPTURE_TRIGGERS)[number];

/** What one capture does: the settings, with what the trigger asks for added. */
export interface CaptureOutcome {
  copy: boolean;
  save: boolean;
  quickAccess: boolean;
  openEditor: boolean;
  analyse: boolean;
  pin: boolean;
}

/**
 * Enter does what the after-capture settings say; Ctrl+C copies and Ctrl+S saves whatever they
 * say; pin keeps the picture on screen (and saves or copies as set). What needs a clip (the
 * quick-access card, the editor, analysis) happens only when the capture is saved; when the
 * settings would neither copy nor save, the capture is saved, so nothing is lost.
 */
export function captureOutcome(settings: AfterCaptureSettings, trigger: CaptureTrigger): CaptureOutcome {
  const copy = settings.copy || trigger === 'copy';
  const save = settings.save || trigger === 'save' || (!copy && trigger !== 'pin');
  return {
    copy,
    save,
    quickAccess: save && settings.quickAccess && trigger !== 'pin',
    openEditor: save && settings.openEditor,
    analyse: save && settings.analyse,
    pin: trigger === 'pin',
  };
}

/** Where the capture came from, as far as the OS tells. */
export interface CaptureSource {
  app?: string;
  windowTitle?: string;
}

/** Everything the overlay page needs: what to show and what it may snap to. */
export interface CaptureOverlayInput {
  captureId: string;
  mode: CaptureMode;
  display: CaptureDisplay;
  /** The screenshot's size in device pixels: the overlay's coordinates. */
  screenshot: Size;
  /** Windows on this display in the screenshot's pixels, front-most first. */
  windows: SnapWindow[];
  /** The last region captured on this display (screenshot pixels), for "repeat last region". */
  lastRegion: Rect | null;
  afterCapture: AfterCaptureSettings;
  /** Whether this host can pin a picture to the screen (the desktop app can; a browser cannot). */
  canPin: boolean;
}

export interface CaptureSaved {
  /** The clip, or null when the capture was only copied. */
  clipId: string | null;
  /** The clip the same picture already was (nothing new was added). */
  duplicateOf: string | null;
  outcome: CaptureOutcome;
  /** Whether the host put the picture on the clipboard; false leaves it to the page (a browser). */
  copied: boolean;
  pinned: boolean;
}

const MAX_DIMENSION = 100_000;
const pixel = z.number().int().min(0).max(MAX_DIMENSION);
export const regionSchema = z
  .object({ x: pixel, y: pixel, width: pixel.min(1, 'a region is at least 1 pixel wide'), height: pixel.min(1, 'a region is at least 1 pixel high') })
  .strict();
export const captureIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a capture id is 32 hexadecimal characters');

/** What the overlay sends back: the region, what was drawn on it (screenshot pixels), and how it ended. */
export const saveCaptureSchema = z
  .object({
    captureId: captureIdSchema,
    region: regionSchema,
    annotations: z.array(z.unknown()).max(MAX_ANNOTATIONS, `at most ${MAX_ANNOTATIONS} annotations`).default([]),
    trigger: z.enum(CAPTURE_TRIGGERS),
  })
  .strict()
  .transform((request, context) => {
    const annotations: Annotation[] = [];
    for (const [index, raw] of request.annotations.entries()) {
      const parsed = annotationSchema.safeParse(raw);
      if (parsed.success) annotations.push(parsed.data as Annotation);
      else context.addIssue({ code: 'custom', path: ['annotations', index], message: parsed.error.issues[0]?.message ?? 'not an annotation' });
    }
    return { ...request, annotations };
  });
export type SaveCaptureRequest = z.infer<typeof saveCaptureSchema>;

/** Where the overlay loads a pending capture's screenshot from (the host's own origin). */
export function captureScreenshotPath(captureId: string): string {
  if (!/^[0-9a-f]{32}$/.test(captureId)) throw new TypeError(`not a capture id: ${captureId.slice(0, 40)}`);
  return `/captures/${captureId}/screenshot`;
}

export function parseCaptureScreenshotPath(pathname: string): string | null {
  return /^\/captures\/([0-9a-f]{32})\/screenshot$/.exec(pathname)?.[1] ?? null;
}
