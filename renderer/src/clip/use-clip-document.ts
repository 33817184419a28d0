import type { DocHandle, DocHandleChangePayload } from '@automerge/automerge-repo/slim';
import { onBeforeUnmount, onUnmounted, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { ApiError } from '../../../contract/api.js';
import type { ClipView } from '../../../contract/clips.js';
import type { ClipDetailDoc } from '../../../contract/clip-details.js';
import type { ShardDoc } from '../../../contract/shard-document.js';
import { useClipDocuments, type OpenedClipDocument } from '../documents/clip-documents.js';
import { readClipEntry } from './clip-entry.js';
import type { ShardHandle } from './clip-writes.js';

const CLOSE_DELAY_MS = 1000;
const ARRIVAL_TIMEOUT_MS = 10_000;

export type ClipDocumentStatus = 'opening' | 'ready' | 'missing' | 'failed';

export interface ClipDocument {
  status: Ref<ClipDocumentStatus>;
  /** Why the clip cannot be shown (status missing or failed), in words for a person. */
  problem: Ref<string>;
  /** The clip as the document has it now; replaced on every change, wherever it was made. */
  clip: ShallowRef<ClipView | null>;
  handle: ShallowRef<ShardHandle | null>;
  /** The clip's detail document (edits, a text clip's text), once open. */
  detail: ShallowRef<DocHandle<ClipDetailDoc> | null>;
}

/**
 * Opens one clip's document for the lifetime of the calling component and keeps `clip` live.
 * The document is released only once the component and its children are unmounted, so fields
 * can still write their last keystrokes while they unmount.
 */
export function useClipDocument(clipId: string): ClipDocument {
  const documents = useClipDocuments();
  const status = ref<ClipDocumentStatus>('opening');
  const problem = ref('');
  const clip = shallowRef<ClipView | null>(null);
  const handle = shallowRef<ShardHandle | null>(null);
  const detail = shallowRef<DocHandle<ClipDetailDoc> | null>(null);
  let opened: OpenedClipDocument | null = null;
  let unmounted = false;
  let arrivalTimer: ReturnType<typeof setTimeout> | undefined;

  const show = (doc: ShardDoc | undefined): void => {
    const read = readClipEntry(doc, clipId);
    if (read.found) {
      clearTimeout(arrivalTimer);
      clip.value = read.clip;
      status.value = 'ready';
    } else if (status.value !== 'opening' || arrivalTimer === undefined) {
      clip.value = null;
      problem.value = read.reason;
      status.value = 'missing';
    }
  };
  // The core said the clip exists, but this window may hold its shard from before the clip
  // was added (the sync is on its way): wait for it a while before calling it missing.
  const awaitArrival = (doc: ShardDoc | undefined): void => {
    arrivalTimer = setTimeout(() => {
      arrivalTimer = undefined;
      if (status.value === 'opening') show(opened?.handle.doc());
    }, ARRIVAL_TIMEOUT_MS);
    show(doc);
  };
  const onChange = (payload: DocHandleChangePayload<ShardDoc>): void => show(payload.doc);
  const onDelete = (): void => show(undefined);

  void (async () => {
    try {
      const document = await documents.open(clipId);
      if (unmounted) {
        document.close();
        return;
      }
      opened = document;
      if (!document.handle.isReady()) await document.handle.whenReady();
      if (!document.detail.isReady()) await document.detail.whenReady();
      if (unmounted) return;
      document.handle.on('change', onChange);
      document.handle.on('delete', onDelete);
      handle.value = document.handle;
      detail.value = document.detail;
      awaitArrival(document.handle.doc());
    } catch (error) {
      if (unmounted) return;
      problem.value = describeOpenFailure(error);
      status.value = error instanceof ApiError && error.code === 'not-found' ? 'missing' : 'failed';
    }
  })();

  onBeforeUnmount(() => {
    unmounted = true;
    clearTimeout(arrivalTimer);
  });
  onUnmounted(() => {
    const document = opened;
    if (!document) return;
    document.handle.off('change', onChange);
    document.handle.off('delete', onDelete);
    // The fields have just written their last keystrokes; those travel to the core on the sync
    // channel, the close on the API channel. Closing a moment later keeps the shard open for them.
    setTimeout(() => document.close(), CLOSE_DELAY_MS);
  });

  return { status, problem, clip, handle, detail };
}

function describeOpenFailure(error: unknown): string {
  if (error instanceof ApiError && error.code === 'not-found') return 'This clip no longer exists. It may have been deleted for good.';
  const reason = error instanceof Error ? error.message : String(error);
  return `This clip could not be opened: ${reason}`;
}
