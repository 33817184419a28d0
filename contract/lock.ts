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
  /** Whether `unlock` can use the OS keychain instead of a passphrase here. */
  keychainUnlock: boolean;
}

export const LOCK_REQUEST_SCHEMAS = {
  /** Whether the instance is locked; answered while locked too. */
  lockState: z.object({}).strict(),
  /** Locks now: pending writes are saved, the library is closed. */
  lock: z.object({}).strict(),
  /** Opens the library again with its passphrase, or the OS keychain where it holds a slot. Failures are audited and slowed. */
  unlock: z.union([z.object({ passphrase: z.string().min(1).max(1024) }).strict(), z.object({ keychain: z.literal(true) }).strict()]),
  /** Changes the idle time (null: never lock when idle). */
  setLockAfter: z
    .object({ minutes: z.number().int().min(1).max(MAX_LOCK_AFTER_MINUTES).nullable() })
    .strict(),
} as const;

export interface LockResults {
  lockState: LockState;
  lock: LockState;
  unlock: LockState;
  setLockAfter: LockState;
}

/** Methods a locked instance still answers. */
export const LOCK_METHODS: ReadonlySet<string> = new Set(Object.keys(LOCK_REQUEST_SCHEMAS).filter((method) => method !== 'setLockAfter'));
