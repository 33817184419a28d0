import { describe, expect, it } from 'vitest';
import { toFtsMatch } from '../../../main/index/fts-match.js';
import { InvalidQueryError } from '../../../main/index/clip-index.js';
import { DAY_MS, T0, clipId, ids, makeClip, makeImage, openTestIndex } from './index-fixtures.js';

describe('toFtsMatch', () => {
  it('quotes every word and ANDs them', () => {
    expect(toFtsMatch('hello  world')).toBe('"hello" "world"');
  });

  it('escapes quotes inside a word', () => {
    expect(toFtsMatch('say "hi"')).toBe('"say" """hi"""');
  });

  it('turns trailing stars into a prefix search and drops words without letters or digits', () => {
    expect(toFtsMatch('wor* - ** e-ma*')).toBe('"wor"* "e-ma"*');
  });

  it('rejects a search with nothing to look for, or too many words', () => {
    expect(() => toFtsMatch(' ... ')).toThrow(InvalidQueryError);
    expect(() => toFtsMatch(Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '))).toThrow(InvalidQueryError);
  });
});

describe('ClipIndex full-text search', () => {
  it('finds words in the title, the notes and the body, newest first', async () => {
    const { index } = await openTestIndex();
    index.upsert([
      makeClip(1, { title: 'Harbour photo' }),
      makeClip(2, { notes: 'remember the harbour' }),
      makeClip(3, { text: 'We met at the harbour at noon.' }),
      makeClip(4, { text: 'nothing to see' }),
    ]);
    expect(ids(index.query({ text: 'harbour' }).items)).toEqual([3, 2, 1].map(clipId));
  });

  it('requires every word, in any order and any column', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { title: 'red', text: 'blue' }), makeClip(2, { text: 'red green' }), makeClip(3, { text: 'blue only' })]);
    expect(ids(index.query({ text: 'blue red' }).items)).toEqual([clipId(1)]);
    expect(ids(index.query({ text: 'RED' }).items)).toEqual([clipId(2), clipId(1)]);
  });

  it('ignores case and diacritics', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'Un café à Zürich' }), makeClip(2, { text: 'cafe zurich' })]);
    expect(ids(index.query({ text: 'CAFÉ zurich' }).items)).toEqual([clipId(2), clipId(1)]);
    expect(ids(index.query({ text: 'cafe ZÜRICH' }).items)).toEqual([clipId(2), clipId(1)]);
  });

  it('matches prefixes for words ending in *', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'screenshot' }), makeClip(2, { text: 'screen' }), makeClip(3, { text: 'scream' })]);
    expect(ids(index.query({ text: 'screen*' }).items)).toEqual([clipId(2), clipId(1)]);
    expect(ids(index.query({ text: 'screen' }).items)).toEqual([clipId(2)]);
  });

  it('treats query syntax as plain words', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'cats AND dogs' }), makeClip(2, { text: 'cats' }), makeClip(3, { title: 'title: near' })]);
    expect(ids(index.query({ text: 'cats OR' }).items)).toEqual([]);
    expect(ids(index.query({ text: 'cats AND' }).items)).toEqual([clipId(1)]);
    expect(ids(index.query({ text: 'NOT cats' }).items)).toEqual([]);
    expect(ids(index.query({ text: 'title:near' }).items)).toEqual([clipId(3)]);
    expect(ids(index.query({ text: 'NEAR(cats' }).items)).toEqual([]);
    expect(ids(index.query({ text: '"cats' }).items)).toEqual([clipId(2), clipId(1)]);
    expect(ids(index.query({ text: 'body:cats' }).items)).toEqual([]);
  });

  it('never matches the hidden filter tokens', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeImage(1, { tags: ['x'], deletedAt: 5 }), makeClip(2, { text: 'plain', collections: ['y'] })]);
    for (const word of ['kimage', 'ktext', 'trashed', 'hastext', 'facets']) {
      expect(index.query({ text: word }).items, word).toEqual([]);
      expect(index.query({ text: word, trash: true }).items, word).toEqual([]);
    }
  });

  it('combines search with every filter', async () => {
    const { index } = await openTestIndex();
    index.upsert([
      makeClip(1, { text: 'alpha', tags: ['work'], collections: ['inbox'] }),
      makeImage(2, { title: 'alpha image', tags: ['work'] }),
      makeClip(3, { text: 'alpha', deletedAt: T0 + 50 * DAY_MS, tags: ['work'] }),
      makeClip(4, { text: 'alpha', tags: ['home'] }),
      makeClip(5, { kind: 'video', title: 'alpha video', collections: ['inbox'] }),
    ]);
    expect(ids(index.query({ text: 'alpha' }).items)).toEqual([5, 4, 2, 1].map(clipId));
    expect(ids(index.query({ text: 'alpha', kind: 'image' }).items)).toEqual([clipId(2)]);
    expect(ids(index.query({ text: 'alpha', tag: 'work' }).items)).toEqual([clipId(2), clipId(1)]);
    expect(ids(index.query({ text: 'alpha', collection: 'inbox' }).items)).toEqual([clipId(5), clipId(1)]);
    expect(ids(index.query({ text: 'alpha', trash: true }).items)).toEqual([clipId(3)]);
    expect(ids(index.query({ text: 'alpha', hasText: true }).items)).toEqual([clipId(4), clipId(1)]);
    expect(ids(index.query({ text: 'alpha', hasText: false }).items)).toEqual([clipId(5), clipId(2)]);
    expect(ids(index.query({ text: 'alpha', from: T0 + 2 * DAY_MS, to: T0 + 5 * DAY_MS }).items)).toEqual([clipId(4), clipId(2)]);
    expect(ids(index.query({ text: 'alpha', sort: 'oldest', tag: 'work', collection: 'inbox' }).items)).toEqual([clipId(1)]);
  });

  it('follows edits: new words, tags and trash state are searchable at once', async () => {
    const { index } = await openTestIndex();
    const clip = makeClip(1, { text: 'before' });
    index.upsert([clip]);
    index.upsert([{ ...clip, text: 'after', tags: ['fresh'] }]);
    expect(index.query({ text: 'before' }).items).toEqual([]);
    expect(ids(index.query({ text: 'after', tag: 'fresh' }).items)).toEqual([clip.id]);
    index.upsert([{ ...clip, text: 'after', tags: [], deletedAt: 1 }]);
    expect(index.query({ text: 'after' }).items).toEqual([]);
    expect(index.query({ text: 'after', trash: true, tag: 'fresh' }).items).toEqual([]);
    expect(ids(index.query({ text: 'after', trash: true }).items)).toEqual([clip.id]);
    expect(index.checkIntegrity()).toEqual([]);
  });
});
