import { hasHeads } from '@automerge/automerge';
import { decodeHeads, type UrlHeads } from '@automerge/automerge-repo';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';

const POLL_MS = 25;

/**
 * Waits until the core's copy of a clip's detail document holds a window's edits (the heads it
 * had when it asked), so an export right after an edit exports that edit. Edits travel on the
 * sync channel, requests on another, and either may arrive first.
 */
export async function waitForDetailHeads(library: Library, clipId: string, urlHeads: string[], timeoutMs = 5000): Promise<void> {
  let heads: string[];
  try {
    heads = decodeHeads(urlHeads as UrlHeads);
  } catch {
    throw new LibraryError('the edits named by the request are not document heads', 'bad-request');
  }
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await library.details.read(clipId, (doc) => doc !== null && hasHeads(doc, heads))) return;
    if (performance.now() > deadline) throw new LibraryError('the latest edits of this clip have not reached ClipShot yet; try again in a moment', 'busy');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
