import { ApiError, type ClipShotApi } from '../../../contract/api.js';
import type { LockState } from '../../../contract/lock.js';

/** The core's lock state; null when the core has no app lock (it answers 'unsupported'). */
export async function readLockState(api: ClipShotApi): Promise<LockState | null> {
  try {
    return await api.lockState({});
  } catch (error) {
    if (error instanceof ApiError && error.code === 'unsupported') return null;
    throw error;
  }
}

/**
 * When the core locks, the window starts over (`restart`: a reload in the app), so that nothing of
 * the library stays in its memory: stores, pages, documents. It then starts on the lock screen.
 */
export function restartWhenLocked(api: ClipShotApi, restart: () => void): () => void {
  return api.onEvent((event) => {
    if (event.type === 'lock-changed' && event.state.locked) restart();
  });
}

/** A request refused because the core locked (its event may still be on its way). */
export function isLockedError(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'locked';
}
