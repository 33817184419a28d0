import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT_SETTINGS } from '../../../../contract/rate-limits.js';
import type { Library } from '../../../../main/library/library.js';
import { MAX_TRIP_ENTRIES_PER_MINUTE, TRIP_ENTRY_INTERVAL_MS } from '../../../../main/security/rate-limit/rate-limit-audit.js';
import { RateLimitPolicy, rateLimitsOf, RateLimitSettingsError } from '../../../../main/security/rate-limit/rate-limit-policy.js';
import { readRateLimitSettings, RATE_LIMITS_FILE } from '../../../../main/security/rate-limit/rate-limit-settings.js';
import { createTestLibrary } from '../../../helpers/library.js';

const opened: Library[] = [];
afterEach(async () => {
  for (const library of opened.splice(0)) await library.close();
});

async function library(): Promise<{ library: Library; dir: string }> {
  const made = await createTestLibrary();
  opened.push(made.library);
  return made;
}

function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const rateLimitEntries = (lib: Library) => lib.audit.list({ kind: 'rate-limit' }).entries;

describe('rate limit settings', () => {
  it('reads each value on its own: a bad one is named and its default kept, the others used', () => {
    const { settings, problems } = readRateLimitSettings({
      limits: { 'serve-api': { burst: 10, rate: 5 }, control: { burst: -1, rate: 5 }, 'no-such': { burst: 1, rate: 1 }, plugin: 'fast' },
      syncDisconnectAfterSeconds: 0,
      extra: true,
    });
    expect(settings.limits['serve-api']).toEqual({ burst: 10, rate: 5 });
    expect(settings.limits.control).toEqual(DEFAULT_RATE_LIMIT_SETTINGS.limits.control);
    expect(settings.limits.plugin).toEqual(DEFAULT_RATE_LIMIT_SETTINGS.limits.plugin);
    expect(settings.syncDisconnectAfterSeconds).toBe(DEFAULT_RATE_LIMIT_SETTINGS.syncDisconnectAfterSeconds);
    expect(problems).toEqual([
      'extra is not a rate limit setting',
      'Control socket: CLI commands: the burst must be a whole number from 1 to 10000; using the default',
      '"no-such" is not a rate limit',
      'Plugin calls to the host: expected a burst and a rate; using the default',
      'syncDisconnectAfterSeconds must be a whole number from 1 to 3600; using the default',
    ]);
  });

  it('a file that is not JSON is the defaults with the reason, and is replaced at the next change', async () => {
    const { library: lib, dir } = await library();
    await fs.writeFile(path.join(dir, RATE_LIMITS_FILE), '{ not json');
    const policy = new RateLimitPolicy({ file: path.join(dir, RATE_LIMITS_FILE), audit: lib.audit });
    expect(policy.settings).toEqual(DEFAULT_RATE_LIMIT_SETTINGS);
    expect(policy.view().problems[0]).toMatch(/is not JSON; using the defaults/);
    await policy.change({ limits: { control: { burst: 3, rate: 2 } } });
    const written = JSON.parse(await fs.readFile(path.join(dir, RATE_LIMITS_FILE), 'utf8')) as typeof DEFAULT_RATE_LIMIT_SETTINGS;
    expect(written.limits.control).toEqual({ burst: 3, rate: 2 });
    expect(new RateLimitPolicy({ file: path.join(dir, RATE_LIMITS_FILE), audit: null }).settings.limits.control).toEqual({ burst: 3, rate: 2 });
  });

  it('a change with one bad value changes nothing; a good one reshapes the live limiter', async () => {
    const policy = new RateLimitPolicy({ file: null, audit: null });
    const limiter = policy.limiter('control');
    await expect(policy.change({ limits: { control: { burst: 2, rate: 1 }, plugin: { burst: 0, rate: 1 } } })).rejects.toThrow(RateLimitSettingsError);
    expect(policy.settings.limits.control).toEqual(DEFAULT_RATE_LIMIT_SETTINGS.limits.control);
    await policy.change({ limits: { control: { burst: 2, rate: 1 } } });
    expect(policy.limiter('control')).toBe(limiter);
    expect([limiter.admit('u').ok, limiter.admit('u').ok, limiter.admit('u').ok]).toEqual([true, true, false]);
    await policy.change({ reset: true });
    expect(policy.settings).toEqual(DEFAULT_RATE_LIMIT_SETTINGS);
  });

  it('per-minute limits refill per minute, and MiB limits count bytes', () => {
    const clock = manualClock();
    const policy = new RateLimitPolicy({ file: null, audit: null, now: clock.now });
    const pairing = policy.limiter('pairing-address');
    expect(pairing.capacity).toBe(5);
    expect(pairing.refillPerSecond).toBeCloseTo(5 / 60);
    expect(policy.limiter('sync-bytes').capacity).toBe(1024 * 1024 * 1024);
  });

  it('one library, one policy: every entry point of an instance shares it', async () => {
    const { library: lib } = await library();
    expect(rateLimitsOf(lib)).toBe(rateLimitsOf(lib));
  });
});

