import { ApiError, type ApiEvent } from '../../../contract/api.js';
import { LOCK_REQUEST_SCHEMAS, type LockState } from '../../../contract/lock.js';
import { invalidRequest, toApiError } from '../../api/api-errors.js';
import type { ApiService, ApiSession } from '../../api/api-service.js';
import type { MediaFile } from '../../api/media.js';
import type { InstanceLock, UnlockedInstance, UnlockRequest } from './instance-lock.js';

type LockMethod = keyof typeof LOCK_REQUEST_SCHEMAS;

/**
 * The API as windows reach it through an app lock: the lock's own methods are answered here
 * (locked or not); every other request, media and export goes to the unlocked instance's service,
 * or is refused with ApiError 'locked'. Each request counts as the person's activity (idle lock).
 */
export function createLockableApiService<T extends UnlockedInstance>(lock: InstanceLock<T>): ApiService {
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  let forwarding: (() => void) | null = null;
  const follow = (instance: T | null) => {
    forwarding?.();
    forwarding = instance ? instance.api.onEvent(emit) : null;
  };
  follow(lock.locked ? null : lock.current());
  const stopFollowing = lock.onChange((state, instance) => {
    follow(instance);
    emit({ type: 'lock-changed', state });
  });

  const runLockMethod = async (method: LockMethod, params: unknown): Promise<LockState> => {
    const parsed = LOCK_REQUEST_SCHEMAS[method].safeParse(params ?? {});
    if (!parsed.success) throw invalidRequest(method, parsed.error);
    try {
      switch (method) {
        case 'lockState':
          return await lock.state();
        case 'lock':
          await lock.lock('person');
          return await lock.state();
        case 'unlock':
          return await lock.unlock(parsed.data as UnlockRequest);
        case 'setLockAfter':
          lock.touch();
          return await lock.setLockAfter((parsed.data as { minutes: number | null }).minutes);
        case 'setOsUnlock':
          lock.touch();
          return await lock.setOsUnlock((parsed.data as { enabled: boolean }).enabled);
      }
    } catch (error) {
      throw toApiError(error);
    }
  };

  const isLockMethod = (method: string): method is LockMethod => Object.hasOwn(LOCK_REQUEST_SCHEMAS, method);

  return {
    dispatch: (method, params) => {
      if (isLockMethod(method)) return runLockMethod(method, params);
      return Promise.resolve().then(() => {
        lock.touch();
        return lock.current().api.dispatch(method, params);
      });
    },
    openSession: () => {
      // A window's session belongs to one opening of the library: after a lock it starts afresh.
      let inner: { instance: T; session: ApiSession } | null = null;
      const sessionOf = (instance: T): ApiSession => {
        if (inner?.instance !== instance) inner = { instance, session: instance.api.openSession() };
        return inner.session;
      };
      return {
        dispatch: (method, params) => {
          if (isLockMethod(method)) return runLockMethod(method, params);
          return Promise.resolve().then(() => {
            lock.touch();
            return sessionOf(lock.current()).dispatch(method, params);
          });
        },
        close: () => {
          if (inner && !lock.locked && lock.current() === inner.instance) inner.session.close();
          inner = null;
        },
      };
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    openMedia: (clipId, request): Promise<MediaFile> =>
      Promise.resolve().then(() => {
        lock.touch();
        return lock.current().api.openMedia(clipId, request);
      }),
    openExport: (jobId) => Promise.resolve().then(() => lock.current().api.openExport(jobId)),
    close: async () => {
      stopFollowing();
      forwarding?.();
      listeners.clear();
    },
  };
}

/** For an ApiService without a lock (tests, the CLI's own): the lock methods say there is none. */
export function noLockHandlers(): Record<LockMethod, () => never> {
  const refuse = (): never => {
    throw new ApiError('unsupported', 'this ClipShot has no app lock');
  };
  return { lockState: refuse, lock: refuse, unlock: refuse, setLockAfter: refuse, setOsUnlock: refuse };
}
