import type { Annotation, AnnotationKind } from '../../../../contract/edits/annotations.js';
import { numberSteps } from '../../../../contract/edits/edit-scene.js';

const NAMES: Record<AnnotationKind, string> = {
  arrow: 'Arrow',
  line: 'Line',
  rect: 'Rectangle',
  ellipse: 'Ellipse',
  pen: 'Pen stroke',
  highlighter: 'Highlight',
  text: 'Text',
  step: 'Step marker',
  spotlight: 'Spotlight',
  blur: 'Blurred area',
  pixelate: 'Pixelated area',
  box: 'Solid box',
};

export function kindName(kind: AnnotationKind): string {
  return NAMES[kind];
}

/** Each annotation in words, for screen readers and the status line: "Text “Click here” (2 of 7)", "Step marker 2 (3 of 7)". */
export function describeAnnotations(all: readonly Annotation[]): string[] {
  const steps = numberSteps(all);
  return all.map((annotation, index) => {
    const position = `${index + 1} of ${all.length}`;
    if (annotation.kind === 'text') return `Text “${annotation.text.slice(0, 40)}” (${position})`;
    if (annotation.kind === 'step') return `Step marker ${steps.get(annotation.id) ?? ''} (${position})`;
    return `${NAMES[annotation.kind]} (${position})`;
  });
}
