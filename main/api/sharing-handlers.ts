// The API's people-and-sharing methods: each hands its (already checked) request to sync's sharing
// and turns a SharingError's code into an ApiError code; its message is already in plain words.
import { ApiError, type API_REQUEST_SCHEMAS, type ApiErrorCode, type ApiResults } from '../../contract/api.js';
import type { SyncControl } from '../../contract/devices.js';
import type { SharingControl } from '../../contract/sharing.js';
import { toApiError } from './api-errors.js';

type SharingMethod = 'sharingStatus' | 'shareCollection' | 'unshareCollection' | 'sharedClips' | 'editSharedClip';
type Params<M extends SharingMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type SharingHandlers = { [M in SharingMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

/** SharingError's codes (main/sync/sharing/shared-collections.ts). */
const SHARING_CODES: Record<string, ApiErrorCode> = {
  'not-owner': 'unauthorized',
  'not-editor': 'unauthorized',
  'unknown-collection': 'not-found',
  'unknown-clip': 'not-found',
  'unknown-person': 'not-found',
  'no-clips': 'invalid-request',
};

function sharingErrorToApiError(error: unknown): ApiError {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? SHARING_CODES[error.code] : undefined;
  return code && error instanceof Error ? new ApiError(code, error.message) : toApiError(error);
}

export function createSharingHandlers(sync: SyncControl | undefined): SharingHandlers {
  const run = async <T>(work: (sharing: SharingControl) => T | Promise<T>): Promise<T> => {
    if (!sync) throw new ApiError('unsupported', 'sync is not running in this instance');
    if (!sync.sharing) throw new ApiError('unsupported', 'sharing is not available in this instance');
    try {
      return await work(sync.sharing);
    } catch (error) {
      throw sharingErrorToApiError(error);
    }
  };
  return {
    sharingStatus: () => run((sharing) => sharing.status()),
    shareCollection: ({ collection, person, role }) => run((sharing) => sharing.share(collection, person, role)),
    unshareCollection: ({ collection, person }) => run((sharing) => sharing.unshare(collection, person)),
    sharedClips: ({ collection }) => run((sharing) => sharing.sharedClips(collection)),
    editSharedClip: ({ collection, clipId, title, notes }) =>
      run((sharing) => sharing.editSharedClip(collection, clipId, { ...(title !== undefined && { title }), ...(notes !== undefined && { notes }) })),
  };
}
