// The rate limits of this device's entry points, as the API, the CLI and Settings → Security →
// Limits see them. Each limit is a token bucket: `burst` units at once after a quiet spell, `rate`
// units per `per` sustained. Kept on this device, never synced: a peer must not be able to raise
// the limits that hold it back.
import { z } from 'zod';

export const RATE_LIMIT_NAMES = ['serve-api', 'serve-http', 'serve-sync-messages', 'serve-sync-bytes', 'window-api', 'control', 'plugin', 'sync-messages', 'sync-bytes', 'pairing-address', 'pairing-all'] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

/** What a limit counts: each `unit` of `bytes` limits is a mebibyte. */
export interface RateLimitDefinition {
  label: string;
  /** Whose budget it is: one bucket per session, per peer, … */
  scope: string;
  unit: 'requests' | 'commands' | 'messages' | 'MiB' | 'attempts';
  per: 'second' | 'minute';
  defaults: RateLimitValue;
  /** Smallest and largest accepted values of both burst and rate. */
  min: number;
  max: number;
}

export interface RateLimitValue {
  burst: number;
  rate: number;
}

export const RATE_LIMIT_DEFINITIONS: Record<RateLimitName, RateLimitDefinition> = {
  // A window asks a few hundred things while it opens; a script looping over the API asks thousands.
  'serve-api': { label: 'serve: API requests', scope: 'per browser tab (WebSocket session)', unit: 'requests', per: 'second', defaults: { burst: 600, rate: 200 }, min: 1, max: 100_000 },
  // Scrolling a large grid fetches hundreds of thumbnails a second.
  'serve-http': { label: 'serve: media, uploads and exports', scope: 'per client address', unit: 'requests', per: 'second', defaults: { burst: 5000, rate: 2000 }, min: 1, max: 100_000 },
  // A window syncs only what it has open: a few messages per clip it opens, about ten a second per
  // document while someone types, and every document it holds again after a reconnection.
  'serve-sync-messages': { label: 'serve: document sync messages', scope: 'per browser tab (sync WebSocket)', unit: 'messages', per: 'second', defaults: { burst: 5000, rate: 1000 }, min: 1, max: 1_000_000 },
  // One message can be as large as a socket takes (64 MiB: a long text pasted into a text clip).
  'serve-sync-bytes': { label: 'serve: document sync data', scope: 'per browser tab (sync WebSocket)', unit: 'MiB', per: 'second', defaults: { burst: 256, rate: 64 }, min: 1, max: 100_000 },
  // The app's windows ask what a serve tab asks; a limit of their own, so tightening serve's (say,
  // for a server reachable from the network) never slows the person's own app.
  'window-api': { label: 'App windows: API requests', scope: 'per app window', unit: 'requests', per: 'second', defaults: { burst: 600, rate: 200 }, min: 1, max: 100_000 },
  control: { label: 'Control socket: CLI commands', scope: 'per local user (all connections)', unit: 'commands', per: 'second', defaults: { burst: 100, rate: 20 }, min: 1, max: 10_000 },
  // A plugin going through a thousand clips one call at a time is fine; a loop of calls is not.
  plugin: { label: 'Plugin calls to the host', scope: 'per plugin', unit: 'messages', per: 'second', defaults: { burst: 2000, rate: 1000 }, min: 1, max: 100_000 },
  // An honest first sync of a 10,000-clip library stays far below both (sync-bench).
  'sync-messages': { label: 'Sync: messages from a device', scope: 'per paired device', unit: 'messages', per: 'second', defaults: { burst: 50_000, rate: 20_000 }, min: 1, max: 1_000_000 },
  'sync-bytes': { label: 'Sync: data from a device', scope: 'per paired device', unit: 'MiB', per: 'second', defaults: { burst: 1024, rate: 256 }, min: 1, max: 100_000 },
  // A person types a code a few times; a script trying codes opens many sessions.
  'pairing-address': { label: 'Pairing attempts from one address', scope: 'per source address', unit: 'attempts', per: 'minute', defaults: { burst: 5, rate: 5 }, min: 1, max: 1000 },
  'pairing-all': { label: 'Pairing attempts in all', scope: 'on this device', unit: 'attempts', per: 'minute', defaults: { burst: 20, rate: 20 }, min: 1, max: 10_000 },
};

export interface RateLimitSettings {
  limits: Record<RateLimitName, RateLimitValue>;
  /** A device over its sync budget this long without a pause is disconnected (it is slowed before). */
  syncDisconnectAfterSeconds: number;
}

export const SYNC_DISCONNECT_RANGE = { min: 1, max: 3600 } as const;

export const DEFAULT_RATE_LIMIT_SETTINGS: RateLimitSettings = {
  limits: Object.fromEntries(RATE_LIMIT_NAMES.map((name) => [name, { ...RATE_LIMIT_DEFINITIONS[name].defaults }])) as Record<RateLimitName, RateLimitValue>,
  syncDisconnectAfterSeconds: 60,
};

/** A limit's token bucket in its own units: capacity in units, refill in units per second. */
export function bucketShape(name: RateLimitName, value: RateLimitValue): { capacity: number; refillPerSecond: number } {
  const definition = RATE_LIMIT_DEFINITIONS[name];
  const scale = definition.unit === 'MiB' ? 1024 * 1024 : 1;
  return { capacity: value.burst * scale, refillPerSecond: (value.rate * scale) / (definition.per === 'minute' ? 60 : 1) };
}

/** Why a value cannot be used, or null. */
export function rateLimitValueProblem(name: RateLimitName, value: unknown): string | null {
  const { min, max, label } = RATE_LIMIT_DEFINITIONS[name];
  if (value === null || typeof value !== 'object') return `${label}: expected a burst and a rate`;
  for (const field of ['burst', 'rate'] as const) {
    const number = (value as Record<string, unknown>)[field];
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) return `${label}: the ${field} must be a whole number from ${min} to ${max}`;
  }
  return null;
}

const limitValueSchema = z.strictObject({ burst: z.number().int(), rate: z.number().int() });

/** The API's change: only the limits named, each whole; checked against its own range by the core. */
export const changeRateLimitsSchema = z.strictObject({
  limits: z.partialRecord(z.enum(RATE_LIMIT_NAMES), limitValueSchema).optional(),
  syncDisconnectAfterSeconds: z.number().int().min(SYNC_DISCONNECT_RANGE.min).max(SYNC_DISCONNECT_RANGE.max).optional(),
  /** Puts every limit back to its default. */
  reset: z.boolean().optional(),
});
export type RateLimitsChange = z.infer<typeof changeRateLimitsSchema>;

export interface RateLimitsView {
  settings: RateLimitSettings;
  /** The definitions, in the order Settings shows them. */
  definitions: Array<RateLimitDefinition & { name: RateLimitName }>;
  /** What could not be used when the file was read (its default used instead). */
  problems: string[];
}

export const RATE_LIMIT_REQUEST_SCHEMAS = {
  /** This device's limits (Settings → Security → Limits). */
  rateLimits: z.object({}).strict(),
  /** Changes some limits (each checked against its range) or puts them all back to their defaults. */
  changeRateLimits: changeRateLimitsSchema,
};

export interface RateLimitResults {
  rateLimits: RateLimitsView;
  changeRateLimits: RateLimitsView;
}
