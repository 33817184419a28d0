import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MAX_BULK_CLIPS, type ClipSelectionQuery } from '../../../contract/bulk.js';
import { LibraryError } from '../errors.js';
import type { Library } from '../library.js';

/** Ids read per page while resolving a query: a page is one indexed read of about 1,000 rows. */
const PAGE = 1000;

/** What the API's selection schema lets through (either ids or a query, never both). */
export interface SelectionRequest {
  ids?: string[];
  query?: ClipSelectionQuery;
  except?: string[];
}

export class BadSelectionError extends LibraryError {
  constructor(message: string) {
    super(message, 'bad-selection');
  }
}

/**
 * The ids a selection names, in its order, each once, every one of them a clip of the library;
 * refuses (before anything is changed) an empty selection, one of more than MAX_BULK_CLIPS
 * clips, and ids no clip has.
 */
export async function resolveSelection(library: Library, selection: SelectionRequest, signal?: AbortSignal): Promise<string[]> {
  const ids = selection.query ? await idsOfQuery(library, selection.query, new Set(selection.except ?? []), signal) : [...new Set(selection.ids ?? [])];
  if (ids.length === 0) throw new BadSelectionError('no clips are selected');
  if (ids.length > MAX_BULK_CLIPS) throw new BadSelectionError(`${ids.length.toLocaleString('en')} clips are selected; one operation takes at most ${MAX_BULK_CLIPS.toLocaleString('en')}`);
  if (!selection.query) {
    const unknown = ids.filter((id) => library.index.get(id) === null);
    if (unknown.length === 1) throw new LibraryError(`no clip with id ${unknown[0]}`, 'clip-not-found');
    if (unknown.length > 1) throw new LibraryError(`${unknown.length} of the selected clips do not exist (the first is ${unknown[0]}); nothing was changed`, 'clip-not-found');
  }
  return ids;
}

async function idsOfQuery(library: Library, query: ClipSelectionQuery, except: Set<string>, signal: AbortSignal | undefined): Promise<string[]> {
  // Counted first, so that a selection far too large is refused without reading it.
  const matching = library.count(query);
  if (matching - except.size > MAX_BULK_CLIPS) throw new BadSelectionError(`${(matching - except.size).toLocaleString('en')} clips are selected; one operation takes at most ${MAX_BULK_CLIPS.toLocaleString('en')}`);
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    signal?.throwIfAborted();
    const page = library.query({ ...query, limit: PAGE, ...(cursor !== null && { cursor }) });
    for (const clip of page.items) if (!except.has(clip.id)) ids.push(clip.id);
    cursor = page.nextCursor;
    // Reading 100 pages back to back would hold up every other request.
    if (cursor !== null) await yieldToEventLoop();
  } while (cursor !== null);
  return ids;
}
