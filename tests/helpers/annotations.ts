// Annotations for tests, complete and valid, with only what a test cares about given.
import type { Annotation, AnnotationKind } from '../../contract/edits/annotations.js';

/** The annotation type whose kinds include K (arrow and line share one), with its kind narrowed to K. */
type Of<K extends AnnotationKind> = Annotation extends infer A ? (A extends { kind: infer Kinds } ? (K extends Kinds ? Omit<A, 'kind'> & { kind: K } : never) : never) : never;
type Fields<K extends AnnotationKind> = Omit<Of<K>, 'kind' | 'id' | 'z' | 'createdAt' | 'color'> & Partial<Pick<Of<K>, 'id' | 'z' | 'createdAt' | 'color'>>;

let counter = 0;

export function annotation<K extends AnnotationKind>(kind: K, fields: Fields<K>): Of<K> {
  counter++;
  return { id: `t${counter.toString(36)}`, z: counter, createdAt: 1_700_000_000_000 + counter, color: '#ff0000', ...fields, kind } as Of<K>;
}
