// Pure rules of the library view: highlighting, shortcuts, empty-state wording, card titles.
import { describe, expect, test } from 'vitest';
import type { ClipView } from '../../../contract/clips.js';
import { displayTitle } from '../../../renderer/src/lib/clip-format.js';
import { emptyMessage } from '../../../renderer/src/lib/empty-message.js';
import { highlightParts } from '../../../renderer/src/lib/highlight.js';
import { instantSearchText, searchTokens } from '../../../renderer/src/lib/search-words.js';
import { describeShortcut, matchesShortcut, parseShortcut } from '../../../renderer/src/lib/shortcuts.js';

const marked = (text: string, search: string) =>
  highlightParts(text, searchTokens(search))
    .filter((part) => part.match)
    .map((part) => part.text);

describe('highlighting', () => {
  test('marks the start of every word that begins with a search word, ignoring case and accents', () => {
    expect(marked('Screenshot of the screen settings', 'scr SET')).toEqual(['Scr', 'scr', 'set']);
    expect(marked('Café crème', 'cafe creme')).toEqual(['Café', 'crème']);
    expect(marked('Cafe\u0301 menu', 'cafe')).toEqual(['Cafe\u0301']);
    // Only word starts: "een" is inside "screen".
    expect(marked('screen', 'een')).toEqual([]);
    // The longest search word wins where two match.
    expect(marked('screenshots', 'scr screenshot')).toEqual(['screenshot']);
  });

  test('gives back the whole text, in order, match or not', () => {
    const text = '<script>alert("x")</script> and more';
    const parts = highlightParts(text, searchTokens('script al'));
    expect(parts.map((part) => part.text).join('')).toBe(text);
    expect(parts.filter((part) => part.match).map((part) => part.text)).toEqual(['script', 'al', 'script']);
  });

  test('search syntax is just text: quotes, stars and operators find words', () => {
    expect(searchTokens('"tax*" OR (x)')).toEqual(['tax', 'or', 'x']);
    expect(searchTokens('!!! ...')).toEqual([]);
  });
});

describe('shortcuts', () => {
  const key = (init: Partial<KeyboardEventInit> & { key: string }) => ({ ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...init });

  test('Mod is Ctrl off macOS and Cmd on it', () => {
    const find = parseShortcut('Mod+F');
    expect(matchesShortcut(key({ key: 'f', ctrlKey: true }), find, false)).toBe(true);
    expect(matchesShortcut(key({ key: 'f', metaKey: true }), find, false)).toBe(false);
    expect(matchesShortcut(key({ key: 'f', metaKey: true }), find, true)).toBe(true);
    expect(matchesShortcut(key({ key: 'f' }), find, false)).toBe(false);
    expect(describeShortcut('Mod+F', true)).toEqual(['⌘', 'F']);
    expect(describeShortcut('Mod+F', false)).toEqual(['Ctrl', 'F']);
  });

  test('"?" matches however the layout produces it; named keys need their exact modifiers', () => {
    expect(matchesShortcut(key({ key: '?', shiftKey: true }), parseShortcut('?'), false)).toBe(true);
    expect(matchesShortcut(key({ key: 'ArrowDown', shiftKey: true }), parseShortcut('ArrowDown'), false)).toBe(false);
    expect(matchesShortcut(key({ key: 'ArrowDown' }), parseShortcut('ArrowDown'), false)).toBe(true);
    expect(() => parseShortcut('Hyper+K')).toThrow(/unknown modifier "hyper"/);
  });

  test('Shift tells letters apart: Ctrl+Shift+Z is redo, not undo', () => {
    const redo = key({ key: 'Z', ctrlKey: true, shiftKey: true });
    expect(matchesShortcut(redo, parseShortcut('Mod+Z'), false)).toBe(false);
    expect(matchesShortcut(redo, parseShortcut('Mod+Shift+Z'), false)).toBe(true);
    expect(matchesShortcut(key({ key: 'z', ctrlKey: true }), parseShortcut('Mod+Z'), false)).toBe(true);
    expect(matchesShortcut(key({ key: 'z', ctrlKey: true }), parseShortcut('Mod+Shift+Z'), false)).toBe(false);
  });
});

describe('empty states', () => {
  const none = { trash: false, search: '', kind: null, tag: null, collection: null };

  test('say what to do', () => {
    expect(emptyMessage(none).title).toBe('No clips yet — drop files here or press Import');
    expect(emptyMessage({ ...none, search: 'zebra' }).title).toBe('No clips match “zebra”');
    expect(emptyMessage({ ...none, trash: true }).title).toBe('The trash is empty');
    expect(emptyMessage({ ...none, trash: true, search: 'x' }).title).toBe('No clips in the trash match “x”');
    expect(emptyMessage({ ...none, kind: 'video' })).toMatchObject({ title: 'No videos', action: 'Show all clips' });
    expect(emptyMessage({ ...none, kind: 'image', tag: 'work' }).title).toBe('No images tagged “work”');
    expect(emptyMessage({ ...none, collection: 'Trips' }).title).toBe('No clips in “Trips”');
    expect(emptyMessage({ ...none, tag: 'work', search: 'x' })).toMatchObject({ title: 'No clips match “x”', action: 'Search all clips' });
  });
});

describe('card titles', () => {
  const clip = (fields: Partial<ClipView>): ClipView => ({
    id: '0'.repeat(26),
    edited: null,
    kind: 'text',
    title: '',
    notes: '',
    tags: [],
    collections: [],
    capturedAt: 0,
    importedAt: 0,
    updatedAt: 0,
    deletedAt: null,
    contentHash: '',
    media: null,
    text: '',
    sourceName: '',
    ...fields,
  });

  test('fall back to the first line of text, then the file name, then the kind', () => {
    expect(displayTitle(clip({ title: 'Mine', text: 'first' }))).toBe('Mine');
    expect(displayTitle(clip({ text: '\n  first line \nsecond', sourceName: 'notes.txt' }))).toBe('first line');
    expect(displayTitle(clip({ kind: 'image', sourceName: 'shot.png' }))).toBe('shot.png');
    expect(displayTitle(clip({ kind: 'video' }))).toBe('Untitled video');
    expect(displayTitle(clip({ text: 'x'.repeat(200) }))).toHaveLength(80);
  });
});

describe('instant search', () => {
  test('matches the last word as a prefix, since it is usually still being typed', () => {
    expect(instantSearchText('tax')).toBe('tax*');
    expect(instantSearchText('  quarterly tax  ')).toBe('quarterly tax*');
    expect(instantSearchText('tax*')).toBe('tax*');
    expect(instantSearchText('tax !!')).toBe('tax !!');
    expect(instantSearchText('')).toBe('');
  });
});
