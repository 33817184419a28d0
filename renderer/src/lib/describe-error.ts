import { ApiError } from '../../../contract/api.js';

/** A message a person can act on, for any error the renderer catches. */
export function describeError(error: unknown, doing?: string): string {
  const reason = reasonOf(error);
  return doing ? `Could not ${doing}: ${reason}` : capitalize(reason);
}

function reasonOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) return 'ClipShot could not be reached';
  if (error instanceof Error && error.message) return error.message;
  return 'something went wrong';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
