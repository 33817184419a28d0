import type { ClipView } from '../../../contract/clips.js';
import type { PluginClip, PluginPixels } from '../../../contract/plugins.js';
import { InvalidQueryError, IndexRebuildingError } from '../../index/errors.js';
import { ImportRejection } from '../../library/import/rejection.js';
import { importText } from '../../library/importer.js';
import { LibraryError } from '../../library/errors.js';
import type { Library } from '../../library/library.js';
import { changeClipTags, editClipFields } from '../../library/operations/clip-edits.js';
import type { PluginLibraryAccess } from './library-access.js';
import { PluginError } from './plugin-error.js';

/** PluginLibraryAccess over an open Library, through the same operations the API and the CLI use. */
export function libraryAccessOver(library: Library): PluginLibraryAccess {
  const live = (id: string): ClipView => {
    const clip = library.get(id);
    if (clip.deletedAt !== null) throw new PluginError('not-found', `no clip with id ${id}`);
    return clip;
  };
  const guarded = <A extends unknown[], R>(run: (...args: A) => Promise<R> | R) => async (...args: A): Promise<R> => {
    try {
      return await run(...args);
    } catch (error) {
      throw toPluginError(error);
    }
  };
  return {
    list: guarded(({ limit, cursor }) => {
      const page = library.query({ limit, ...(cursor && { cursor }) });
      return { clips: page.items.map(toPluginClip), next: page.nextCursor };
    }),
    get: guarded((id) => toPluginClip(live(id))),
    search: guarded((query, limit) => library.query({ text: query, limit }).items.map(toPluginClip)),
    createText: guarded(async (pluginId, { text, title, tags }) => {
      const event = await importText(library, text, { ...(title !== undefined && { title }), sourceName: `plugin:${pluginId}` });
      if (event.type === 'failed') throw new PluginError('invalid-params', event.reason);
      const id = event.type === 'imported' ? event.id : event.existingId;
      return toPluginClip(tags && tags.length > 0 ? await changeClipTags(library, id, { add: tags }) : library.get(id));
    }),
    update: guarded(async (id, changes) => toPluginClip(await editClipFields(library, live(id).id, changes))),
    addTags: guarded(async (id, tags) => toPluginClip(await changeClipTags(library, live(id).id, { add: tags }))),
    readBlob: guarded(async (hash, maxBytes) => {
      // Only blobs of clips: a plugin cannot probe the store for a file by its hash.
      if (!library.index.isBlobReferenced(hash)) throw new PluginError('not-found', `no clip refers to blob ${hash}`);
      const size = await library.blobs.size(hash);
      if (size > maxBytes) throw new PluginError('invalid-params', `blob ${hash} holds ${size} bytes, over the ${maxBytes}-byte limit of blobs.read`);
      return new Uint8Array(await library.blobs.readAll(hash));
    }),
    readPixels: guarded(async (hash, maxSide, maxBytes) => {
      if (!library.index.isBlobReferenced(hash)) throw new PluginError('not-found', `no clip refers to blob ${hash}`);
      const size = await library.blobs.size(hash);
      if (size > maxBytes) throw new PluginError('invalid-params', `blob ${hash} holds ${size} bytes, over the ${maxBytes}-byte limit of blobs.readPixels`);
      return decodePixels(await library.blobs.readAll(hash), maxSide).catch((error: unknown) => {
        throw new PluginError('invalid-params', `blob ${hash} is not an image this ClipShot can decode (${error instanceof Error ? error.message : String(error)})`);
      });
    }),
  };
}

export function toPluginClip(clip: ClipView): PluginClip {
  const media = clip.media;
  return {
    id: clip.id,
    kind: clip.kind,
    title: clip.title,
    notes: clip.notes,
    tags: [...clip.tags],
    capturedAt: clip.capturedAt,
    text: clip.kind === 'text' ? clip.text : null,
    blob: media?.blob ?? null,
    // The edited thumbnail has the redactions burned in: a plugin never sees what a box covers.
    thumb: clip.edited?.thumb ?? media?.thumb ?? null,
    mime: media?.mime ?? (clip.kind === 'text' ? 'text/plain' : null),
    width: clip.edited?.width ?? media?.width ?? null,
    height: clip.edited?.height ?? media?.height ?? null,
  };
}

const NOT_FOUND_CODES = new Set(['clip-not-found', 'blob-not-found']);

function toPluginError(error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  if (error instanceof InvalidQueryError || error instanceof ImportRejection) return new PluginError('invalid-params', error.message);
  if (error instanceof IndexRebuildingError) return new PluginError('host-error', error.message);
  if (error instanceof LibraryError) return new PluginError(NOT_FOUND_CODES.has(error.code) ? 'not-found' : error.code === 'invalid-edit' || error.code === 'ambiguous-id' ? 'invalid-params' : 'host-error', error.message);
  return new PluginError('host-error', error instanceof Error ? error.message : String(error));
}

async function decodePixels(bytes: Buffer, maxSide: number): Promise<PluginPixels> {
  const { default: sharp } = await import('sharp');
  // The first frame only (an animated image or a video's poster), with its orientation applied.
  const { data, info } = await sharp(bytes, { limitInputPixels: 100_000_000 })
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
