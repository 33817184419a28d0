import type { UrlHeads } from '@automerge/automerge-repo/slim';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, test } from 'vitest';
import { COALESCE_MS, MAX_UNDO_STEPS, useClipUndoStore, type UndoDirection, type UndoEntry } from '../../../renderer/src/clip/clip-undo-store.js';

const CLIP = 'a'.repeat(26);
const OTHER = 'b'.repeat(26);
const heads = (name: string) => [name] as unknown as UrlHeads;

function applied(log: string[]) {
  return (entry: UndoEntry, direction: UndoDirection): UrlHeads => {
    const value = entry.field === 'image' ? entry.step.name : direction === 'undo' ? entry.before : entry.after;
    log.push(`${direction} ${entry.field} ${JSON.stringify(value)}`);
    return heads(`${direction}-${log.length}`);
  };
}

describe('the clip undo store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  test('typing within the coalescing pause is one step that keeps the first before value', () => {
    const store = useClipUndoStore();
    store.record(CLIP, { field: 'title', before: '', after: 'H' }, heads('1'), { coalesce: true, now: 1000 });
    store.record(CLIP, { field: 'title', before: 'H', after: 'Hello' }, heads('2'), { coalesce: true, now: 1000 + COALESCE_MS - 1 });
    const log: string[] = [];
    expect(store.step(CLIP, 'undo', applied(log))).toBe(true);
    expect(log).toEqual(['undo title ""']);
    expect(store.canUndo(CLIP)).toBe(false);
  });

  test('a pause, a blur (seal) or another field starts a new step', () => {
    const store = useClipUndoStore();
    store.record(CLIP, { field: 'title', before: '', after: 'a' }, heads('1'), { coalesce: true, now: 0 });
    store.record(CLIP, { field: 'title', before: 'a', after: 'ab' }, heads('2'), { coalesce: true, now: COALESCE_MS });
    store.seal(CLIP);
    store.record(CLIP, { field: 'title', before: 'ab', after: 'abc' }, heads('3'), { coalesce: true, now: COALESCE_MS + 10 });
    store.record(CLIP, { field: 'notes', before: '', after: 'n' }, heads('4'), { coalesce: true, now: COALESCE_MS + 20 });
    store.record(CLIP, { field: 'title', before: 'abc', after: 'abcd' }, heads('5'), { coalesce: true, now: COALESCE_MS + 30 });
    const log: string[] = [];
    while (store.step(CLIP, 'undo', applied(log)));
    expect(log).toEqual(['undo title "abc"', 'undo notes ""', 'undo title "ab"', 'undo title "a"', 'undo title ""']);
  });

  test('startNew keeps typing out of the open step (something else changed the field), and opens a step of its own', () => {
    const store = useClipUndoStore();
    store.record(CLIP, { field: 'notes', before: '', after: 'a' }, heads('1'), { coalesce: true, now: 0 });
    store.record(CLIP, { field: 'notes', before: 'a + theirs', after: 'ab + theirs' }, heads('2'), { coalesce: true, startNew: true, now: 10 });
    store.record(CLIP, { field: 'notes', before: 'ab + theirs', after: 'abc + theirs' }, heads('3'), { coalesce: true, now: 20 });
    const log: string[] = [];
    while (store.step(CLIP, 'undo', applied(log)));
    expect(log).toEqual(['undo notes "a + theirs"', 'undo notes ""']);
  });

  test('undo moves a step to redo with the heads its change produced, and a new edit clears redo', () => {
    const store = useClipUndoStore();
    store.record(CLIP, { field: 'tags', before: [], after: ['x'] }, heads('1'), { coalesce: false });
    store.step(CLIP, 'undo', () => heads('after-undo'));
    expect(store.nextRedo(CLIP)?.heads).toEqual(heads('after-undo'));
    const log: string[] = [];
    store.step(CLIP, 'redo', applied(log));
    expect(log).toEqual(['redo tags ["x"]']);
    expect(store.canRedo(CLIP)).toBe(false);
    store.step(CLIP, 'undo', applied(log));
    expect(store.canRedo(CLIP)).toBe(true);
    store.record(CLIP, { field: 'title', before: '', after: 't' }, heads('2'), { coalesce: true });
    expect(store.canRedo(CLIP)).toBe(false);
  });

  test('an undone step never coalesces with new typing', () => {
    const store = useClipUndoStore();
    store.record(CLIP, { field: 'title', before: '', after: 'a' }, heads('1'), { coalesce: true, now: 0 });
    store.step(CLIP, 'undo', () => heads('u'));
    store.step(CLIP, 'redo', () => heads('r'));
    store.record(CLIP, { field: 'title', before: 'a', after: 'ab' }, heads('2'), { coalesce: true, now: 10 });
    const log: string[] = [];
    while (store.step(CLIP, 'undo', applied(log)));
    expect(log).toEqual(['undo title "a"', 'undo title ""']);
  });

  test('a step whose write fails stays where it was', () => {
    const store = useClipUndoStore();
    store.record(CLIP, { field: 'title', before: 'old', after: 'new' }, heads('1'), { coalesce: false });
    expect(() =>
      store.step(CLIP, 'undo', () => {
        throw new Error('document gone');
      }),
    ).toThrow('document gone');
    expect(store.canUndo(CLIP)).toBe(true);
    expect(store.canRedo(CLIP)).toBe(false);
  });

  test('each clip has its own history, and nothing to undo is a plain false', () => {
    const store = useClipUndoStore();
    store.record(CLIP, { field: 'title', before: '', after: 'a' }, heads('1'), { coalesce: false });
    expect(store.canUndo(OTHER)).toBe(false);
    expect(store.step(OTHER, 'undo', applied([]))).toBe(false);
    expect(store.canUndo(CLIP)).toBe(true);
  });

  test('the oldest steps fall off past the limit', () => {
    const store = useClipUndoStore();
    for (let i = 0; i < MAX_UNDO_STEPS + 5; i++) store.record(CLIP, { field: 'trash', before: i, after: i + 1 }, heads(`${i}`), { coalesce: false });
    const log: string[] = [];
    while (store.step(CLIP, 'undo', applied(log)));
    expect(log).toHaveLength(MAX_UNDO_STEPS);
    expect(log.at(-1)).toBe('undo trash 5');
  });
});
