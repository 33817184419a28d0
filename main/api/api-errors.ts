import type { z } from 'zod';
import { ApiError, type ApiErrorCode } from '../../contract/api.js';
import { IndexRebuildingError, InvalidQueryError } from '../index/errors.js';
import { ImportRejection } from '../library/import/rejection.js';
import { LibraryError } from '../library/errors.js';
import { describeWait, RateLimitedError } from '../security/rate-limit/rate-limited-error.js';
import { RateLimitSettingsError } from '../security/rate-limit/rate-limit-policy.js';

const LIBRARY_CODES: Record<string, ApiErrorCode> = {
  'clip-not-found': 'not-found',
  'blob-not-found': 'not-found',
  'ambiguous-id': 'ambiguous',
  'invalid-edit': 'invalid-edit',
  'storage-failure': 'storage-failure',
  'bad-format': 'invalid-request',
  'bad-output': 'invalid-request',
  'bad-selection': 'invalid-request',
  'bad-request': 'invalid-request',
  busy: 'busy',
  unsupported: 'unsupported',
};

/** What crosses a transport: a typed ApiError. Unexpected failures keep their message (it is our own) but not their stack. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidQueryError) return new ApiError('invalid-query', error.message);
  if (error instanceof IndexRebuildingError) return new ApiError('busy', error.message);
  if (error instanceof ImportRejection) return new ApiError('invalid-request', error.message);
  if (error instanceof LibraryError) return new ApiError(LIBRARY_CODES[error.code] ?? 'internal', error.message);
  if (error instanceof RateLimitedError) return rateLimitedApiError(error.retryAfterMs);
  if (error instanceof RateLimitSettingsError) return new ApiError('invalid-edit', error.message);
  return new ApiError('internal', error instanceof Error ? error.message : String(error));
}

export function invalidRequest(method: string, error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'request';
  return new ApiError('invalid-request', `${method}: ${where}: ${issue?.message ?? 'invalid'}`);
}

/** Over a limit: a typed error with the wait, in words a person can act on. */
export function rateLimitedApiError(retryAfterMs: number): ApiError {
  return new ApiError('rate-limited', `ClipShot is getting requests faster than it allows; try again in ${describeWait(retryAfterMs)}`, { retryAfterMs });
}
