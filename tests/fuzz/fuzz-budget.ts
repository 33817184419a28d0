// What every fuzz file shares: one fixed seed (a failure replays exactly), and a watch for
// promises that reject with nobody listening (a boundary that "handles" bad input by leaving a
// rejection behind has not handled it).
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/** The seed of every property; change it only on purpose, and say so in the commit. */
export const FUZZ_SEED = 0x5eccc1;

/** fast-check parameters for a property with `numRuns` cases. */
export function budget(numRuns: number): { seed: number; numRuns: number; endOnFailure: true } {
  return { seed: FUZZ_SEED, numRuns, endOnFailure: true };
}

/** Fails the test in which a promise rejected unhandled (registered once per fuzz file). */
export function failOnUnhandledRejections(): void {
  const rejections: unknown[] = [];
  const listener = (reason: unknown): void => void rejections.push(reason);
  beforeAll(() => void process.on('unhandledRejection', listener));
  afterAll(() => void process.off('unhandledRejection', listener));
  afterEach(async () => {
    // A rejection is reported after the microtask queue drains; give it a turn to arrive.
    await new Promise((resolve) => setImmediate(resolve));
    const seen = rejections.splice(0);
    expect(seen.map((reason) => (reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)))).toEqual([]);
  });
}
