// The picker's one way out: its input (the items) and its output (the item to paste, a pin, a
// close). The desktop app provides the API through its preload, `clipshot serve` over a WebSocket.
import type { ClipShotApi } from '../../../contract/api.js';
import type { PasteOutcome, PasteRequest, PickerItem } from '../../../contract/clipboard-picker.js';

export interface PickerBridge {
  items(): Promise<PickerItem[]>;
  paste(request: PasteRequest): Promise<PasteOutcome>;
  setPinned(item: PickerItem, pinned: boolean): Promise<PickerItem>;
  thumbnailUrl(item: PickerItem): string;
  close(): void;
}

export type PickerApi = Pick<ClipShotApi, 'clipboardItems' | 'pasteClipboardItem' | 'pinClipboardItem' | 'mediaUrl'>;

export function apiPickerBridge(api: PickerApi, close: () => void): PickerBridge {
  return {
    items: () => api.clipboardItems({}),
    paste: ({ item, asPlainText }) => api.pasteClipboardItem({ id: item.id, asPlainText }),
    setPinned: (item, pinned) => api.pinClipboardItem({ id: item.id, pinned }),
    thumbnailUrl: (item) => api.mediaUrl(item.id, 'thumbnail'),
    close,
  };
}
