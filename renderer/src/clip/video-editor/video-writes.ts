// Every change this window makes to a video's edits: one Automerge change each on the clip's
// detail document, with the message history and undo read ("trim <id>", "marker <id>", …).
import { ImmutableString } from '@automerge/automerge/slim';
import type { UrlHeads } from '@automerge/automerge-repo/slim';
import { detailChangeMessage, type ClipDetailDoc, type DetailOperation } from '../../../../contract/clip-details.js';
import type { DetailHandle } from '../detail-writes.js';

export interface TrimValue {
  trimStartMs: number | null;
  trimEndMs: number | null;
}

export interface MarkerValue {
  atMs: number;
  label: string;
}

export function writeTrim(handle: DetailHandle, clipId: string, trim: TrimValue, operation: DetailOperation = 'trim'): UrlHeads {
  changeVideo(handle, clipId, operation, (video) => {
    video.trimStartMs = trim.trimStartMs;
    video.trimEndMs = trim.trimEndMs;
  });
  return handle.heads();
}

export function writePoster(handle: DetailHandle, clipId: string, posterMs: number | null, operation: DetailOperation = 'poster'): UrlHeads {
  changeVideo(handle, clipId, operation, (video) => {
    video.posterMs = posterMs;
  });
  return handle.heads();
}

/** Adds, changes (null removes) one marker; the others, and other windows' markers, are left alone. */
export function writeMarker(handle: DetailHandle, clipId: string, markerId: string, marker: MarkerValue | null, operation: DetailOperation = 'marker'): UrlHeads {
  changeVideo(handle, clipId, operation, (video) => {
    if (marker === null) delete video.markers[markerId];
    else video.markers[markerId] = { atMs: marker.atMs, label: new ImmutableString(marker.label) };
  });
  return handle.heads();
}

function changeVideo(handle: DetailHandle, clipId: string, operation: DetailOperation, edit: (video: ClipDetailDoc['video']) => void): void {
  handle.change(
    (doc) => {
      // A document from an older or damaged peer may lack the section: make it rather than fail.
      doc.video ??= { trimStartMs: null, trimEndMs: null, posterMs: null, markers: {} };
      doc.video.markers ??= {};
      edit(doc.video);
    },
    { message: detailChangeMessage(operation, clipId) },
  );
}
