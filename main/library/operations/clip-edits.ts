import { ImmutableString, updateText } from '@automerge/automerge';
import { normalizeNotesInput, normalizeTagInput, normalizeTitleInput, type RuleResult } from '../../../contract/clip-rules.js';
import type { ClipView } from '../../../contract/clips.js';
import { InvalidEditError } from '../errors.js';
import type { Library } from '../library.js';

export interface ClipFieldsEdit {
  title?: string;
  notes?: string;
}

export async function editClipFields(library: Library, id: string, edit: ClipFieldsEdit): Promise<ClipView> {
  if (edit.title === undefined && edit.notes === undefined) throw new InvalidEditError('nothing to change: give a title or notes');
  const title = edit.title === undefined ? undefined : checkTitle(edit.title);
  const notes = edit.notes === undefined ? undefined : checkNotes(edit.notes);
  return library.changeClip(id, 'edit', (entry, doc) => {
    if (title !== undefined) entry.title = new ImmutableString(title);
    // Character-level text edits, so two devices editing the notes merge rather than overwrite.
    if (notes !== undefined) updateText(doc, ['clips', entry.id.toString(), 'notes'], notes);
  });
}

export async function changeClipTags(library: Library, id: string, change: { add?: string[]; remove?: string[] }): Promise<ClipView> {
  const add = (change.add ?? []).map(normalizeTag);
  const remove = (change.remove ?? []).map(normalizeTag);
  if (add.length === 0 && remove.length === 0) throw new InvalidEditError('nothing to change: give a tag to add or remove');
  return library.changeClip(id, 'tag', (entry) => {
    for (const tag of add) entry.tags[tag] = true;
    for (const tag of remove) delete entry.tags[tag];
  });
}

export async function changeClipCollections(library: Library, id: string, change: { add?: string[]; remove?: string[] }): Promise<ClipView> {
  const add = (change.add ?? []).map(normalizeTag);
  const remove = (change.remove ?? []).map(normalizeTag);
  return library.changeClip(id, 'collections', (entry) => {
    for (const collection of add) entry.collections[collection] = true;
    for (const collection of remove) delete entry.collections[collection];
  });
}

export async function moveClipToTrash(library: Library, id: string): Promise<ClipView> {
  return library.changeClip(id, 'trash', (entry) => {
    if (entry.deletedAt === null) entry.deletedAt = Date.now();
  });
}

export async function restoreClip(library: Library, id: string): Promise<ClipView> {
  const clip = library.get(id);
  if (clip.deletedAt === null) throw new InvalidEditError(`clip ${clip.id} is not in the trash`);
  return library.changeClip(clip.id, 'restore', (entry) => {
    entry.deletedAt = null;
  });
}

export function normalizeTag(raw: string): string {
  return accepted(normalizeTagInput(raw));
}

function checkTitle(raw: string): string {
  return accepted(normalizeTitleInput(raw));
}

function checkNotes(raw: string): string {
  return accepted(normalizeNotesInput(raw));
}

function accepted(result: RuleResult): string {
  if (!result.ok) throw new InvalidEditError(result.reason);
  return result.value;
}
