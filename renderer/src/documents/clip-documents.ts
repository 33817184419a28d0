import type { DocHandle } from '@automerge/automerge-repo/slim';
import { inject, type InjectionKey } from 'vue';
import type { ClipDetailDoc } from '../../../contract/clip-details.js';
import type { ShardDoc } from '../../../contract/shard-document.js';

/** A clip's entry, opened for live reading and editing through automerge-repo. */
export interface OpenedClipDocument {
  readonly clipId: string;
  /** The shard document holding `clips[clipId]`; edit with handle.change(..., { message: clipChangeMessage(op, clipId) }). */
  readonly handle: DocHandle<ShardDoc>;
  /** The clip's detail document (its edits, a text clip's text); edit with message detailChangeMessage(op, clipId). */
  readonly detail: DocHandle<ClipDetailDoc>;
  /** Releases the document (the core may unload the shard once nobody has it open). */
  close(): void;
}

export interface ClipDocuments {
  open(clipId: string): Promise<OpenedClipDocument>;
}

export const CLIP_DOCUMENTS_KEY: InjectionKey<ClipDocuments> = Symbol('clipshot-documents');

export function useClipDocuments(): ClipDocuments {
  const documents = inject(CLIP_DOCUMENTS_KEY);
  if (!documents) throw new Error('useClipDocuments() needs the documents provided by the app (CLIP_DOCUMENTS_KEY)');
  return documents;
}
