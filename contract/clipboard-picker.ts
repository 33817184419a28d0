// The clipboard picker: the window a global shortcut opens over the person's work, listing what
// was copied, to paste one item into the window that had the focus.
import { z } from 'zod';

export const PICKER_ITEM_KINDS = ['text', 'link', 'image', 'files'] as const;
export type PickerItemKind = (typeof PICKER_ITEM_KINDS)[number];
/** The tag that pins a clip to the head of the picker: a tag, so it syncs and shows like any. */
export const PINNED_TAG = 'pinned';
export const MAX_PICKER_ITEMS = 200;

export interface PickerItem {
  /** The clip's id. */
  id: string;
  kind: PickerItemKind;
  title: string;
  /** The start of the text (links, file lists too); '' for pictures. */
  preview: string;
  pinned: boolean;
  /** When it was last copied (its import time, bumped by each copy), ms since the epoch. */
  copiedAt: number;
  sourceApp: string | null;
}

/** What the picker hands its bridge when the person chooses an item. */
export interface PasteRequest {
  item: PickerItem;
  /** Shift+Enter: only the item's text (a picture's recognised text, a link's address). */
  asPlainText: boolean;
}

/** What goes on the clipboard to be pasted. */
export interface PastePayload {
  text: string | null;
  /** A link as an anchor, when pasting rich. */
  html: string | null;
  /** A picture: the clip whose rendered image is pasted. */
  imageClipId: string | null;
  /** Copied files, pasted as files when pasting rich. */
  filePaths: string[];
}

export interface PasteOutcome {
  /** The host put it on the clipboard and pasted into the previous window (the desktop app); false in a browser. */
  pasted: boolean;
  payload: PastePayload;
}

const clipId = z.string().regex(/^[0-9a-z]{26}$/, 'not a clip id');

export const PICKER_REQUEST_SCHEMAS = {
  /** The clipboard history for the picker: pinned items first, then the most recently copied. */
  clipboardItems: z.object({ limit: z.number().int().min(1).max(MAX_PICKER_ITEMS).optional() }).strict(),
  /** Pastes an item into the window that had the focus (the desktop app), or says what would be pasted. */
  pasteClipboardItem: z.object({ id: clipId, asPlainText: z.boolean() }).strict(),
  pinClipboardItem: z.object({ id: clipId, pinned: z.boolean() }).strict(),
} as const;

export interface PickerResults {
  clipboardItems: PickerItem[];
  pasteClipboardItem: PasteOutcome;
  pinClipboardItem: PickerItem;
}
