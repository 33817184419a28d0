import { MAX_PICKER_ITEMS, PINNED_TAG, type PasteOutcome, type PastePayload, type PickerItem, type PickerItemKind } from '../../../contract/clipboard-picker.js';
import type { ClipView } from '../../../contract/clips.js';
import { changeClipTags } from '../../library/operations/clip-edits.js';
import { InvalidEditError } from '../../library/errors.js';
import type { Library } from '../../library/library.js';
import { isClipboardSourceName, sourceAppOf } from './clipboard-clips.js';
import { textItem } from './clipboard-item.js';

const DEFAULT_ITEMS = 100;
const PREVIEW_CHARS = 300;
/** Recent clips looked through for those that came from the clipboard. */
const SCAN_CLIPS = 1000;

/** Puts a payload on the OS clipboard and pastes it into the window that had the focus (the desktop app). */
export type Paster = (payload: PastePayload) => Promise<void>;

export interface PickerService {
  items(limit?: number): PickerItem[];
  paste(clipId: string, asPlainText: boolean): Promise<PasteOutcome>;
  pin(clipId: string, pinned: boolean): Promise<PickerItem>;
}

/**
 * The clipboard history as the picker shows it, read from the library's index: clips recorded from
 * the clipboard, pinned ones (tagged `pinned`) first, then by when they were last copied.
 */
export function createPickerService(library: Library, paster: Paster | null): PickerService {
  return {
    items: (limit = DEFAULT_ITEMS) => {
      const wanted = Math.min(limit, MAX_PICKER_ITEMS);
      const pinned = library.query({ tag: PINNED_TAG, orderBy: 'imported', direction: 'desc', limit: wanted }).items.filter((clip) => clip.deletedAt === null && clip.kind !== 'video');
      const recent = library
        .query({ orderBy: 'imported', direction: 'desc', limit: SCAN_CLIPS })
        .items.filter((clip) => isClipboardSourceName(clip.sourceName) && !clip.tags.includes(PINNED_TAG));
      return [...pinned, ...recent].slice(0, wanted).map(pickerItem);
    },
    paste: async (clipId, asPlainText) => {
      const payload = pastePayload(library.get(clipId), asPlainText);
      if (paster) await paster(payload);
      return { pasted: paster !== null, payload };
    },
    pin: async (clipId, pinned) => pickerItem(await changeClipTags(library, clipId, pinned ? { add: [PINNED_TAG] } : { remove: [PINNED_TAG] })),
  };
}

export function pickerItem(clip: ClipView): PickerItem {
  return {
    id: clip.id,
    kind: itemKind(clip),
    title: clip.title,
    preview: clip.kind === 'image' ? '' : clip.text.slice(0, PREVIEW_CHARS),
    pinned: clip.tags.includes(PINNED_TAG),
    copiedAt: clip.importedAt,
    sourceApp: sourceAppOf(clip.sourceName),
  };
}

function itemKind(clip: ClipView): PickerItemKind {
  if (clip.kind === 'image') return 'image';
  // A list of copied files is kept as a text clip titled "N files: …" with one path a line.
  const isFileList = /^\d+ files?: /.test(clip.title) && clip.text.split('\n').every((line) => /^(\/|[A-Za-z]:\\|\\\\)/.test(line));
  if (isFileList) return 'files';
  return textItem(clip.text).kind === 'link' ? 'link' : 'text';
}

/**
 * What pasting a clip puts on the clipboard. Rich: a picture as a picture, a link with its anchor,
 * copied files as files. Plain text: a picture's recognised text, a link's address, the paths.
 */
export function pastePayload(clip: ClipView, asPlainText: boolean): PastePayload {
  const none: PastePayload = { text: null, html: null, imageClipId: null, filePaths: [] };
  const item = pickerItem(clip);
  if (clip.kind === 'image') {
    if (!asPlainText) return { ...none, imageClipId: clip.id };
    const text = clip.analysis?.text ?? '';
    if (text.trim() === '') throw new InvalidEditError('this picture has no recognised text to paste as plain text');
    return { ...none, text };
  }
  if (clip.kind === 'video') throw new InvalidEditError('a video cannot be pasted from the clipboard history');
  if (item.kind === 'link' && !asPlainText) {
    const url = clip.text.trim();
    return { ...none, text: url, html: `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` };
  }
  if (item.kind === 'files' && !asPlainText) return { ...none, text: clip.text, filePaths: clip.text.split('\n') };
  return { ...none, text: clip.text };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
