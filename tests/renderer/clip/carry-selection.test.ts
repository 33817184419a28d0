import * as Automerge from '@automerge/automerge';
import { describe, expect, test } from 'vitest';
import { carrySelection, type TextSelection } from '../../../renderer/src/clip/carry-selection.js';

const PATH = ['clips', 'c', 'notes'];

/** The selection after another peer's edit, computed from the real patches between the two states. */
function afterRemoteEdit(text: string, selection: TextSelection, edit: (doc: { clips: { c: { notes: string } } }) => void): { text: string; selection: TextSelection } {
  const doc = Automerge.from({ clips: { c: { notes: text } } });
  const before = Automerge.getHeads(doc);
  const remote = Automerge.change(Automerge.clone(doc), edit);
  const merged = Automerge.merge(doc, remote);
  const patches = Automerge.diff(merged, before, Automerge.getHeads(merged));
  return { text: merged.clips.c.notes, selection: carrySelection(patches, PATH, selection, merged.clips.c.notes.length) };
}

describe('carrying the caret through changes made elsewhere', () => {
  test('text inserted before the caret moves it along; text after it leaves it', () => {
    const before = afterRemoteEdit('hello world', { start: 8, end: 8 }, (doc) => Automerge.splice(doc, PATH, 0, 0, '>> '));
    expect(before).toEqual({ text: '>> hello world', selection: { start: 11, end: 11 } });
    const after = afterRemoteEdit('hello world', { start: 3, end: 3 }, (doc) => Automerge.splice(doc, PATH, 11, 0, '!'));
    expect(after.selection).toEqual({ start: 3, end: 3 });
  });

  test('text inserted exactly at the caret lands after it', () => {
    const result = afterRemoteEdit('abc', { start: 3, end: 3 }, (doc) => Automerge.splice(doc, PATH, 3, 0, 'XYZ'));
    expect(result).toEqual({ text: 'abcXYZ', selection: { start: 3, end: 3 } });
  });

  test('a deletion around the caret collapses it to where the deletion was', () => {
    const result = afterRemoteEdit('abcdefgh', { start: 4, end: 6 }, (doc) => Automerge.splice(doc, PATH, 2, 3));
    expect(result).toEqual({ text: 'abfgh', selection: { start: 2, end: 3 } });
  });

  test('a selection spanning an insertion grows with it', () => {
    const result = afterRemoteEdit('abcdef', { start: 1, end: 5 }, (doc) => Automerge.splice(doc, PATH, 3, 0, '123'));
    expect(result.selection).toEqual({ start: 1, end: 8 });
  });

  test('edits to other fields and other clips leave the caret alone', () => {
    const doc = Automerge.from({ clips: { c: { notes: 'abc', title: 't' }, d: { notes: 'xyz' } } });
    const before = Automerge.getHeads(doc);
    const changed = Automerge.change(doc, (d) => {
      d.clips.c.title = 'title';
      Automerge.splice(d, ['clips', 'd', 'notes'], 0, 0, 'long text');
    });
    const patches = Automerge.diff(changed, before, Automerge.getHeads(changed));
    expect(carrySelection(patches, PATH, { start: 2, end: 2 }, 3)).toEqual({ start: 2, end: 2 });
  });

  test('notes replaced wholesale (an older peer writing a plain value) put the caret at the start', () => {
    const doc = Automerge.from({ clips: { c: { notes: 'abcdef' } } });
    const before = Automerge.getHeads(doc);
    const changed = Automerge.change(doc, (d) => {
      d.clips.c.notes = 'xy';
    });
    const patches = Automerge.diff(changed, before, Automerge.getHeads(changed));
    expect(carrySelection(patches, PATH, { start: 5, end: 5 }, 2)).toEqual({ start: 0, end: 0 });
  });
});
