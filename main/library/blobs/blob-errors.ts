import { LibraryError } from '../errors.js';

/** The stored bytes fail authentication or their hash: tampered, truncated, damaged, or read with the wrong key. */
export class BlobIntegrityError extends LibraryError {
  constructor(hash: string, detail: string) {
    super(`blob ${hash} is damaged or was tampered with: ${detail}`, 'blob-corrupt');
  }
}

export class BlobNotFoundError extends LibraryError {
  /** `detail` says why it could not be fetched either (from another device). */
  constructor(hash: string, detail?: string) {
    super(`blob ${hash} is not in the library${detail === undefined ? '' : ` (${detail})`}`, 'blob-not-found');
  }
}

export class BlobTooLargeError extends LibraryError {
  constructor(source: string, maxBytes: number) {
    super(`${source} is larger than the limit of ${maxBytes} bytes`, 'blob-too-large');
  }
}

/** The source file's bytes were not the ones expected: it changed while being read, or hashed differently. */
export class BlobSourceChangedError extends LibraryError {
  constructor(source: string, detail: string) {
    super(`${source} changed while being stored: ${detail}`, 'source-changed');
  }
}

export class InvalidBlobArgumentError extends LibraryError {
  constructor(message: string) {
    super(message, 'invalid-blob-argument');
  }
}

/** A byte range outside the blob; an HTTP layer answers it with 416. */
export class BlobRangeError extends LibraryError {
  constructor(range: { start: number; end: number }, size: number) {
    super(`byte range ${range.start}-${range.end} is outside a blob of ${size} bytes`, 'blob-bad-range');
  }
}
