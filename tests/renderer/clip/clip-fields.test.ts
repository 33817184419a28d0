// The title, notes and tag fields against real automerge-repo documents: a second Repo over a
// real MessageChannel plays another window editing the same clip at the same time.
import * as Automerge from '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick, type Component, type DefineComponent } from 'vue';
import type { ShardDoc } from '../../../contract/shard-document.js';
import ClipNotesField from '../../../renderer/src/clip/ClipNotesField.vue';
import ClipTagEditor from '../../../renderer/src/clip/ClipTagEditor.vue';
import ClipTitleField from '../../../renderer/src/clip/ClipTitleField.vue';
import { applyUndoEntry } from '../../../renderer/src/clip/apply-undo-entry.js';
import { useClipUndoStore } from '../../../renderer/src/clip/clip-undo-store.js';
import { CLIP_ID, eventually, clipEntry, openShardRepos, type ShardRepos } from './shard-repos.js';

const NOTES = ['clips', CLIP_ID, 'notes'];

let repos: ShardRepos;
let pinia: Pinia;
let wrappers: VueWrapper[] = [];

beforeEach(async () => {
  repos = await openShardRepos(clipEntry({ notes: 'hello world' }));
  pinia = createPinia();
});

afterEach(async () => {
  for (const wrapper of wrappers) wrapper.unmount();
  wrappers = [];
  await repos.close();
});

function entryOf(handle: DocHandle<ShardDoc>) {
  const entry = handle.doc().clips[CLIP_ID];
  if (!entry) throw new Error('the clip entry is gone');
  return entry;
}

function lastMessage(handle: DocHandle<ShardDoc>): string | null {
  return Automerge.getHistory(handle.doc()).at(-1)?.change.message ?? null;
}

function mountField(component: Component, props: Record<string, unknown> = {}): VueWrapper {
  const wrapper = mount(component as DefineComponent<Record<string, unknown>>, {
    props: { clipId: CLIP_ID, handle: repos.handle, ...props },
    global: { plugins: [pinia] },
    attachTo: document.body,
  });
  wrappers.push(wrapper);
  return wrapper;
}

/** Types into a field the way a browser reports it: new value, caret, then an input event. */
function typeInto(element: HTMLInputElement | HTMLTextAreaElement, value: string, caret = value.length): void {
  element.value = value;
  element.setSelectionRange(caret, caret);
  element.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('the title field', () => {
  test('typing is written as an edit change after a short pause, and reaches the other window', async () => {
    const wrapper = mountField(ClipTitleField);
    const input = wrapper.get<HTMLInputElement>('[data-testid="clip-title-input"]').element;
    const updatedBefore = entryOf(repos.handle).updatedAt;
    input.focus();
    typeInto(input, 'A better title');
    expect(String(entryOf(repos.handle).title)).toBe('First title');
    await eventually(() => String(entryOf(repos.other).title)).toBe('A better title');
    expect(lastMessage(repos.handle)).toBe(`edit ${CLIP_ID}`);
    expect(entryOf(repos.handle).updatedAt).toBeGreaterThan(updatedBefore);
  });

  test('Enter writes at once; the saved title is trimmed to one line', async () => {
    const wrapper = mountField(ClipTitleField);
    const input = wrapper.get<HTMLInputElement>('[data-testid="clip-title-input"]');
    typeInto(input.element, '  spaced out  ');
    await input.trigger('keydown', { key: 'Enter' });
    expect(String(entryOf(repos.handle).title)).toBe('spaced out');
  });

  test('a title over 500 characters shows why, stays in the field, and is not written', async () => {
    const wrapper = mountField(ClipTitleField);
    const input = wrapper.get<HTMLInputElement>('[data-testid="clip-title-input"]');
    const tooLong = 'x'.repeat(501);
    typeInto(input.element, tooLong);
    await input.trigger('blur');
    expect(wrapper.get('[role="alert"]').text()).toBe('a title can have at most 500 characters');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.element.value).toBe(tooLong);
    expect(String(entryOf(repos.handle).title)).toBe('First title');
    expect(Automerge.getHistory(repos.handle.doc())).toHaveLength(1);
  });

  test("another window's title shows up, keeping the caret, unless the person has unsaved typing", async () => {
    const wrapper = mountField(ClipTitleField);
    const input = wrapper.get<HTMLInputElement>('[data-testid="clip-title-input"]').element;
    input.focus();
    input.setSelectionRange(5, 5);
    repos.other.change((doc) => {
      doc.clips[CLIP_ID]!.title = new Automerge.ImmutableString('First title, renamed');
    });
    await eventually(() => String(entryOf(repos.handle).title)).toBe('First title, renamed');
    expect(input.value).toBe('First title, renamed');
    expect(input.selectionStart).toBe(5);

    typeInto(input, 'Mine');
    // A change arriving while the typing waits to be written (made on this handle so it lands
    // inside the write delay for sure): the field keeps the typing, which is then written.
    repos.handle.change((doc) => {
      doc.clips[CLIP_ID]!.title = new Automerge.ImmutableString('Theirs');
    });
    expect(input.value).toBe('Mine');
    await eventually(() => String(entryOf(repos.other).title)).toBe('Mine');
  });
});

