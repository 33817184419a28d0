// Which of a clip's files a URL names, and the URL's shape: built by every transport's mediaUrl
// (serve, the Electron preload, tests) and parsed by serve and the app protocol alike.
import { z } from 'zod';

export const MEDIA_VARIANTS = ['original', 'thumbnail', 'rendered', 'effect', 'frames'] as const;
export type MediaVariant = (typeof MEDIA_VARIANTS)[number];

export const RENDER_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

/** Every media request, with the parameters its variant takes (as URL query values, hence coerced). */
export const mediaRequestSchema = z.discriminatedUnion('variant', [
  /** The file as imported. */
  z.object({ variant: z.literal('original') }).strict(),
  /** The small preview, with every edit burned in once the clip is edited. */
  z.object({ variant: z.literal('thumbnail') }).strict(),
  /**
   * The clip with its edits applied: an image in the given format (PNG by default), a text clip's
   * text. `heads` (a window's detail-document heads, joined by ".") makes the core wait until it
   * has those edits, so what a window copies or exports is what it shows.
   */
  z
    .object({
      variant: z.literal('rendered'),
      format: z.enum(RENDER_FORMATS).optional(),
      heads: z
        .string()
        .max(2000)
        .regex(/^[1-9A-HJ-NP-Za-km-z]+(\.[1-9A-HJ-NP-Za-km-z]+)*$/, 'heads are document heads joined by "."')
        .optional(),
    })
    .strict(),
  /** The whole image blurred or pixelated (strength in image pixels): what a redaction shows through its region. */
  z.object({ variant: z.literal('effect'), effect: z.enum(['blur', 'pixelate']), strength: positiveInt(512) }).strict(),
  /** `count` frames of a video side by side, each `height` pixels high: a timeline's filmstrip. */
  z.object({ variant: z.literal('frames'), count: positiveInt(120), height: positiveInt(480) }).strict(),
]);
export type MediaRequest = z.infer<typeof mediaRequestSchema>;

export interface MediaUrlOptions {
  /** Served as an attachment ("save as"). */
  download?: boolean;
  /** Changes the URL whenever the file behind it changes (an edited thumbnail), so no cache serves the old one. */
  version?: string;
}

const CLIP_ID = /^[0-9a-z]{26}$/;
const RESERVED_QUERY = new Set(['download', 'v']);

/** The path and query of a media URL, to put after a transport's origin. */
export function mediaPath(clipId: string, media: MediaVariant | MediaRequest, options: MediaUrlOptions = {}): string {
  if (!CLIP_ID.test(clipId)) throw new TypeError(`mediaUrl: not a clip id: ${String(clipId).slice(0, 40)}`);
  const request = mediaRequestSchema.safeParse(typeof media === 'string' ? { variant: media } : media);
  if (!request.success) throw new TypeError(`mediaUrl: not a media request: ${request.error.issues[0]?.message ?? ''}`);
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.data)) if (key !== 'variant' && value !== undefined) query.set(key, String(value));
  if (options.download) query.set('download', '1');
  if (options.version) query.set('v', options.version.slice(0, 64));
  const search = query.toString();
  return `/media/${clipId}/${request.data.variant}${search ? `?${search}` : ''}`;
}

export type ParsedMediaPath = { ok: true; clipId: string; request: MediaRequest; download: boolean } | { ok: false; reason: string };

/** Reads a media URL's path and query; null when the path is not a media path at all. */
export function parseMediaPath(pathname: string, query: URLSearchParams): ParsedMediaPath | null {
  const match = /^\/media\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (!match) return null;
  const [, clipId = '', variant = ''] = match;
  if (!CLIP_ID.test(clipId)) return { ok: false, reason: 'not a clip id' };
  const fields: Record<string, string> = { variant };
  for (const [key, value] of query) if (!RESERVED_QUERY.has(key)) fields[key] = value;
  const request = mediaRequestSchema.safeParse(fields);
  if (!request.success) return { ok: false, reason: `no such media: ${request.error.issues[0]?.message ?? 'malformed request'}` };
  return { ok: true, clipId, request: request.data, download: query.get('download') === '1' };
}

/** Where a finished export (a trimmed video, a zip of clips) is downloaded from. */
export function exportPath(jobId: string): string {
  if (!/^[0-9a-f]{32}$/.test(jobId)) throw new TypeError(`exportUrl: not an export id: ${String(jobId).slice(0, 40)}`);
  return `/exports/${jobId}`;
}

export function parseExportPath(pathname: string): string | null {
  return /^\/exports\/([0-9a-f]{32})$/.exec(pathname)?.[1] ?? null;
}
