import { LibraryError } from '../../library/errors.js';

export type BlobUnavailableReason = 'no-peer-has-it' | 'corrupt-copies' | 'peer-gone' | 'closed';

const DETAILS: Record<BlobUnavailableReason, string> = {
  'no-peer-has-it': 'no connected device has it',
  'corrupt-copies': 'every copy received was damaged',
  'peer-gone': 'the device sending it went away and did not come back in time',
  closed: 'blob sync has stopped',
};

/** A blob this device lacks could not be fetched from another device. */
export class BlobUnavailableError extends LibraryError {
  constructor(
    readonly hash: string,
    readonly reason: BlobUnavailableReason,
  ) {
    super(`blob ${hash} could not be fetched: ${DETAILS[reason]}`, 'blob-unavailable');
  }
}