describe('the notes field', () => {
  test('notes typed while another window types elsewhere in them merge, and the caret stays put', async () => {
    const wrapper = mountField(ClipNotesField);
    const area = wrapper.get<HTMLTextAreaElement>('[data-testid="clip-notes-input"]').element;
    area.focus();
    // An IME composition holds the typing back until it ends: the remote edit arrives meanwhile.
    area.dispatchEvent(new CompositionEvent('compositionstart'));
    typeInto(area, 'hello brave world', 'hello brave'.length);
    repos.other.change((doc) => Automerge.splice(doc, NOTES, 0, 0, 'REMOTE '));
    await eventually(() => String(entryOf(repos.handle).notes)).toBe('REMOTE hello world');
    expect(area.value).toBe('hello brave world');

    area.dispatchEvent(new CompositionEvent('compositionend'));
    await eventually(() => area.value).toBe('REMOTE hello brave world');
    expect(area.selectionStart).toBe('REMOTE hello brave'.length);
    expect(String(entryOf(repos.handle).notes)).toBe('REMOTE hello brave world');
    await eventually(() => String(entryOf(repos.other).notes)).toBe('REMOTE hello brave world');
    expect(lastMessage(repos.handle)).toBe(`edit ${CLIP_ID}`);
  });

  test('typing on both sides within the write delay loses no one’s characters', async () => {
    const wrapper = mountField(ClipNotesField);
    const area = wrapper.get<HTMLTextAreaElement>('[data-testid="clip-notes-input"]').element;
    area.focus();
    typeInto(area, 'hello world, mine');
    repos.other.change((doc) => Automerge.splice(doc, NOTES, 0, 0, 'theirs: '));
    await eventually(() => String(entryOf(repos.other).notes)).toBe('theirs: hello world, mine');
    await eventually(() => area.value).toBe('theirs: hello world, mine');
    expect(area.selectionStart).toBe(area.value.length);
  });

  test("another window's edit appears while the person only has the field focused", async () => {
    const wrapper = mountField(ClipNotesField);
    const area = wrapper.get<HTMLTextAreaElement>('[data-testid="clip-notes-input"]').element;
    area.focus();
    area.setSelectionRange(6, 6);
    repos.other.change((doc) => Automerge.splice(doc, NOTES, 0, 0, '1. '));
    await eventually(() => String(entryOf(repos.handle).notes)).toBe('1. hello world');
    expect(area.value).toBe('1. hello world');
    expect(area.selectionStart).toBe(9);
  });

  test("undo takes back this window's typing in steps that never span another window's edit", async () => {
    const wrapper = mountField(ClipNotesField);
    const area = wrapper.get<HTMLTextAreaElement>('[data-testid="clip-notes-input"]').element;
    area.focus();
    typeInto(area, 'hello world!');
    await eventually(() => String(entryOf(repos.other).notes)).toBe('hello world!');
    repos.other.change((doc) => Automerge.splice(doc, NOTES, 0, 0, '> '));
    await eventually(() => area.value).toBe('> hello world!');
    // Typing again within the coalescing pause: still a step of its own.
    typeInto(area, '> hello world!?');
    await eventually(() => String(entryOf(repos.other).notes)).toBe('> hello world!?');

    const undo = useClipUndoStore(pinia);
    undo.step(CLIP_ID, 'undo', (entry, direction) => applyUndoEntry({ shard: repos.handle, detail: repos.detail }, entry, direction));
    expect(String(entryOf(repos.handle).notes)).toBe('> hello world!');
    undo.step(CLIP_ID, 'undo', (entry, direction) => applyUndoEntry({ shard: repos.handle, detail: repos.detail }, entry, direction));
    expect(String(entryOf(repos.handle).notes)).toBe('> hello world');
    expect(area.value).toBe('> hello world');
    expect(lastMessage(repos.handle)).toBe(`undo ${CLIP_ID}`);
    undo.step(CLIP_ID, 'redo', (entry, direction) => applyUndoEntry({ shard: repos.handle, detail: repos.detail }, entry, direction));
    expect(String(entryOf(repos.handle).notes)).toBe('> hello world!');
    await eventually(() => String(entryOf(repos.other).notes)).toBe('> hello world!');
  });

  test('notes over the limit show why and are not written', async () => {
    const wrapper = mountField(ClipNotesField);
    const area = wrapper.get<HTMLTextAreaElement>('[data-testid="clip-notes-input"]');
    typeInto(area.element, 'n'.repeat(100_001));
    await area.trigger('blur');
    expect(wrapper.get('[role="alert"]').text()).toBe('notes can have at most 100000 characters');
    expect(String(entryOf(repos.handle).notes)).toBe('hello world');
    expect(area.element.value).toHaveLength(100_001);
  });
});

