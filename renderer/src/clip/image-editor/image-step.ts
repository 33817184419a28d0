// One undoable image edit: what it did to which annotations (a drag of three annotations is one
// step), and to the crop and rotation. Written forwards when made and for redo, backwards for undo.
import { ImmutableString } from '@automerge/automerge/slim';
import type { UrlHeads } from '@automerge/automerge-repo/slim';
import { detailChangeMessage, type CropRect, type DetailOperation, type Rotation } from '../../../../contract/clip-details.js';
import { toAnnotationDoc, type Annotation } from '../../../../contract/edits/annotations.js';
import type { DetailHandle } from '../detail-writes.js';

export type { DetailHandle };

export interface AnnotationChange {
  id: string;
  /** null: the step added it. */
  before: Annotation | null;
  /** null: the step removed it. */
  after: Annotation | null;
}

export interface ImageStep {
  /** For a person: "arrow", "move", "crop", "rotation", "colour". */
  name: string;
  operation: Extract<DetailOperation, 'annotate' | 'crop' | 'rotate' | 'revert'>;
  annotations: AnnotationChange[];
  crop?: { before: CropRect | null; after: CropRect | null };
  rotation?: { before: Rotation; after: Rotation };
}

export type StepDirection = 'forward' | 'backward';

/**
 * Writes a step as one change (message: `operation`) and returns the document's heads after it.
 * Only the fields the step changed are written, so an edit made meanwhile elsewhere (another
 * window recolouring the annotation this one moved) is kept, not overwritten.
 */
export function writeImageStep(handle: DetailHandle, clipId: string, step: ImageStep, direction: StepDirection, operation: DetailOperation = step.operation): UrlHeads {
  const forward = direction === 'forward';
  handle.change(
    (doc) => {
      const stored = doc.image.annotations as unknown as Record<string, Record<string, unknown>>;
      for (const change of step.annotations) {
        const target = forward ? change.after : change.before;
        const from = forward ? change.before : change.after;
        const current = stored[change.id];
        if (target === null) {
          if (current) delete stored[change.id];
        } else if (from === null) {
          // Added (or put back by undoing its removal).
          stored[change.id] = toAnnotationDoc(target) as unknown as Record<string, unknown>;
        } else if (current) {
          // Changed; one removed meanwhile elsewhere stays removed.
          for (const [key, value] of Object.entries(target)) {
            if (!sameValue(value, (from as unknown as Record<string, unknown>)[key])) current[key] = typeof value === 'string' ? new ImmutableString(value) : value;
          }
        }
      }
      if (step.crop) doc.image.crop = forward ? step.crop.after : step.crop.before;
      if (step.rotation) doc.image.rotation = forward ? step.rotation.after : step.rotation.before;
    },
    { message: detailChangeMessage(operation, clipId) },
  );
  return handle.heads();
}

/** Whether a step changes anything at all (a drag that went nowhere does not). */
export function isEmptyStep(step: ImageStep): boolean {
  return (
    step.annotations.every((change) => sameValue(change.before, change.after)) &&
    (!step.crop || sameValue(step.crop.before, step.crop.after)) &&
    (!step.rotation || step.rotation.before === step.rotation.after)
  );
}

/** Equality of plain values (annotations, crops): numbers, strings, null, and objects of those. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
