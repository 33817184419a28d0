import type { AuditActor, AuditDetails } from '../../../contract/audit.js';
import type { AuditRecorder } from '../audit/audit-log.js';
import { KeyedLimiter } from './keyed-limiter.js';

/** What an entry point did to someone over its limit. */
export type RateLimitAction = 'refused' | 'slowed' | 'disconnected';

export interface RateLimitTrip {
  limit: string;
  /** Whose budget: a session number, a peer id, a plugin id, an address. Never content. */
  key: string;
  actor: AuditActor;
  action: RateLimitAction;
  retryAfterMs?: number;
}

/** One entry per limit and key at most this often; the entry counts the trips folded into it. */
export const TRIP_ENTRY_INTERVAL_MS = 60_000;
/** And at most this many entries a minute in all, whatever the number of keys (a flood of addresses). */
export const MAX_TRIP_ENTRIES_PER_MINUTE = 30;

/**
 * Writes rate-limit trips to the audit log without letting a flood flood the log: the first trip
 * of a limit and key is recorded, later ones within the interval are counted and the count goes
 * into the next entry. A disconnection is always worth its own entry (it is rare by design).
 */
export class RateLimitAudit {
  readonly #last = new Map<string, { at: number; folded: number }>();
  readonly #overall: KeyedLimiter;

  constructor(
    private readonly audit: AuditRecorder | null,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#overall = new KeyedLimiter({ name: 'audit', capacity: MAX_TRIP_ENTRIES_PER_MINUTE, refillPerSecond: MAX_TRIP_ENTRIES_PER_MINUTE / 60, now });
  }

  /** Whether an entry was written (false: folded into a later one). */
  tripped(trip: RateLimitTrip): boolean {
    const id = `${trip.limit}\u0000${trip.key}`;
    const now = this.now();
    const last = this.#last.get(id);
    if (last && now - last.at < TRIP_ENTRY_INTERVAL_MS && trip.action !== 'disconnected') {
      last.folded += 1;
      return false;
    }
    if (!this.#overall.admit('all').ok) {
      if (last) last.folded += 1;
      return false;
    }
    const details: AuditDetails = { limit: trip.limit, key: trip.key.slice(0, 200), action: trip.action, foldedSinceLast: last?.folded ?? 0 };
    if (trip.retryAfterMs !== undefined) details.retryAfterMs = Math.round(trip.retryAfterMs);
    this.#remember(id, now);
    try {
      this.audit?.record({ kind: 'rate-limit', actor: { type: trip.actor.type, id: trip.actor.id.slice(0, 200) }, details });
    } catch {
      // The log is closed (the library is closing or locked): the limit still holds, only its entry is lost.
      return false;
    }
    return true;
  }

  #remember(id: string, at: number): void {
    this.#last.delete(id);
    this.#last.set(id, { at, folded: 0 });
    // Bounded like the limiters: the oldest keys are the ones whose interval is over anyway.
    if (this.#last.size > 4096) this.#last.delete(this.#last.keys().next().value!);
  }
}