describe('the tag editor', () => {
  function tagsOf(handle: DocHandle<ShardDoc>): string[] {
    return Object.keys(entryOf(handle).tags).sort();
  }

  test('Enter and comma add tags, a paste adds several, Backspace and × remove them', async () => {
    const wrapper = mountField(ClipTagEditor, { tags: [] });
    const input = wrapper.get<HTMLInputElement>('[data-testid="clip-tag-input"]');
    typeInto(input.element, 'receipts');
    await input.trigger('keydown', { key: 'Enter' });
    expect(tagsOf(repos.handle)).toEqual(['receipts']);
    expect(lastMessage(repos.handle)).toBe(`tag ${CLIP_ID}`);
    expect(input.element.value).toBe('');

    typeInto(input.element, '  2024   taxes ');
    await input.trigger('keydown', { key: ',' });
    typeInto(input.element, 'a, b,c');
    await nextTick();
    expect(tagsOf(repos.handle)).toEqual(['2024 taxes', 'a', 'b', 'receipts']);
    expect(input.element.value).toBe('c');
    await input.trigger('blur');
    expect(tagsOf(repos.handle)).toEqual(['2024 taxes', 'a', 'b', 'c', 'receipts']);
    await eventually(() => tagsOf(repos.other)).toEqual(['2024 taxes', 'a', 'b', 'c', 'receipts']);

    await wrapper.setProps({ tags: ['2024 taxes', 'a', 'b', 'c', 'receipts'] });
    typeInto(input.element, '');
    await input.trigger('keydown', { key: 'Backspace' });
    expect(tagsOf(repos.handle)).toEqual(['2024 taxes', 'a', 'b', 'c']);
    await wrapper.setProps({ tags: ['2024 taxes', 'a', 'b', 'c'] });
    await wrapper.get('[data-tag="a"] button').trigger('click');
    expect(tagsOf(repos.handle)).toEqual(['2024 taxes', 'b', 'c']);
  });

  test('chips show the document’s tags, each with its name', () => {
    const wrapper = mountField(ClipTagEditor, { tags: ['one', 'two'] });
    const chips = wrapper.findAll('[data-testid="clip-tag"]');
    expect(chips.map((chip) => chip.attributes('data-tag'))).toEqual(['one', 'two']);
    expect(chips[1]!.get('button').attributes('aria-label')).toBe('Remove tag two');
  });

  test('a tag breaking a rule shows why and writes nothing; the typed text stays', async () => {
    const wrapper = mountField(ClipTagEditor, { tags: [] });
    const input = wrapper.get<HTMLInputElement>('[data-testid="clip-tag-input"]');
    typeInto(input.element, 't'.repeat(65));
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.get('[role="alert"]').text()).toBe('a tag can have at most 64 characters');
    expect(input.element.value).toBe('t'.repeat(65));
    expect(tagsOf(repos.handle)).toEqual([]);
    expect(Automerge.getHistory(repos.handle.doc())).toHaveLength(1);
  });

  test('each tag change is one undo step of this window', async () => {
    const wrapper = mountField(ClipTagEditor, { tags: [] });
    const input = wrapper.get<HTMLInputElement>('[data-testid="clip-tag-input"]');
    typeInto(input.element, 'x');
    await input.trigger('keydown', { key: 'Enter' });
    const undo = useClipUndoStore(pinia);
    expect(undo.nextUndo(CLIP_ID)).toMatchObject({ field: 'tags', before: [], after: ['x'] });
  });
});
