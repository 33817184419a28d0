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

describe('ClipIndex query plans in title and import order', () => {
  async function indexWith(clips: number) {
    const { index } = await openTestIndex();
    index.upsert(Array.from({ length: clips }, (_, n) => (n % 2 === 0 ? makeClip(n, { text: 'word', tags: ['a'] }) : makeImage(n, { tags: ['a'], collections: ['c'], text: 'word' }))));
    return index;
  }

  // A list walks the order index of its filter, by (value, sort key), and stops after the page.
  const shapes: [ClipQuery, RegExp][] = [
    [{ orderBy: 'imported' }, /^SEARCH c USING INDEX idx_clips_by_imported \(trashed=\?\)$/],
    [{ orderBy: 'title', direction: 'asc', trash: true }, /^SEARCH c USING INDEX idx_clips_by_title \(trashed=\?\)$/],
    [{ orderBy: 'title', kind: 'image' }, /^SEARCH c USING INDEX idx_clips_by_kind_title \(trashed=\? AND kind=\?\)$/],
    [{ orderBy: 'imported', kind: 'video' }, /^SEARCH c USING INDEX idx_clips_by_kind_imported \(trashed=\? AND kind=\?\)$/],
    [{ orderBy: 'title', hasText: true, from: 5 }, /^SEARCH c USING INDEX idx_clips_by_title \(trashed=\?\)$/],
    [{ orderBy: 'title', tag: 'a' }, /^SEARCH t USING COVERING INDEX idx_tags_by_title \(tag=\? AND trashed=\?\)$/],
    [{ orderBy: 'imported', collection: 'c', direction: 'asc' }, /^SEARCH k USING COVERING INDEX idx_collections_by_imported \(collection=\? AND trashed=\?\)$/],
  ];
  it.each(shapes)('reads %j from one order index, without sorting', async (query, firstStep) => {
    const index = await indexWith(4);
    const plan = index.explainQuery(query);
    expect(plan[0]).toMatch(firstStep);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN c\b|SCAN idx_clips/);
    expect(plan.slice(1).every((step) => / USING INTEGER PRIMARY KEY /.test(step))).toBe(true);
  });

  it('skips an offset in a covering index, reading only the rows of the page', async () => {
    const index = await indexWith(4);
    for (const [query, skipped] of [
      [{ offset: 50 }, /^SEARCH c USING COVERING INDEX idx_clips_by_trash \(trashed=\? AND rowid>\? AND rowid<\?\)$/],
      [{ tag: 'a', offset: 50 }, /^SEARCH t USING PRIMARY KEY \(tag=\? AND trashed=\? AND sortkey>\? AND sortkey<\?\)$/],
      [{ text: 'word', offset: 50 }, /^SCAN idx_fts VIRTUAL TABLE/],
      [{ orderBy: 'imported', kind: 'video', offset: 50 }, /^SEARCH c USING COVERING INDEX idx_clips_by_kind_imported \(trashed=\? AND kind=\?\)$/],
      [{ orderBy: 'title', offset: 50 }, /^SEARCH c USING COVERING INDEX idx_clips_by_title \(trashed=\?\)$/],
      [{ orderBy: 'title', tag: 'a', offset: 50 }, /^SEARCH t USING COVERING INDEX idx_tags_by_title \(tag=\? AND trashed=\?\)$/],
    ] as [ClipQuery, RegExp][]) {
      const plan = index.explainQuery(query);
      expect(plan.slice(0, 2), JSON.stringify(query)).toEqual(['CO-ROUTINE p', expect.stringMatching(skipped)]);
      expect(plan.slice(-2)).toEqual(['SCAN p', 'SEARCH c USING INTEGER PRIMARY KEY (rowid=?)']);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('continues after a cursor with two seeks: the rest of its ties, then the values beyond', async () => {
    const index = await indexWith(4);
    for (const [query, seeks] of [
      [{ orderBy: 'title' }, [/idx_clips_by_title \(trashed=\? AND title_key=\? AND rowid>\?\)$/, /idx_clips_by_title \(trashed=\? AND title_key>\?\)$/]],
      [{ orderBy: 'imported', kind: 'text' }, [/idx_clips_by_kind_imported \(trashed=\? AND kind=\? AND imported_at=\? AND rowid<\?\)$/, /idx_clips_by_kind_imported \(trashed=\? AND kind=\? AND imported_at<\?\)$/]],
      [{ orderBy: 'title', tag: 'a', direction: 'desc' }, [/idx_tags_by_title \(tag=\? AND trashed=\? AND title_key=\? AND sortkey<\?\)$/, /idx_tags_by_title \(tag=\? AND trashed=\? AND title_key<\?\)$/]],
    ] as [ClipQuery, RegExp[]][]) {
      const cursor = index.query({ ...query, limit: 1 }).nextCursor!;
      const plan = index.explainQuery({ ...query, cursor });
      const searches = plan.filter((step) => !/INTEGER PRIMARY KEY/.test(step));
      expect(searches, JSON.stringify(query)).toHaveLength(2);
      searches.forEach((step, i) => expect(step).toMatch(seeks[i]!));
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN/);
    }
  });

  it('sorts the matches of a search that few clips match, and walks the order index for one that many match', async () => {
    const few = await indexWith(20);
    const sorted = few.explainQuery({ text: 'word', orderBy: 'title' }).join('\n');
    expect(sorted).toMatch(/SCAN idx_fts VIRTUAL TABLE[^\n]*\n[^\n]*USING INTEGER PRIMARY KEY[^\n]*\n[^\n]*USE TEMP B-TREE FOR ORDER BY/);
    expect(sorted).not.toMatch(/SCAN c\b|SCAN idx_clips/);

    const many = await indexWith(1100);
    for (const [query, walked] of [
      [{ text: 'word', orderBy: 'title' }, /^SEARCH c USING INDEX idx_clips_by_title \(trashed=\?\)$/],
      [{ text: 'word', orderBy: 'imported', tag: 'a' }, /^SEARCH t USING COVERING INDEX idx_tags_by_imported \(tag=\? AND trashed=\?\)$/],
      [{ kind: 'image', collection: 'c', orderBy: 'title' }, /^SEARCH k USING COVERING INDEX idx_collections_by_title \(collection=\? AND trashed=\?\)$/],
    ] as [ClipQuery, RegExp][]) {
      const plan = many.explainQuery(query);
      expect(plan[0], JSON.stringify(query)).toMatch(walked);
      expect(plan.join('\n')).toMatch(/LIST SUBQUERY \d+\nSCAN idx_fts VIRTUAL TABLE/);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN c\b|SCAN idx_clips/);
    }
  });
});

