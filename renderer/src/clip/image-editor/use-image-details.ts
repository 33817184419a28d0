import type { DocHandleChangePayload } from '@automerge/automerge-repo/slim';
import { onScopeDispose, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import { readClipDetails, type ClipDetailDoc, type ClipDetails } from '../../../../contract/clip-details.js';
import type { DetailHandle } from './image-step.js';

export interface ImageDetails {
  /** The edits as the document holds them now, wherever they were made; null until read. */
  details: ShallowRef<ClipDetails | null>;
  /** Why the document cannot be read at all, in words. */
  problem: Ref<string>;
}

/** Keeps a clip's edits live from its detail document: every change, from this window or another, re-reads it. */
export function useImageDetails(handle: Ref<DetailHandle | null>, clipId: string): ImageDetails {
  const details = shallowRef<ClipDetails | null>(null);
  const problem = shallowRef('');
  const read = (doc: ClipDetailDoc | undefined): void => {
    if (!doc) return;
    const result = readClipDetails(doc, clipId);
    if (result.ok) {
      details.value = result.details;
      problem.value = '';
    } else problem.value = `The edits of this image cannot be shown: ${result.reason}.`;
  };
  const onChange = (payload: DocHandleChangePayload<ClipDetailDoc>): void => read(payload.doc);
  watch(
    handle,
    (current, previous) => {
      previous?.off('change', onChange);
      if (!current) return;
      current.on('change', onChange);
      read(current.doc());
    },
    { immediate: true },
  );
  onScopeDispose(() => handle.value?.off('change', onChange));
  return { details, problem };
}
