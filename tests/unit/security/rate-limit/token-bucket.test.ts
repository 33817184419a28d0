import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../../main/security/rate-limit/rate-limited-error.js';
import { TokenBucket } from '../../../../main/security/rate-limit/token-bucket.js';

/** A clock the test moves by hand: the bucket's arithmetic, not the machine's speed, is under test. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then spaces the rest by the refill rate, in the order asked', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2, now: clock.now });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    // Each further reservation queues behind the last: 0.5 s apart at 2 per second.
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([500, 1000, 1500]);
    clock.advance(1500);
    expect(bucket.available).toBeCloseTo(0, 6);
    clock.advance(10_000);
    // Refill stops at capacity: a long quiet spell buys one burst, not a hoard.
    expect(bucket.available).toBe(3);
  });

  it('takes several tokens at once and says how long until they are all there', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 5, now: clock.now });
    expect(bucket.take(8)).toBe(0);
    expect(bucket.take(4)).toBe(400);
    expect(() => bucket.take(11)).toThrow(RangeError);
    expect(() => bucket.take(0)).toThrow(RangeError);
    expect(() => bucket.take(Number.NaN)).toThrow(RangeError);
  });

  it('refuses with RateLimitedError and retryAfterMs when the wait would pass maxWaitMs, reserving nothing', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1, maxWaitMs: 0, now: clock.now });
    bucket.take();
    bucket.take();
    let refused: unknown;
    try {
      bucket.take();
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ code: 'rate-limited', retryAfterMs: 1000, message: 'too many requests: try again in 1 s' });
    clock.advance(400);
    expect((() => {
      try {
        bucket.take();
      } catch (error) {
        return (error as RateLimitedError).retryAfterMs;
      }
      return -1;
    })()).toBe(600);
    clock.advance(600);
    // The refusals took nothing: exactly one token is back after one second.
    expect(bucket.take()).toBe(0);
    expect(() => bucket.take()).toThrow(RateLimitedError);
  });

  it('holds everything while a server asked to wait, and a shorter hold does not shorten it', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 10, maxWaitMs: 30_000, now: clock.now });
    bucket.holdFor(20_000);
    bucket.holdFor(1000);
    expect(bucket.heldForMs).toBe(20_000);
    expect(bucket.take()).toBe(20_000);
    clock.advance(5000);
    expect(bucket.take()).toBe(15_000);
    const strict = new TokenBucket({ capacity: 5, refillPerSecond: 10, maxWaitMs: 10_000, now: clock.now });
    strict.holdFor(20_000);
    expect(() => strict.take()).toThrow(expect.objectContaining({ retryAfterMs: 20_000 }));
    clock.advance(20_000);
    expect(strict.take()).toBe(0);
    expect(strict.heldForMs).toBe(0);
  });

  it('gives tokens back with refund, never above capacity', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1, now: clock.now });
    bucket.take(2);
    bucket.refund(1);
    expect(bucket.available).toBe(1);
    bucket.refund(5);
    expect(bucket.available).toBe(2);
  });

  it('acquire waits on the real clock, and an abort returns the reservation', async () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 20 });
    const started = performance.now();
    await bucket.acquire();
    await bucket.acquire();
    await bucket.acquire();
    // Two waits of 50 ms each (timers may fire a little early or late).
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);

    const slow = new TokenBucket({ capacity: 1, refillPerSecond: 0.5 });
    await slow.acquire();
    const aborter = new AbortController();
    const waiting = slow.acquire(1, aborter.signal);
    aborter.abort(new Error('stopped by the test'));
    await expect(waiting).rejects.toThrow('stopped by the test');
    // The aborted reservation was given back: the next caller waits one interval, not two.
    expect(slow.take()).toBeLessThanOrEqual(2000);
    expect(slow.take()).toBeGreaterThan(2000);
  });

  it('refuses settings that could never let anything through', () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 1, maxWaitMs: -1 })).toThrow(RangeError);
  });
});
