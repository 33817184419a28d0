/** An inclusive byte range, as in an HTTP Range header. */
export interface ByteRangeRequest {
  start: number;
  end: number;
}

/**
 * Reads a `Range: bytes=...` header for a file of `size` bytes (RFC 9110 §14.1.2). Only a single
 * range is served: null means "send the whole file" (no header, another unit, or several ranges,
 * which a server may answer with the whole representation); 'unsatisfiable' means 416.
 */
export function parseRangeHeader(header: string | undefined | null, size: number): ByteRangeRequest | 'unsatisfiable' | null {
  if (header === undefined || header === null) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  // A last byte before the first makes the range invalid, and an invalid Range header is ignored.
  if (last !== '' && Number(last) < start) return null;
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}
