import sharp, { type OverlayOptions } from 'sharp';
import { MAX_COMBINED_CLIPS, type CombineLayout, type MadeClip } from '../../../contract/bulk.js';
import type { ClipKind, ClipView } from '../../../contract/clips.js';
import { renderedText } from '../export/export-text.js';
import { DEFAULT_IMPORT_LIMITS } from '../import/probe.js';
import { importImageBytes, importText, type ImportEvent } from '../importer.js';
import type { Library } from '../library.js';
import { BadSelectionError } from './bulk-selection.js';
import { loadRenderedImage, shownSize } from './rendered-image.js';

/** Between merged texts: a Markdown rule, on its own line, that reads as a break in plain text too. */
export const MERGE_SEPARATOR = '\n\n---\n\n';
/** The most text a merge makes (what importText accepts from a window). */
const MAX_MERGED_CHARS = 16 * 1024 * 1024;
/** Of the first clip's title in a made clip's title: the title names a file for a moment, and names have a limit. */
const MAX_MADE_TITLE_CHARS = 100;

/**
 * Stitches images into one new image clip, in the order given: one under another (vertical) or
 * side by side (horizontal), centred across, on a transparent background. The result is imported
 * through the normal import pipeline, so it is probed and thumbnailed like any image.
 */
export async function combineImages(library: Library, ids: readonly string[], layout: CombineLayout): Promise<MadeClip> {
  const clips = clipsOfKind(library, ids, 'image', 'combining');
  const sizes = clips.map((clip) => {
    const size = shownSize(clip);
    if (!size) throw new BadSelectionError(`the size of image ${clip.id} is unknown; analyse it again first`);
    return size;
  });
  const vertical = layout === 'vertical';
  const width = vertical ? Math.max(...sizes.map((size) => size.width)) : sizes.reduce((sum, size) => sum + size.width, 0);
  const height = vertical ? sizes.reduce((sum, size) => sum + size.height, 0) : Math.max(...sizes.map((size) => size.height));
  // Checked before decoding anything: the import that follows would refuse it anyway.
  if (width * height > DEFAULT_IMPORT_LIMITS.maxImagePixels) {
    throw new BadSelectionError(`the combined image would be ${width} × ${height} pixels, more than the ${DEFAULT_IMPORT_LIMITS.maxImagePixels / 1_000_000} megapixels an image may have`);
  }
  const layers: OverlayOptions[] = [];
  let offset = 0;
  for (const clip of clips) {
    const image = await loadRenderedImage(library, clip);
    layers.push(vertical ? { input: image.png, left: Math.floor((width - image.width) / 2), top: offset } : { input: image.png, left: offset, top: Math.floor((height - image.height) / 2) });
    offset += vertical ? image.height : image.width;
  }
  const png = await sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } }, limitInputPixels: DEFAULT_IMPORT_LIMITS.maxImagePixels })
    .composite(layers)
    .png()
    .toBuffer();
  const title = madeTitle('Combined images', clips);
  return madeClip(await importImageBytes(library, png, { title, sourceName: `${title}.png`, mime: 'image/png' }));
}

/** Joins text clips (their text as edited), in the order given, into a new text clip. */
export async function mergeTexts(library: Library, ids: readonly string[]): Promise<MadeClip> {
  const clips = clipsOfKind(library, ids, 'text', 'merging');
  const texts: string[] = [];
  let length = 0;
  for (const clip of clips) {
    const text = (await renderedText(library, clip.id)).trim();
    length += text.length + MERGE_SEPARATOR.length;
    if (length > MAX_MERGED_CHARS) throw new BadSelectionError(`the merged text would be longer than ${MAX_MERGED_CHARS / 1024 / 1024} MB`);
    texts.push(text);
  }
  return madeClip(await importText(library, texts.join(MERGE_SEPARATOR), { title: madeTitle('Merged text', clips), sourceName: 'merge' }));
}

/** The new clip, or the one it duplicates (a second merge of the same clips). */
function madeClip(event: ImportEvent): MadeClip {
  if (event.type === 'imported') return { clipId: event.id, created: true };
  if (event.type === 'duplicate') return { clipId: event.existingId, created: false };
  throw new BadSelectionError(`the new clip could not be imported: ${event.reason}`);
}

function clipsOfKind(library: Library, ids: readonly string[], kind: ClipKind, doing: string): ClipView[] {
  if (ids.length < 2) throw new BadSelectionError(`${doing} takes at least 2 clips`);
  if (ids.length > MAX_COMBINED_CLIPS) throw new BadSelectionError(`${doing} takes at most ${MAX_COMBINED_CLIPS} clips at once; ${ids.length} are selected`);
  const clips = ids.map((id) => library.get(id));
  const others = clips.filter((clip) => clip.kind !== kind);
  if (others.length > 0) throw new BadSelectionError(`${doing} takes ${kind === 'image' ? 'images' : 'text clips'} only; ${others.length} of the selected clips ${others.length === 1 ? 'is' : 'are'} not`);
  return clips;
}

/** "Combined images — Login screen and 2 more", short enough to be a file name too. */
function madeTitle(what: string, clips: ClipView[]): string {
  const first = (clips[0]!.title || clips[0]!.sourceName || clips[0]!.id).replace(/\s+/g, ' ').trim().slice(0, MAX_MADE_TITLE_CHARS);
  const others = clips.length - 1;
  return `${what} — ${first} and ${others} more`;
}

