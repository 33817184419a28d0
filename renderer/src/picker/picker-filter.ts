import type { PickerItem } from '../../../contract/clipboard-picker.js';

/**
 * The items a query keeps, pinned first, each group newest copy first: every word of the query
 * must be found (case-insensitively) in the title, the text or the source app.
 */
export function filterItems(items: readonly PickerItem[], query: string): PickerItem[] {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  const kept = items.filter((item) => {
    const haystack = `${item.title}\n${item.preview}\n${item.sourceApp ?? ''}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const newestFirst = (a: PickerItem, b: PickerItem) => b.copiedAt - a.copiedAt;
  return [...kept.filter((item) => item.pinned).sort(newestFirst), ...kept.filter((item) => !item.pinned).sort(newestFirst)];
}

/** The digit of a quick-pick key (1–9) as an index, or null. */
export function quickPickIndex(key: string): number | null {
  return /^[1-9]$/.test(key) ? Number(key) - 1 : null;
}
