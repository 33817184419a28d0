import type { ClipSortField } from '../../../contract/api.js';
import type { ClipKind, ClipView } from '../../../contract/clips.js';

const KIND_LABELS: Record<ClipKind, string> = { image: 'Image', video: 'Video', text: 'Text' };

export function kindLabel(kind: ClipKind): string {
  return KIND_LABELS[kind];
}

/** The title a person sees: the clip's own, else a text clip's first line, else the file it came from. */
export function displayTitle(clip: ClipView): string {
  if (clip.title.trim()) return clip.title;
  const firstLine = clip.text.trim().split('\n', 1)[0]?.trim();
  if (firstLine) return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
  if (clip.sourceName.trim()) return clip.sourceName;
  return `Untitled ${kindLabel(clip.kind).toLowerCase()}`;
}

/** The start of a text clip: about what a card has room for (fewer glyphs to paint while scrolling). */
export function textPreview(clip: ClipView, maxChars = 240): string {
  return clip.text.length > maxChars ? `${clip.text.slice(0, maxChars)}…` : clip.text;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export interface CardDate {
  iso: string;
  label: string;
}

// Formatting dates is the costliest part of filling a card; a recycled card shows clips seen before.
const cardDates = new WeakMap<ClipView, { field: 'importedAt' | 'capturedAt'; date: CardDate | null }>();

/** The date shown on a card: when imported if that is the order, else when captured. */
export function cardDate(clip: ClipView, orderBy: ClipSortField): CardDate | null {
  const field = orderBy === 'imported' ? 'importedAt' : 'capturedAt';
  const cached = cardDates.get(clip);
  if (cached?.field === field) return cached.date;
  const time = new Date(clip[field]);
  const date = Number.isNaN(time.getTime()) ? null : { iso: time.toISOString(), label: dateFormat.format(time) };
  cardDates.set(clip, { field, date });
  return date;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
