import { decodeHeads, type UrlHeads } from '@automerge/automerge-repo';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';

/** Heads as a window sends them (automerge-repo's URL encoding) as Automerge's hashes; refuses anything else. */
export function parseDetailHeads(urlHeads: string[]): string[] {
  try {
    const heads = decodeHeads(urlHeads as UrlHeads);
    if (heads.every((head) => /^[0-9a-f]{64}$/.test(head))) return heads;
  } catch {
    // Said below.
  }
  throw new LibraryError('the edits to wait for are named by heads that cannot be read', 'bad-request');
}

/**
 * Waits until the core's copy of a clip's detail document holds a window's edits (`heads`, parsed
 * by parseDetailHeads), so an export or a copy right after an edit has that edit (a redaction just
 * drawn above all). Edits travel on the sync channel, requests on another, and either may arrive first.
 */
export async function waitForDetailHeads(library: Library, clipId: string, heads: string[], timeoutMs = 5000): Promise<void> {
  const arrived = await library.details.hasHeads(clipId, heads, timeoutMs).catch(() => false);
  if (!arrived) throw new LibraryError('the latest edits of this clip have not reached ClipShot yet; try again in a moment', 'busy');
}
