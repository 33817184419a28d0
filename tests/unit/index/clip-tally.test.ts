import { describe, expect, it } from 'vitest';
import type { TimelineBucketSize } from '../../../contract/api.js';
import type { ClipQuery } from '../../../contract/clips.js';
import { InvalidQueryError, type IndexedClip } from '../../../main/index/clip-index.js';
import { OVERVIEW_LABEL_LIMIT } from '../../../main/index/overview.js';
import { MAX_SEEKED_BUCKETS } from '../../../main/index/timeline.js';
import { DAY_MS, T0, clipId, makeClip, makeImage, openTestIndex } from './index-fixtures.js';

const HOUR_MS = 3_600_000;

describe('ClipIndex.count', () => {
  async function library() {
    const { index } = await openTestIndex();
    index.upsert([
      makeClip(1, { text: 'first note', tags: ['work'], collections: ['inbox'] }),
      makeImage(2, { tags: ['work', 'travel'], title: 'note to self' }),
      makeClip(3, { kind: 'video', collections: ['inbox'] }),
      makeClip(4, { text: 'trashed note', tags: ['work'], deletedAt: T0 + 100 * DAY_MS }),
      makeImage(5, { tags: ['Work'], collections: ['inbox', 'archive'], notes: 'a note' }),
      makeClip(6, { text: '   ', tags: ['workshop'] }),
      makeClip(7, { text: 'note', tags: ['work'], collections: ['inbox'] }),
    ]);
    return index;
  }

  it('counts what a list or search matches, under every driver', async () => {
    const index = await library();
    const cases: [ClipQuery, number][] = [
      [{}, 6],
      [{ trash: true }, 1],
      [{ kind: 'image' }, 2],
      [{ kind: 'text', hasText: true }, 2],
      [{ hasText: false }, 4],
      [{ tag: 'work' }, 3],
      [{ tag: 'work', hasText: false }, 1],
      [{ tag: 'work', trash: true }, 1],
      [{ tag: 'work', kind: 'image' }, 1],
      [{ collection: 'inbox' }, 4],
      [{ collection: 'inbox', tag: 'work' }, 2],
      [{ text: 'note' }, 4],
      [{ text: 'note', trash: true }, 1],
      [{ text: 'note', kind: 'image' }, 2],
      [{ text: 'note', hasText: false }, 2],
      [{ text: 'note', tag: 'work', collection: 'inbox' }, 2],
      [{ text: 'note', from: T0 + 2 * DAY_MS, to: T0 + 7 * DAY_MS }, 2],
      [{ from: T0 + 2 * DAY_MS, to: T0 + 3 * DAY_MS }, 1],
      [{ tag: 'nobody' }, 0],
      [{ text: 'absent' }, 0],
    ];
    for (const [query, expected] of cases) {
      expect(index.count(query), JSON.stringify(query)).toBe(expected);
      expect(index.query({ ...query, limit: 1000 }).items, JSON.stringify(query)).toHaveLength(expected);
    }
  });

  it('ignores order and paging, but still checks them', async () => {
    const index = await library();
    const cursor = index.query({ limit: 2 }).nextCursor!;
    expect(index.count({ tag: 'work', orderBy: 'title', direction: 'desc', limit: 1, offset: 2 })).toBe(3);
    expect(index.count({ cursor })).toBe(6);
    expect(() => index.count({ offset: -1 })).toThrow(InvalidQueryError);
    expect(() => index.count({ orderBy: 'title', cursor })).toThrow(InvalidQueryError);
  });

  it('follows edits, trash and restore', async () => {
    const { index } = await openTestIndex();
    const clip = makeClip(1, { tags: ['a'], text: 'word' });
    index.upsert([clip, makeClip(2, { tags: ['a'] })]);
    expect([index.count({ tag: 'a' }), index.count({ text: 'word' })]).toEqual([2, 1]);
    index.upsert([{ ...clip, deletedAt: T0 }]);
    expect([index.count({ tag: 'a' }), index.count({ tag: 'a', trash: true }), index.count({ text: 'word' }), index.count({ text: 'word', trash: true })]).toEqual([1, 1, 0, 1]);
    index.upsert([{ ...clip, tags: ['b'], text: 'other' }]);
    expect([index.count({ tag: 'a' }), index.count({ tag: 'b' }), index.count({ text: 'word' }), index.count({ text: 'other' })]).toEqual([1, 1, 0, 1]);
  });
});

