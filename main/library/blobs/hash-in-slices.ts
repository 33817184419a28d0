import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** About 2 ms of SHA-256 here: small enough that timers and sockets keep their pace. */
const SLICE_BYTES = 1024 * 1024;

/**
 * SHA-256 (hex) of bytes already in memory, a slice at a time with the event loop let in between:
 * hashing 50 MB at once holds the main thread for about a hundred milliseconds.
 */
export async function sha256InSlices(bytes: Uint8Array, sliceBytes = SLICE_BYTES): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < bytes.length; offset += sliceBytes) {
    if (offset > 0) await yieldToEventLoop();
    hash.update(bytes.subarray(offset, offset + sliceBytes));
  }
  return hash.digest('hex');
}
