// How a clip's media file is answered, by range or whole: shared by `serve` (HTTP) and the
// Electron app protocol, so both seek video the same way.
import { SECURITY_HEADERS } from '../server/content-security.js';
import { parseRangeHeader, type ByteRangeRequest } from './byte-range.js';
import type { MediaFile } from './media.js';

export type ResponseBody =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'file'; path: string }
  | { kind: 'media'; media: MediaFile; range: ByteRangeRequest | null };

/** A response before it exists: what the unit tests check, and what each transport sends. */
export interface ResponsePlan {
  status: number;
  headers: Record<string, string>;
  body: ResponseBody;
}

export function planMediaResponse(method: string, rangeHeader: string | null, media: MediaFile, download: boolean): ResponsePlan {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': media.mime, 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, max-age=3600' };
  if (download) headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(media.fileName)}`;
  const range = parseRangeHeader(rangeHeader, media.size);
  if (range === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${media.size}`, 'Content-Length': '0' }, body: { kind: 'none' } };
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${media.size}`;
  headers['Content-Length'] = String(range ? range.end - range.start + 1 : media.size);
  const body: ResponseBody = method === 'HEAD' || media.size === 0 ? { kind: 'none' } : { kind: 'media', media, range };
  return { status: range ? 206 : 200, headers, body };
}
