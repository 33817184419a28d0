import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Lingering } from '../../../main/library/documents/lingering.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function lingering(max: number, ms: number): { kept: Lingering<string, number>; expired: [string, number][] } {
  const expired: [string, number][] = [];
  return { kept: new Lingering<string, number>(max, ms, (key, value) => expired.push([key, value])), expired };
}

describe('things kept a little longer', () => {
  it('keeps each for its time, then lets it go, oldest first', () => {
    const { kept, expired } = lingering(10, 1_000);
    kept.add('a', 1);
    vi.advanceTimersByTime(400);
    kept.add('b', 2);
    vi.advanceTimersByTime(599);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([['a', 1]]);
    expect(kept.has('b')).toBe(true);
    vi.advanceTimersByTime(400);
    expect(expired).toEqual([['a', 1], ['b', 2]]);
    expect(kept.size).toBe(0);
  });

  it('never keeps more than its bound: the oldest go at once', () => {
    const { kept, expired } = lingering(3, 60_000);
    for (const [index, key] of ['a', 'b', 'c', 'd', 'e'].entries()) kept.add(key, index);
    expect(expired).toEqual([['a', 0], ['b', 1]]);
    expect(kept.size).toBe(3);
    expect(['c', 'd', 'e'].every((key) => kept.has(key))).toBe(true);
  });

  it('gives back what is taken, which then never expires', () => {
    const { kept, expired } = lingering(3, 1_000);
    kept.add('a', 1);
    kept.add('b', 2);
    expect(kept.take('a')).toBe(true);
    expect(kept.take('a')).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual([['b', 2]]);
  });

  it('starts the time again for a key added anew, expiring what it held before once', () => {
    const { kept, expired } = lingering(3, 1_000);
    kept.add('a', 1);
    vi.advanceTimersByTime(900);
    kept.add('a', 2);
    expect(expired).toEqual([['a', 1]]);
    vi.advanceTimersByTime(900);
    expect(kept.has('a')).toBe(true);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual([['a', 1], ['a', 2]]);
  });

  it('lets everything go on clear, and nothing later', () => {
    const { kept, expired } = lingering(3, 1_000);
    kept.add('a', 1);
    kept.add('b', 2);
    kept.clear();
    expect(expired).toEqual([['a', 1], ['b', 2]]);
    vi.advanceTimersByTime(5_000);
    expect(expired).toHaveLength(2);
  });
});
