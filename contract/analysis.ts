// What on-device (or, with consent, remote) analysis finds in a clip. Shared by main (which
// computes and stores it), the CLI and the renderer (which shows it).

/** What a provider can do; a provider declares the ones it supports. */
export const AI_CAPABILITIES = ['recognise-text', 'tag', 'describe', 'embed'] as const;
export type AiCapability = (typeof AI_CAPABILITIES)[number];

/** Which model produced a result; a result is recomputed when the installed model differs. */
export interface ModelRef {
  readonly id: string;
  readonly version: string;
}

/** A point in the analysed image's pixels (the clip as edited: after crop and rotation). */
export type Point = readonly [x: number, y: number];

/** One recognised line: its text, the four corners of its box (clockwise from top left), and how sure. */
export interface RecognisedLine {
  readonly text: string;
  readonly confidence: number;
  readonly box: readonly [Point, Point, Point, Point];
}

export interface Recognition {
  /** Lines in reading order (top to bottom, then left to right). */
  readonly lines: readonly RecognisedLine[];
  /** The lines joined with newlines: what search indexes and "copy all text" copies. */
  readonly text: string;
  readonly model: ModelRef;
  /** Size of the image the boxes refer to. */
  readonly width: number;
  readonly height: number;
}

/** Text recognised in one sampled frame of a video. */
export interface FrameRecognition extends Recognition {
  readonly atMs: number;
}

export const TAG_SOURCES = ['clip', 'text', 'metadata', 'personal', 'remote'] as const;
/** clip: zero-shot image model; text: from recognised text; metadata: from size, kind, source; personal: learned from the person's own tagging. */
export type TagSource = (typeof TAG_SOURCES)[number];

export interface SuggestedTag {
  readonly tag: string;
  /** 0..1, comparable within one source. */
  readonly score: number;
  readonly source: TagSource;
  readonly model?: ModelRef;
}

/**
 * An image handed to a provider: decoded pixels for local models, and the encoded bytes for
 * remote ones (which would send exactly these bytes).
 */
export interface AnalysisImage {
  readonly width: number;
  readonly height: number;
  /** Tightly packed RGB, 3 bytes per pixel, row by row. */
  readonly rgb: Uint8Array;
  readonly encoded: { readonly bytes: Uint8Array; readonly mime: 'image/png' | 'image/jpeg' };
}
