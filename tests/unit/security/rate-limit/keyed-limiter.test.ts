import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from '../../../../main/security/rate-limit/keyed-limiter.js';
import { RateLimitedError } from '../../../../main/security/rate-limit/rate-limited-error.js';

function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('KeyedLimiter', () => {
  it('lets a burst through, refuses the next with the wait, and lets it through after the refill', () => {
    const clock = manualClock();
    const limiter = new KeyedLimiter({ name: 'serve-api', capacity: 3, refillPerSecond: 2, now: clock.now });
    expect([1, 2, 3].map(() => limiter.admit('tab-1').ok)).toEqual([true, true, true]);
    expect(limiter.admit('tab-1')).toEqual({ ok: false, retryAfterMs: 500 });
    clock.advance(499);
    expect(limiter.admit('tab-1').ok).toBe(false);
    clock.advance(1);
    expect(limiter.admit('tab-1').ok).toBe(true);
  });

  it('keeps each key to its own budget: one key flooding never spends another\'s', () => {
    const clock = manualClock();
    const limiter = new KeyedLimiter({ name: 'plugin', capacity: 5, refillPerSecond: 1, now: clock.now });
    let flooderLetThrough = 0;
    for (let i = 0; i < 1000; i++) if (limiter.admit('flooder').ok) flooderLetThrough++;
    expect(flooderLetThrough).toBe(5);
    // Interleaved, the quiet key gets its whole burst however much the other asks.
    const quiet: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      limiter.admit('flooder');
      quiet.push(limiter.admit('quiet').ok);
    }
    expect(quiet).toEqual([true, true, true, true, true]);
  });

  it('check throws RateLimitedError naming the limit, the key and the wait', () => {
    const clock = manualClock();
    const limiter = new KeyedLimiter({ name: 'control', capacity: 1, refillPerSecond: 4, now: clock.now });
    limiter.check('local-user');
    let refused: unknown;
    try {
      limiter.check('local-user');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ code: 'rate-limited', retryAfterMs: 250, source: { limit: 'control', key: 'local-user' } });
  });

  it('holds at most maxKeys buckets however many keys ask (a flood of addresses)', () => {
    const clock = manualClock();
    const limiter = new KeyedLimiter({ name: 'pairing-address', capacity: 2, refillPerSecond: 0.01, maxKeys: 3, now: clock.now });
    let largest = 0;
    let refused = 0;
    for (let i = 0; i < 50_000; i++) {
      if (!limiter.admit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).ok) refused++;
      largest = Math.max(largest, limiter.size);
    }
    expect(refused).toBe(0);
    expect(largest).toBe(3);
    expect(limiter.size).toBe(3);
  });

  it('drops a full (idle) bucket before the least recently used one still in debt', () => {
    const clock = manualClock();
    const limiter = new KeyedLimiter({ name: 'sync-messages', capacity: 2, refillPerSecond: 1, maxKeys: 2, now: clock.now });
    expect(limiter.charge('debtor', 2)).toBe(0);
    expect(limiter.charge('debtor', 2)).toBe(2000);
    expect(limiter.admit('idle').ok).toBe(true);
    clock.advance(1_000);
    // Now 'idle' is full again, 'debtor' (least recently used) still owes: a third key evicts 'idle'.
    expect(limiter.admit('newcomer').ok).toBe(true);
    expect(limiter.size).toBe(2);
    expect(limiter.admit('debtor')).toEqual({ ok: false, retryAfterMs: 2000 });
  });

  it('charge goes into debt and says how long to wait, so a stream can slow its sender', () => {
    const clock = manualClock();
    const limiter = new KeyedLimiter({ name: 'sync-bytes', capacity: 1000, refillPerSecond: 1000, now: clock.now });
    expect(limiter.charge('peer', 800)).toBe(0);
    expect(limiter.charge('peer', 700)).toBe(500);
    // A frame larger than the whole budget counts as the budget: it waits, it is never refused for ever.
    expect(limiter.charge('peer', 50_000)).toBe(1500);
  });

  it('reconfigure gives every key a full bucket of the new shape; forget drops one key', () => {
    const clock = manualClock();
    const limiter = new KeyedLimiter({ name: 'serve-http', capacity: 1, refillPerSecond: 1, now: clock.now });
    limiter.admit('a');
    expect(limiter.admit('a').ok).toBe(false);
    limiter.reconfigure(10, 5);
    expect(Array.from({ length: 10 }, () => limiter.admit('a').ok).every(Boolean)).toBe(true);
    expect(limiter.admit('a')).toEqual({ ok: false, retryAfterMs: 200 });
    limiter.forget('a');
    expect(limiter.size).toBe(0);
    expect(limiter.admit('a').ok).toBe(true);
  });

  it('refuses impossible shapes', () => {
    expect(() => new KeyedLimiter({ name: 'x', capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new KeyedLimiter({ name: 'x', capacity: 1, refillPerSecond: 0 })).toThrow(RangeError);
    expect(() => new KeyedLimiter({ name: 'x', capacity: 1, refillPerSecond: 1, maxKeys: 0 })).toThrow(RangeError);
    const limiter = new KeyedLimiter({ name: 'x', capacity: 1, refillPerSecond: 1 });
    expect(() => limiter.reconfigure(1, -1)).toThrow(RangeError);
  });
});
