import type { ClipKind } from '../../../contract/clips.js';
import { rangeLabel } from '../timeline/timeline-scale.js';

export interface EmptyMessage {
  title: string;
  hint: string;
  /** A button that shows everything again, when filters are what emptied the list. */
  action?: string;
}

export interface EmptyContext {
  trash: boolean;
  search: string;
  kind: ClipKind | null;
  tag: string | null;
  collection: string | null;
  /** The timeline's brushed range, if any. */
  dateRange?: { from: number; to: number } | null;
}

const KIND_PLURALS: Record<ClipKind, string> = { image: 'images', video: 'videos', text: 'text clips' };

/** Why the list is empty, in words, with what to do next. */
export function emptyMessage(context: EmptyContext): EmptyMessage {
  const filtered = context.kind !== null || context.tag !== null || context.collection !== null || (context.dateRange ?? null) !== null;
  if (context.search) {
    return {
      title: `No clips ${context.trash ? 'in the trash ' : ''}match “${context.search}”`,
      hint: filtered ? 'Try fewer words, or search without the filters.' : 'Check the spelling, or try fewer words.',
      ...(filtered ? { action: 'Search all clips' } : {}),
    };
  }
  if (context.trash) return { title: 'The trash is empty', hint: 'Clips you delete appear here until you restore them.' };
  if (filtered) {
    const filters = [
      context.kind ? KIND_PLURALS[context.kind] : null,
      context.tag ? `tagged “${context.tag}”` : null,
      context.collection ? `in “${context.collection}”` : null,
      context.dateRange ? `captured ${rangeLabel(context.dateRange)}` : null,
    ].filter((part): part is string => part !== null);
    const title = context.kind ? `No ${filters.join(' ')}` : `No clips ${filters.join(' ')}`;
    return { title, hint: 'Import some, or look at all your clips.', action: 'Show all clips' };
  }
  return { title: 'No clips yet — drop files here or press Import', hint: 'Screenshots, images, videos and text files all work.' };
}

