import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCK_AFTER_MINUTES, readLockAfterMinutes } from '../../../contract/lock.js';
import { FREE_UNLOCK_ATTEMPTS, UnlockBackoff } from '../../../main/security/lock/unlock-backoff.js';

describe('slowing wrong passphrases', () => {
  it('lets a few through, then doubles the wait up to five minutes, and starts over after a right one', () => {
    let now = 0;
    const backoff = new UnlockBackoff(() => now);
    const said: string[] = [];
    for (let i = 0; i < FREE_UNLOCK_ATTEMPTS; i++) {
      backoff.check();
      said.push(backoff.failed());
    }
    expect(said).toEqual(['2 more tries before ClipShot makes you wait', '1 more try before ClipShot makes you wait', 'the next try must wait 2 s']);
    expect(() => backoff.check()).toThrow(expect.objectContaining({ code: 'rate-limited', message: 'too many failed unlocks: try again in 2 s' }));
    const waits: string[] = [];
    for (let i = 0; i < 10; i++) {
      now += 10 * 60_000;
      backoff.check();
      waits.push(backoff.failed());
    }
    expect(waits.slice(0, 3)).toEqual(['the next try must wait 4 s', 'the next try must wait 8 s', 'the next try must wait 16 s']);
    expect(waits.at(-1)).toBe('the next try must wait 300 s');
    now += 299_000;
    expect(() => backoff.check()).toThrow(/try again in 1 s/);
    now += 1_000;
    backoff.check();
    backoff.succeeded();
    expect(backoff.failed()).toBe('2 more tries before ClipShot makes you wait');
  });
});

describe('the idle time in the settings document', () => {
  it('reads minutes, 0 as never, and anything else as the default', () => {
    expect(readLockAfterMinutes({ lockAfterMinutes: 5 })).toBe(5);
    expect(readLockAfterMinutes({ lockAfterMinutes: 0 })).toBeNull();
    for (const bad of [{}, null, { lockAfterMinutes: -1 }, { lockAfterMinutes: 1.5 }, { lockAfterMinutes: '5' }, { lockAfterMinutes: 10_000 }]) {
      expect(readLockAfterMinutes(bad)).toBe(DEFAULT_LOCK_AFTER_MINUTES);
    }
  });
});
