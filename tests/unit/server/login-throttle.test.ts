import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../main/server/remote/login-throttle.js';

describe('LoginThrottle', () => {
  it('lets a few wrong tries through, then doubles the wait up to its cap, and a right one clears it', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ freeTries: 3, firstDelayMs: 1_000, maxDelayMs: 5_000 }, () => now);
    expect([throttle.failed(), throttle.failed(), throttle.failed()]).toEqual([0, 0, 0]);
    expect(throttle.waitMs()).toBe(0);
    const waits = [];
    for (let i = 0; i < 5; i++) {
      waits.push(throttle.failed());
      now += 400;
      waits.push(throttle.waitMs());
      now += 10_000;
    }
    expect(waits).toEqual([1_000, 600, 2_000, 1_600, 4_000, 3_600, 5_000, 4_600, 5_000, 4_600]);
    throttle.succeeded();
    expect(throttle.waitMs()).toBe(0);
    expect(throttle.failed()).toBe(0);
  });
});