describe('rate limit audit entries', () => {
  it('records the first trip of a limit and key, folds the rest of the minute into the next entry', async () => {
    const { library: lib } = await library();
    const clock = manualClock();
    const policy = new RateLimitPolicy({ file: null, audit: lib.audit, now: clock.now });
    const trip = { limit: 'serve-api', key: 'serve-session-1', actor: { type: 'device' as const, id: 'serve-session-1' }, action: 'refused' as const, retryAfterMs: 250 };
    for (let i = 0; i < 10_000; i++) policy.tripped(trip);
    expect(rateLimitEntries(lib)).toHaveLength(1);
    expect(rateLimitEntries(lib)[0]!.details).toEqual({ limit: 'serve-api', key: 'serve-session-1', action: 'refused', foldedSinceLast: 0, retryAfterMs: 250 });
    clock.advance(TRIP_ENTRY_INTERVAL_MS);
    policy.tripped(trip);
    expect(rateLimitEntries(lib)).toHaveLength(2);
    expect(rateLimitEntries(lib)[0]!.details.foldedSinceLast).toBe(9_999);
    expect(lib.audit.verify().ok).toBe(true);
  });

  it('keeps to a fixed number of entries a minute however many keys trip (a flood of addresses)', async () => {
    const { library: lib } = await library();
    const clock = manualClock();
    const policy = new RateLimitPolicy({ file: null, audit: lib.audit, now: clock.now });
    for (let i = 0; i < 5_000; i++) policy.tripped({ limit: 'pairing-address', key: `10.1.${i >> 8}.${i & 255}`, actor: { type: 'device', id: 'pairing' }, action: 'refused' });
    expect(rateLimitEntries(lib)).toHaveLength(MAX_TRIP_ENTRIES_PER_MINUTE);
    clock.advance(60_000);
    policy.tripped({ limit: 'pairing-address', key: 'after a minute', actor: { type: 'device', id: 'pairing' }, action: 'refused' });
    expect(rateLimitEntries(lib)).toHaveLength(MAX_TRIP_ENTRIES_PER_MINUTE + 1);
  });

  it('a disconnection always gets its own entry within the interval', async () => {
    const { library: lib } = await library();
    const clock = manualClock();
    const policy = new RateLimitPolicy({ file: null, audit: lib.audit, now: clock.now });
    const peer = { limit: 'sync-messages', key: 'device-1', actor: { type: 'device' as const, id: 'device-1' } };
    policy.tripped({ ...peer, action: 'slowed' });
    policy.tripped({ ...peer, action: 'slowed' });
    policy.tripped({ ...peer, action: 'disconnected' });
    expect(rateLimitEntries(lib).map((entry) => entry.details.action)).toEqual(['disconnected', 'slowed']);
  });

  it('a closed log loses the entry, never the limit', async () => {
    const made = await createTestLibrary();
    const policy = new RateLimitPolicy({ file: null, audit: made.library.audit });
    await made.library.close();
    expect(() => policy.tripped({ limit: 'control', key: 'local-user', actor: { type: 'cli', id: 'control-socket' }, action: 'refused' })).not.toThrow();
  });
});
