import type { DocHandleChangePayload } from '@automerge/automerge-repo/slim';
import { onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { readClipDetails, type ClipDetailDoc, type ClipDetails } from '../../../../contract/clip-details.js';
import { describeError } from '../../lib/describe-error.js';
import { useClipUndoStore } from '../clip-undo-store.js';
import type { DetailHandle } from '../detail-writes.js';
import { writeMarker, writePoster, writeTrim, type MarkerValue, type TrimValue } from './video-writes.js';

export type VideoEdits = ClipDetails['video'];

const NO_EDITS: VideoEdits = { trimStartMs: null, trimEndMs: null, posterMs: null, markers: [] };

export interface VideoEditing {
  /** The edits as the document has them now, wherever they were made. */
  edits: ShallowRef<VideoEdits>;
  /** What in the document could not be read (a peer's malformed marker), one line each. */
  problems: ShallowRef<string[]>;
  /** The last write that failed, in words; '' otherwise. */
  error: Ref<string>;
  /** `coalesce`: key presses moving one handle join one undo step while they keep coming. */
  setTrim(trim: TrimValue, options?: { coalesce?: boolean }): void;
  setPoster(posterMs: number | null): void;
  addMarker(atMs: number): string | null;
  changeMarker(markerId: string, marker: MarkerValue): void;
  removeMarker(markerId: string): void;
}

/**
 * A video's edits for the editor: read live from the clip's detail document, and written back
 * as one Automerge change per edit, each recorded in this window's undo history.
 */
export function useVideoEdits(clipId: string, detail: DetailHandle): VideoEditing {
  const undo = useClipUndoStore();
  const edits = shallowRef<VideoEdits>(NO_EDITS);
  const problems = shallowRef<string[]>([]);
  const error = ref('');

  const show = (doc: ClipDetailDoc | undefined): void => {
    const read = readClipDetails(doc, clipId);
    edits.value = read.ok ? read.details.video : NO_EDITS;
    problems.value = read.ok ? read.details.problems.filter((problem) => problem.startsWith('marker')) : [read.reason];
  };
  const onChange = (payload: DocHandleChangePayload<ClipDetailDoc>): void => show(payload.doc);
  detail.on('change', onChange);
  onScopeDispose(() => detail.off('change', onChange));
  show(detail.doc());

  const attempt = (doing: string, write: () => void): boolean => {
    try {
      write();
      error.value = '';
      return true;
    } catch (cause) {
      error.value = describeError(cause, doing);
      return false;
    }
  };

  return {
    edits,
    problems,
    error,
    setTrim(trim, options = {}) {
      const current = edits.value;
      const before: TrimValue = { trimStartMs: current.trimStartMs, trimEndMs: current.trimEndMs };
      if (before.trimStartMs === trim.trimStartMs && before.trimEndMs === trim.trimEndMs) return;
      attempt('change the trim', () => {
        const heads = writeTrim(detail, clipId, trim);
        undo.record(clipId, { field: 'trim', before, after: trim }, heads, { coalesce: options.coalesce === true });
      });
    },
    setPoster(posterMs) {
      const before = edits.value.posterMs;
      if (before === posterMs) return;
      attempt('set the poster frame', () => {
        const heads = writePoster(detail, clipId, posterMs);
        undo.record(clipId, { field: 'poster', before, after: posterMs }, heads, { coalesce: false });
      });
    },
    addMarker(atMs) {
      const markerId = crypto.randomUUID();
      const marker: MarkerValue = { atMs: Math.round(atMs), label: '' };
      const added = attempt('add a marker', () => {
        const heads = writeMarker(detail, clipId, markerId, marker);
        undo.record(clipId, { field: 'marker', markerId, before: null, after: marker }, heads, { coalesce: false });
      });
      return added ? markerId : null;
    },
    changeMarker(markerId, marker) {
      const current = edits.value.markers.find((candidate) => candidate.id === markerId);
      if (!current || (current.atMs === marker.atMs && current.label === marker.label)) return;
      const before: MarkerValue = { atMs: current.atMs, label: current.label };
      attempt('change the marker', () => {
        const heads = writeMarker(detail, clipId, markerId, marker);
        undo.record(clipId, { field: 'marker', markerId, before, after: marker }, heads, { coalesce: false });
      });
    },
    removeMarker(markerId) {
      const current = edits.value.markers.find((candidate) => candidate.id === markerId);
      if (!current) return;
      const before: MarkerValue = { atMs: current.atMs, label: current.label };
      attempt('remove the marker', () => {
        const heads = writeMarker(detail, clipId, markerId, null);
        undo.record(clipId, { field: 'marker', markerId, before, after: null }, heads, { coalesce: false });
      });
    },
  };
}