describe('ClipIndex tally plans', () => {
  // A count reads one index, and no clip row unless a filter needs one (hasText with a tag).
  const counts: [ClipQuery, RegExp[]][] = [
    [{}, [/^SEARCH c USING COVERING INDEX idx_clips_by_trash \(trashed=\? AND rowid>\? AND rowid<\?\)$/]],
    [{ kind: 'image', orderBy: 'title' }, [/^SEARCH c USING COVERING INDEX idx_clips_by_kind \(trashed=\? AND kind=\? AND rowid>\? AND rowid<\?\)$/]],
    [{ hasText: true }, [/^SEARCH c USING COVERING INDEX idx_clips_by_has_text /]],
    [{ tag: 'a', from: 5 }, [/^SEARCH t USING PRIMARY KEY \(tag=\? AND trashed=\? AND sortkey>\? AND sortkey<\?\)$/]],
    [{ tag: 'a', trash: true }, [/^SCAN idx_fts VIRTUAL TABLE/, /^SEARCH t EXISTS USING PRIMARY KEY /]],
    [{ text: 'word' }, [/^SCAN idx_fts VIRTUAL TABLE INDEX \d+:M\d+></]],
    [{ text: 'word', kind: 'image', hasText: false }, [/^SCAN idx_fts VIRTUAL TABLE INDEX \d+:M\d+></]],
    [{ text: 'word', tag: 'a' }, [/^SCAN idx_fts VIRTUAL TABLE/, /^SEARCH t EXISTS USING PRIMARY KEY \(tag=\? AND trashed=\? AND sortkey=\?\)$/]],
    [{ tag: 'a', hasText: false }, [/^SEARCH t USING PRIMARY KEY /, /^SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)$/]],
  ];
  it.each(counts)('counts %j from its index alone', async (query, steps) => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { text: 'word', tags: ['a'] }), makeImage(2)]);
    const plan = index.explainQuery(query, 'count');
    expect(plan).toHaveLength(steps.length);
    plan.forEach((step, i) => expect(step).toMatch(steps[i]!));
  });

  it('counts a timeline bucket by bucket, each a seek and a count along the covering index', async () => {
    const { index } = await openTestIndex();
    index.upsert([makeClip(1, { tags: ['a'] }), makeImage(2)]);
    for (const [query, search] of [
      [{}, /^SEARCH c USING COVERING INDEX idx_clips_by_trash \(trashed=\? AND rowid>\? AND rowid<\?\)$/],
      [{ kind: 'image' }, /^SEARCH c USING COVERING INDEX idx_clips_by_kind \(trashed=\? AND kind=\? AND rowid>\? AND rowid<\?\)$/],
      [{ tag: 'a' }, /^SEARCH t USING PRIMARY KEY \(tag=\? AND trashed=\? AND sortkey>\? AND sortkey<\?\)$/],
    ] as [ClipQuery, RegExp][]) {
      const plan = index.explainQuery(query, 'timeline');
      const perBucket = plan.slice(plan.findIndex((step) => /CORRELATED SCALAR SUBQUERY/.test(step)) + 1);
      expect(perBucket[0], JSON.stringify(query)).toMatch(search);
      expect(plan.join('\n')).not.toMatch(/GROUP BY|USING INTEGER PRIMARY KEY|SCAN c\b/);
    }
  });
});
