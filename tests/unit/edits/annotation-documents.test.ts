// Every kind of annotation, written into a detail document as a window writes it (strings as
// ImmutableString), reads back the same: one that did not would silently vanish from the picture.
import * as Automerge from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { readClipDetails, type ClipDetailDoc } from '../../../contract/clip-details.js';
import { ANNOTATION_KINDS, salvageRedaction, toAnnotationDoc, type Annotation } from '../../../contract/edits/annotations.js';
import { genesisDetail } from '../../../main/library/documents/detail-documents.js';
import { annotation } from '../../helpers/annotations.js';

const CLIP = '0123456789abcdefghjkmnpqrs';

function oneOfEach(): Annotation[] {
  return [
    annotation('arrow', { x1: 1, y1: 2, x2: 3, y2: 4, width: 2 }),
    annotation('line', { x1: 1, y1: 2, x2: 3, y2: 4, width: 2, color: '#00ff0080' }),
    annotation('rect', { x: 1, y: 2, w: 3, h: 4, width: 2, fill: '#0000ff' }),
    annotation('ellipse', { x: 1, y: 2, w: 3, h: 4, width: 2, fill: null }),
    annotation('pen', { x: 1, y: 2, w: 3, h: 4, width: 2, points: '0,0 0.5,1 1,0' }),
    annotation('highlighter', { x: 1, y: 2, w: 3, h: 0, width: 20, points: '0,0 1,0' }),
    annotation('text', { x: 1, y: 2, size: 20, text: 'hello\nworld', background: '#ffffff' }),
    annotation('step', { x: 1, y: 2, size: 30 }),
    annotation('spotlight', { x: 1, y: 2, w: 3, h: 4, shape: 'ellipse', dim: 0.5 }),
    annotation('blur', { x: 1, y: 2, w: 3, h: 4, strength: 8 }),
    annotation('pixelate', { x: 1, y: 2, w: 3, h: 4, strength: 10 }),
    annotation('box', { x: 1, y: 2, w: 3, h: 4 }),
  ];
}

describe('annotations in a detail document', () => {
  it('every kind reads back exactly as written', () => {
    const written = oneOfEach();
    expect(new Set(written.map((item) => item.kind))).toEqual(new Set(ANNOTATION_KINDS));
    let doc = Automerge.load<ClipDetailDoc>(genesisDetail(CLIP, { text: '' }));
    doc = Automerge.change(doc, (d) => {
      for (const item of written) d.image.annotations[item.id] = toAnnotationDoc(item);
    });
    // Through bytes, as another device receives it.
    const read = readClipDetails(Automerge.load<ClipDetailDoc>(Automerge.save(doc)), CLIP);
    expect(read.ok && read.details.problems).toEqual([]);
    expect(read.ok && read.details.image.annotations).toEqual(written);
  });

  it('salvages only redactions whose region is readable, as black boxes', () => {
    expect(salvageRedaction('abc', { kind: 'blur', x: 1, y: 2, w: 3, h: 4, strength: 'strong', z: 7 })).toEqual({ id: 'abc', kind: 'box', z: 7, createdAt: 0, color: '#000000', x: 1, y: 2, w: 3, h: 4 });
    expect(salvageRedaction('abc', { kind: 'blur', x: 1, y: 2, w: -3, h: 4 })).toBeNull();
    expect(salvageRedaction('abc', { kind: 'arrow', x: 1, y: 2, w: 3, h: 4 })).toBeNull();
    expect(salvageRedaction('NOT AN ID', { kind: 'box', x: 1, y: 2, w: 3, h: 4 })).toBeNull();
  });
});
