import path from 'node:path';
import { bucketShape, changeRateLimitsSchema, DEFAULT_RATE_LIMIT_SETTINGS, RATE_LIMIT_DEFINITIONS, RATE_LIMIT_NAMES, rateLimitValueProblem, type RateLimitName, type RateLimitSettings, type RateLimitsChange, type RateLimitsView } from '../../../contract/rate-limits.js';
import type { AuditRecorder } from '../audit/audit-log.js';
import { writeFileAtomic } from '../atomic-file.js';
import { KeyedLimiter } from './keyed-limiter.js';
import { RateLimitAudit, type RateLimitTrip } from './rate-limit-audit.js';
import { loadRateLimitSettings, RATE_LIMITS_FILE } from './rate-limit-settings.js';

export class RateLimitSettingsError extends Error {}

export interface RateLimitPolicyOptions {
  /** The settings file; null keeps them in memory (tests, a library without a folder). */
  file: string | null;
  audit: AuditRecorder | null;
  now?: () => number;
}

/**
 * Every entry point's limits for one open library: a keyed limiter per named limit, shaped by the
 * device's settings and reshaped when they change, and the throttled audit of trips.
 */
export class RateLimitPolicy {
  #settings: RateLimitSettings;
  #problems: string[];
  readonly #limiters = new Map<RateLimitName, KeyedLimiter>();
  readonly #audit: RateLimitAudit;
  readonly #listeners = new Set<(settings: RateLimitSettings) => void>();
  #writing: Promise<void> = Promise.resolve();
  readonly #now: () => number;

  constructor(private readonly options: RateLimitPolicyOptions) {
    this.#now = options.now ?? (() => performance.now());
    const loaded = options.file ? loadRateLimitSettings(options.file) : { settings: structuredClone(DEFAULT_RATE_LIMIT_SETTINGS), problems: [] };
    this.#settings = loaded.settings;
    this.#problems = loaded.problems;
    this.#audit = new RateLimitAudit(options.audit, this.#now);
  }

  get settings(): RateLimitSettings {
    return structuredClone(this.#settings);
  }

  /** The limiter of one limit: the same object for the policy's life (its buckets reset when the setting changes). */
  limiter(name: RateLimitName): KeyedLimiter {
    let limiter = this.#limiters.get(name);
    if (!limiter) {
      const shape = bucketShape(name, this.#settings.limits[name]);
      limiter = new KeyedLimiter({ name, ...shape, now: this.#now });
      this.#limiters.set(name, limiter);
    }
    return limiter;
  }

  /** Notes a trip in the audit log (throttled). */
  tripped(trip: RateLimitTrip): void {
    this.#audit.tripped(trip);
  }

  view(): RateLimitsView {
    return {
      settings: this.settings,
      definitions: RATE_LIMIT_NAMES.map((name) => ({ name, ...RATE_LIMIT_DEFINITIONS[name] })),
      problems: [...this.#problems],
    };
  }

  /** Checks every value first: a change with one bad value changes nothing. Resolves once on disk. */
  async change(change: RateLimitsChange): Promise<RateLimitsView> {
    const parsed = changeRateLimitsSchema.safeParse(change);
    if (!parsed.success) throw new RateLimitSettingsError(`the limits were not changed: ${parsed.error.issues[0]?.message ?? 'invalid change'}`);
    const next: RateLimitSettings = parsed.data.reset ? structuredClone(DEFAULT_RATE_LIMIT_SETTINGS) : this.settings;
    const problems: string[] = [];
    for (const [name, value] of Object.entries(parsed.data.limits ?? {}) as [RateLimitName, { burst: number; rate: number }][]) {
      const problem = rateLimitValueProblem(name, value);
      if (problem) problems.push(problem);
      else next.limits[name] = { burst: value.burst, rate: value.rate };
    }
    if (problems.length > 0) throw new RateLimitSettingsError(`the limits were not changed: ${problems.join('; ')}`);
    if (parsed.data.syncDisconnectAfterSeconds !== undefined) next.syncDisconnectAfterSeconds = parsed.data.syncDisconnectAfterSeconds;
    const before = this.#settings;
    this.#settings = next;
    this.#problems = [];
    for (const [name, limiter] of this.#limiters) {
      if (JSON.stringify(before.limits[name]) === JSON.stringify(next.limits[name])) continue;
      const shape = bucketShape(name, next.limits[name]);
      limiter.reconfigure(shape.capacity, shape.refillPerSecond);
    }
    for (const listener of this.#listeners) listener(this.settings);
    const file = this.options.file;
    if (file) {
      const written = (this.#writing = this.#writing.catch(() => undefined).then(() => writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`)));
      await written;
    }
    return this.view();
  }

  onChange(listener: (settings: RateLimitSettings) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** What a library offers the policy: its folder and its audit log. */
export interface RateLimitedLibrary {
  readonly paths: { readonly dir: string };
  readonly audit: AuditRecorder;
}

const policies = new WeakMap<object, RateLimitPolicy>();

/**
 * The policy of an open library, made at the first ask: every entry point of one instance (the
 * app or `serve`: the API, the control socket, sync, plugins) shares it, and so its settings.
 */
export function rateLimitsOf(library: RateLimitedLibrary): RateLimitPolicy {
  let policy = policies.get(library);
  if (!policy) {
    policy = new RateLimitPolicy({ file: path.join(library.paths.dir, RATE_LIMITS_FILE), audit: library.audit });
    policies.set(library, policy);
  }
  return policy;
}

/**
 * Makes `policy` the one `rateLimitsOf(library)` answers: with the app lock, each opening of the
 * library is a new Library object, and the instance's limits (and their settings) must carry on.
 */
export function shareRateLimits(library: RateLimitedLibrary, policy: RateLimitPolicy): void {
  policies.set(library, policy);
}