describe('ClipIndex.overview', () => {
  it('counts clips outside the trash per kind, tag and collection, most used first, and the trash', async () => {
    const { index } = await openTestIndex();
    expect(index.overview()).toEqual({ total: 0, trash: 0, kinds: { image: 0, video: 0, text: 0 }, tags: [], collections: [] });
    const trashed = makeImage(5, { tags: ['b', 'c'], collections: ['k2'], deletedAt: T0 });
    index.upsert([
      makeClip(1, { tags: ['b', 'a'], collections: ['k1'] }),
      makeImage(2, { tags: ['c', 'b'] }),
      makeClip(3, { kind: 'video', tags: ['a'], collections: ['k2', 'k1'] }),
      makeClip(4, { tags: ['c'] }),
      trashed,
    ]);
    expect(index.overview()).toEqual({
      total: 4,
      trash: 1,
      kinds: { image: 1, video: 1, text: 2 },
      // Equal counts by name.
      tags: [
        { name: 'a', count: 2 },
        { name: 'b', count: 2 },
        { name: 'c', count: 2 },
      ],
      collections: [
        { name: 'k1', count: 2 },
        { name: 'k2', count: 1 },
      ],
    });

    index.upsert([{ ...trashed, deletedAt: null }, makeClip(4, { tags: ['a', 'd'] })]);
    index.remove([clipId(3)]);
    expect(index.overview()).toEqual({
      total: 4,
      trash: 0,
      kinds: { image: 2, video: 0, text: 2 },
      tags: [
        { name: 'b', count: 3 },
        { name: 'a', count: 2 },
        { name: 'c', count: 2 },
        { name: 'd', count: 1 },
      ],
      collections: [
        { name: 'k1', count: 1 },
        { name: 'k2', count: 1 },
      ],
    });
  });

  it(`lists at most ${OVERVIEW_LABEL_LIMIT} tags, the most used`, async () => {
    const { index } = await openTestIndex();
    const tags = Array.from({ length: OVERVIEW_LABEL_LIMIT + 10 }, (_, n) => `tag${String(n).padStart(4, '0')}`);
    index.upsert([makeClip(1, { tags }), makeClip(2, { tags: tags.slice(-3) })]);
    const listed = index.overview().tags;
    expect(listed).toHaveLength(OVERVIEW_LABEL_LIMIT);
    expect(listed.slice(0, 4)).toEqual([...tags.slice(-3).map((name) => ({ name, count: 2 })), { name: tags[0], count: 1 }]);
    expect(listed.at(-1)).toEqual({ name: tags[OVERVIEW_LABEL_LIMIT - 4], count: 1 });
  });
});

