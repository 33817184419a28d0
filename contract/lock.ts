import { z } from 'zod';

/**
 * The app lock as the API and the app see it. While an instance is locked its library is closed
 * (its keys gone from memory) and every other request answers ApiError 'locked'.
 */

/** How long without a request from the person before the instance locks; null: never. */
export const LOCK_AFTER_CHOICES: readonly (number | null)[] = [1, 5, 15, 30, 60, 240, null];
export const DEFAULT_LOCK_AFTER_MINUTES = 15;
export const MAX_LOCK_AFTER_MINUTES = 24 * 60;

/** Where it sits in the settings document (a flat key on its root, like the clipboard's): 0 = never. */
export interface LockSettingsDoc {
  lockAfterMinutes?: number;
}

/** The document's value as minutes (null: never); anything malformed reads as the default. */
export function readLockAfterMinutes(doc: unknown): number | null {
  const value = doc !== null && typeof doc === 'object' ? (doc as LockSettingsDoc).lockAfterMinutes : undefined;
  if (value === 0) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LOCK_AFTER_MINUTES) return value;
  return DEFAULT_LOCK_AFTER_MINUTES;
}

export interface LockState {
  locked: boolean;
  /** Idle minutes before locking (null: never); null too while locked (the setting is in the library). */
  lockAfterMinutes: number | null;
  /** Whether `unlock` can use the OS keychain instead of a passphrase here (through the OS prompt when `osUnlock.offered`). */
  keychainUnlock: boolean;
  osUnlock: OsUnlockState;
}

/**
 * Unlocking with OS authentication (Touch ID): the OS prompt is the gate, the library's keychain
 * unlock method the key source. Only the desktop app on a Mac has it; `serve` and the CLI never do.
 */
export interface OsUnlockState {
  /** What the OS calls it ("Touch ID"), where this ClipShot can prompt now; null elsewhere. */
  name: string | null;
  /** The person turned it on for this device (Settings → Lock); not synced. */
  enabled: boolean;
  /** The library has a keychain unlock method reachable here: what the prompt releases. */
  keychainSlot: boolean;
  /** All of the above: `unlock({ osAuth: true })` works, and a keychain unlock prompts too. */
  offered: boolean;
}

export const LOCK_REQUEST_SCHEMAS = {
  /** Whether the instance is locked; answered while locked too. */
  lockState: z.object({}).strict(),
  /** Locks now: pending writes are saved, the library is closed. */
  lock: z.object({}).strict(),
  /** Opens the library again with its passphrase, the OS keychain where it holds a slot, or OS authentication where offered. Failures are audited and slowed. */
  unlock: z.union([
    z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
    z.object({ keychain: z.literal(true) }).strict(),
    z.object({ osAuth: z.literal(true) }).strict(),
  ]),
  /** Changes the idle time (null: never lock when idle). */
  setLockAfter: z
    .object({ minutes: z.number().int().min(1).max(MAX_LOCK_AFTER_MINUTES).nullable() })
    .strict(),
  /** Turns unlocking with OS authentication on or off for this device. */
  setOsUnlock: z.object({ enabled: z.boolean() }).strict(),
} as const;

export interface LockResults {
  lockState: LockState;
  lock: LockState;
  unlock: LockState;
  setLockAfter: LockState;
  setOsUnlock: LockState;
}

/** Methods a locked instance still answers (the settings change only while unlocked). */
export const LOCK_METHODS: ReadonlySet<string> = new Set(['lockState', 'lock', 'unlock'] satisfies (keyof typeof LOCK_REQUEST_SCHEMAS)[]);
