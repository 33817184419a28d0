// The API's device methods: each hands its (already checked) request to the sync subsystem and
// turns what it throws into an ApiError a person can read.
import { ApiError, type API_REQUEST_SCHEMAS, type ApiErrorCode, type ApiEvent, type ApiResults } from '../../contract/api.js';
import type { SyncControl } from '../../contract/devices.js';
import { toApiError } from './api-errors.js';

type DeviceMethod = 'syncStatus' | 'startPairing' | 'pairingState' | 'cancelPairing' | 'joinDevice' | 'unpairDevice' | 'renameDevice' | 'connectDevice' | 'setOriginals';
type Params<M extends DeviceMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type DeviceHandlers = { [M in DeviceMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

/** 'sync-changed' events are at most this often (4 a second): a sync in full flow changes its status constantly. */
export const SYNC_EVENT_INTERVAL_MS = 250;

/** What the person was doing, for the message: the address tried, the device named. */
interface Attempt {
  peer?: string;
  device?: string;
}

type Explained = { code: ApiErrorCode; message: (attempt: Attempt) => string };

const DEVICE_ID = /^device-[0-9a-f]{32}$/;
const there = (attempt: Attempt) => (attempt.peer ? ` at ${attempt.peer}` : '');

/** The codes SyncControl's errors carry (PairingError's, the device registry's), in words. */
const SYNC_ERRORS: Record<string, Explained> = {
  'wrong-code': { code: 'unauthorized', message: () => 'the other device did not accept that code: check the code it shows and type it again' },
  expired: { code: 'not-found', message: () => 'that code has expired: ask the other device for a new one' },
  exhausted: { code: 'rate-limited', message: () => 'that code was tried wrongly too many times and no longer works: ask the other device for a new one' },
  'invalid-code': { code: 'invalid-request', message: () => 'a pairing code is 8 digits, like 1234-5678' },
  timeout: { code: 'unreachable', message: (attempt) => `the device${there(attempt)} did not answer in time: check the address, and that ClipShot is running there` },
  busy: { code: 'busy', message: () => 'this device is busy pairing: finish or cancel that first, then try again' },
  'rate-limited': { code: 'rate-limited', message: (attempt) => `the device${there(attempt)} is refusing pairing attempts for a while (too many in a short time): wait a minute and try again` },
  'unknown-device': {
    code: 'not-found',
    // A window names a device by its id: one not paired (any more) was unpaired elsewhere meanwhile.
    message: (attempt) =>
      attempt.device && !DEVICE_ID.test(attempt.device) ? `no paired device is called “${attempt.device}” (or has that id or fingerprint)` : 'that device is not paired with this one (any more)',
  },
};

/** Node's socket errors when another device cannot be reached. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (is ClipShot running, and is the port right?)',
  ECONNRESET: 'the connection was cut before pairing finished',
  EHOSTUNREACH: 'that host cannot be reached from this network',
  ENETUNREACH: 'that network cannot be reached from here',
  ENOTFOUND: 'that host name is unknown',
  EAI_AGAIN: 'that host name could not be looked up',
  ETIMEDOUT: 'it did not answer in time',
};

export function syncErrorToApiError(error: unknown, attempt: Attempt = {}): ApiError {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : null;
  const explained = code === null ? undefined : SYNC_ERRORS[code];
  if (explained) return new ApiError(explained.code, explained.message(attempt));
  const network = code === null ? undefined : NETWORK_ERRORS[code];
  if (network) return new ApiError('unreachable', `could not reach the device${there(attempt)}: ${network}`);
  return toApiError(error);
}

export function createDeviceHandlers(sync: SyncControl | undefined): DeviceHandlers {
  const control = (): SyncControl => {
    if (!sync) throw new ApiError('unsupported', 'sync is not running in this instance');
    return sync;
  };
  const guard = async <T>(attempt: Attempt, work: (sync: SyncControl) => T | Promise<T>): Promise<T> => {
    const running = control();
    try {
      return await work(running);
    } catch (error) {
      throw syncErrorToApiError(error, attempt);
    }
  };

  return {
    syncStatus: () => guard({}, (running) => running.status()),
    startPairing: () => guard({}, (running) => running.startPairing()),
    pairingState: () => guard({}, (running) => running.pairingState()),
    cancelPairing: () =>
      guard({}, (running) => {
        running.cancelPairing();
        return null;
      }),
    joinDevice: ({ code, peer }) => guard({ peer }, (running) => running.join(code, peer)),
    unpairDevice: ({ device }) => guard({ device }, (running) => running.unpair(device)),
    renameDevice: ({ name }) => guard({}, (running) => running.rename(name)),
    connectDevice: ({ peer }) =>
      guard({ peer }, async (running) => {
        await running.connect(peer);
        return null;
      }),
    setOriginals: ({ mode }) =>
      guard({}, async (running) => {
        await running.setOriginals(mode);
        return null;
      }),
  };
}

/**
 * Forwards sync's changes as 'sync-changed' events carrying the whole status, at most one per
 * SYNC_EVENT_INTERVAL_MS: the first change waits out the interval, and the status sent is the
 * one at the end of it (so the last change is never lost). Returns the function that stops it.
 */
export function forwardSyncChanges(sync: SyncControl | undefined, emit: (event: ApiEvent) => void): () => void {
  if (!sync) return () => undefined;
  let timer: NodeJS.Timeout | null = null;
  const stop = sync.onChange(() => {
    timer ??= setTimeout(() => {
      timer = null;
      let status;
      try {
        status = sync.status();
      } catch {
        // Sync is stopping (or failing, which its own methods report): a window catches up on the next change, or when it asks.
        return;
      }
      emit({ type: 'sync-changed', status });
    }, SYNC_EVENT_INTERVAL_MS);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