describe('ClipIndex.timeline', () => {
  const at = (iso: string) => Date.parse(iso);

  /** What the timeline must say, worked out here with Date. */
  function expectedTimeline(clips: IndexedClip[], bucket: TimelineBucketSize): { start: number; count: number }[] {
    const counts = new Map<number, number>();
    for (const clip of clips) {
      const d = new Date(clip.capturedAt);
      const start = new Date(0);
      start.setUTCFullYear(d.getUTCFullYear(), bucket === 'year' ? 0 : d.getUTCMonth(), bucket === 'year' || bucket === 'month' ? 1 : d.getUTCDate());
      start.setUTCHours(bucket === 'hour' ? d.getUTCHours() : 0);
      counts.set(start.getTime(), (counts.get(start.getTime()) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => a - b).map(([start, count]) => ({ start, count }));
  }

  it('puts the last millisecond of an hour, day, month and year in it, and the next one in the next', async () => {
    const { index } = await openTestIndex();
    const times = ['2023-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z', '2024-01-31T23:59:59.999Z', '2024-02-01T00:00:00.000Z', '2024-02-01T00:59:59.999Z', '2024-02-01T01:00:00.000Z'];
    index.upsert(times.map((iso, n) => makeClip(n, { capturedAt: at(iso) })));
    expect(index.timeline({}, 'year')).toEqual([
      { start: at('2023-01-01T00:00Z'), count: 1 },
      { start: at('2024-01-01T00:00Z'), count: 5 },
    ]);
    expect(index.timeline({}, 'month')).toEqual([
      { start: at('2023-12-01T00:00Z'), count: 1 },
      { start: at('2024-01-01T00:00Z'), count: 2 },
      { start: at('2024-02-01T00:00Z'), count: 3 },
    ]);
    expect(index.timeline({}, 'day')).toEqual([
      { start: at('2023-12-31T00:00Z'), count: 1 },
      { start: at('2024-01-01T00:00Z'), count: 1 },
      { start: at('2024-01-31T00:00Z'), count: 1 },
      { start: at('2024-02-01T00:00Z'), count: 3 },
    ]);
    expect(index.timeline({}, 'hour')).toEqual([
      { start: at('2023-12-31T23:00Z'), count: 1 },
      { start: at('2024-01-01T00:00Z'), count: 1 },
      { start: at('2024-01-31T23:00Z'), count: 1 },
      { start: at('2024-02-01T00:00Z'), count: 2 },
      { start: at('2024-02-01T01:00Z'), count: 1 },
    ]);
    // The same through a search, which groups its matches instead of seeking each bucket.
    index.upsert(times.map((iso, n) => makeClip(n, { capturedAt: at(iso), text: 'word' })));
    for (const bucket of ['year', 'month', 'day', 'hour'] as const) expect(index.timeline({ text: 'word' }, bucket), bucket).toEqual(index.timeline({}, bucket));
  });

  it('places times before 1970 and in the first centuries in their own buckets', async () => {
    const { index } = await openTestIndex();
    const times = ['1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '0050-06-15T12:00:00.000Z'];
    const clips = times.map((iso, n) => makeClip(n, { capturedAt: at(iso), text: 'word' }));
    index.upsert(clips);
    for (const bucket of ['year', 'month', 'day', 'hour'] as const) {
      expect(index.timeline({}, bucket), bucket).toEqual(expectedTimeline(clips, bucket));
      expect(index.timeline({ text: 'word' }, bucket), bucket).toEqual(expectedTimeline(clips, bucket));
    }
    expect(index.timeline({}, 'year')[0]).toEqual({ start: at('0050-01-01T00:00Z'), count: 1 });
  });

  it('counts only what the query matches, the date range cutting buckets', async () => {
    const { index } = await openTestIndex();
    const clips = Array.from({ length: 400 }, (_, n) =>
      (n % 3 === 0 ? makeImage : makeClip)(n, { capturedAt: T0 + n * 7 * HOUR_MS + (n % 60) * 60_000, tags: n % 2 === 0 ? ['even'] : [], text: n % 5 === 0 ? 'fifth' : '', deletedAt: n % 11 === 0 ? T0 : null }),
    );
    index.upsert(clips);
    const from = T0 + 30 * DAY_MS + 90 * 60_000;
    const to = T0 + 90 * DAY_MS + 30 * 60_000;
    const queries: [ClipQuery, (clip: IndexedClip) => boolean][] = [
      [{}, (clip) => clip.deletedAt === null],
      [{ trash: true }, (clip) => clip.deletedAt !== null],
      [{ kind: 'image' }, (clip) => clip.deletedAt === null && clip.kind === 'image'],
      [{ tag: 'even' }, (clip) => clip.deletedAt === null && clip.tags.includes('even')],
      [{ tag: 'even', kind: 'text' }, (clip) => clip.deletedAt === null && clip.tags.includes('even') && clip.kind === 'text'],
      [{ text: 'fifth' }, (clip) => clip.deletedAt === null && clip.text === 'fifth'],
      [{ from, to }, (clip) => clip.deletedAt === null && clip.capturedAt >= from && clip.capturedAt < to],
      [{ tag: 'even', from, to }, (clip) => clip.deletedAt === null && clip.tags.includes('even') && clip.capturedAt >= from && clip.capturedAt < to],
      [{ text: 'fifth', from }, (clip) => clip.deletedAt === null && clip.text === 'fifth' && clip.capturedAt >= from],
      [{ tag: 'nobody' }, () => false],
    ];
    for (const [query, wanted] of queries) {
      for (const bucket of ['year', 'month', 'day', 'hour'] as const) {
        const timeline = index.timeline(query, bucket);
        expect(timeline, `${JSON.stringify(query)} by ${bucket}`).toEqual(expectedTimeline(clips.filter(wanted), bucket));
      }
      expect(index.timeline(query, 'day').reduce((sum, bucket) => sum + bucket.count, 0)).toBe(index.count(query));
    }
  });

  it(`groups instead of seeking when the matches span more than ${MAX_SEEKED_BUCKETS} buckets`, async () => {
    const { index } = await openTestIndex();
    const clips = [at('1990-03-01T10:20:00Z'), at('1990-03-01T10:40:00Z'), at('2024-05-05T05:05:05Z')].map((capturedAt, n) => makeClip(n, { capturedAt }));
    index.upsert(clips);
    expect(index.timeline({}, 'hour')).toEqual([
      { start: at('1990-03-01T10:00Z'), count: 2 },
      { start: at('2024-05-05T05:00Z'), count: 1 },
    ]);
    expect(index.timeline({}, 'day')).toEqual(expectedTimeline(clips, 'day'));
  });
});

describe('ClipIndex.captureSpan', () => {
  it('gives the first and last capture time of what a query matches, under every driver, or null', async () => {
    const { index } = await openTestIndex();
    index.upsert([
      makeClip(1, { text: 'alpha note', tags: ['work'] }),
      makeImage(4, { tags: ['work'] }),
      makeClip(9, { text: 'beta note' }),
      makeClip(12, { text: 'gone note', deletedAt: T0 + 20 * DAY_MS }),
    ]);
    const at = (n: number) => T0 + n * DAY_MS;
    expect(index.captureSpan({})).toEqual({ first: at(1), last: at(9) });
    expect(index.captureSpan({ tag: 'work' })).toEqual({ first: at(1), last: at(4) });
    expect(index.captureSpan({ text: 'note' })).toEqual({ first: at(1), last: at(9) });
    expect(index.captureSpan({ kind: 'image' })).toEqual({ first: at(4), last: at(4) });
    expect(index.captureSpan({ trash: true })).toEqual({ first: at(12), last: at(12) });
    expect(index.captureSpan({ from: at(2), to: at(10) })).toEqual({ first: at(4), last: at(9) });
    expect(index.captureSpan({ tag: 'nobody' })).toBeNull();
    expect(() => index.captureSpan({ from: at(5), to: at(1) })).toThrow(InvalidQueryError);
  });
});
