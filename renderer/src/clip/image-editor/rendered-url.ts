import type { ClipShotApi } from '../../../../contract/api.js';
import type { RenderFormat } from '../../../../contract/media.js';

/**
 * The URL of an image clip as edited. With `heads`, the core renders only once it has those
 * edits: a copy or export made right after drawing a redaction must not come out without it.
 */
export function renderedUrl(api: Pick<ClipShotApi, 'mediaUrl'>, clipId: string, format: RenderFormat, heads: string, options: { download?: boolean } = {}): string {
  return api.mediaUrl(clipId, { variant: 'rendered', format, ...(heads && { heads }) }, options);
}
