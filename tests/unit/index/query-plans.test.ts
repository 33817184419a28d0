import { describe, expect, it } from 'vitest';
import type { ClipQuery } from '../../../contract/clips.js';
import { makeClip, makeImage, openTestIndex } from './index-fixtures.js';

// Every page must be read by walking one index in sort-key order and stopping after the page:
// a plan that sorts (a temp B-tree) or scans the whole table would be slow at 100k clips.
const shapes: [ClipQuery, RegExp][] = [
  [{}, /^SEARCH c USING INDEX idx_clips_by_trash \(trashed=\? AND rowid>\? AND rowid<\?\)$/],
  [{ trash: true, sort: 'oldest' }, /^SEARCH c USING INDEX idx_clips_by_trash /],
  [{ kind: 'image' }, /^SEARCH c USING INDEX idx_clips_by_kind \(trashed=\? AND kind=\? AND rowid>\? AND rowid<\?\)$/],
  [{ hasText: true, from: 5, to: 10 }, /^SEARCH c USING INDEX idx_clips_by_has_text \(trashed=\? AND has_text=\? AND rowid>\? AND rowid<\?\)$/],
  [{ tag: 'a', hasText: false }, /^SEARCH t USING PRIMARY KEY \(tag=\? AND trashed=\? AND sortkey>\? AND sortkey<\?\)$/],
  [{ collection: 'c', sort: 'oldest' }, /^SEARCH k USING PRIMARY KEY \(collection=\? AND trashed=\? AND sortkey>\? AND sortkey<\?\)$/],
  [{ tag: 'a', collection: 'c', from: 1 }, /^SCAN idx_fts VIRTUAL TABLE INDEX \d+:M\d+></],
  [{ kind: 'image', hasText: true, sort: 'oldest' }, /^SCAN idx_fts VIRTUAL TABLE INDEX \d+:M\d+></],
  [{ kind: 'image', trash: true }, /^SCAN idx_fts VIRTUAL TABLE INDEX \d+:M\d+></],
  [{ text: 'word' }, /^SCAN idx_fts VIRTUAL TABLE INDEX \d+:M\d+></],
  [{ text: 'word', tag: 'a', collection: 'c', kind: 'image', trash: true, sort: 'oldest' }, /^SCAN idx_fts VIRTUAL TABLE INDEX \d+:M\d+></],
];

describe('ClipIndex query plans', () => {
  it.each(shapes)('reads %j from one index in sort-key order, without sorting', async (query, firstStep) => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'word', tags: ['a'] }), makeImage(2, { collections: ['c'] })]);
    const plan = index.explainQuery(query);
    expect(plan[0]).toMatch(firstStep);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN c\b|SCAN idx_clips/);
    expect(plan.slice(1).every((step) => / USING (INTEGER )?PRIMARY KEY /.test(step))).toBe(true);
  });
});
